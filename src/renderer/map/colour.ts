/**
 * Point colours for the map: a perceptually uniform colour bar (viridis) for numeric columns, a
 * ten-colour qualitative palette for categories, and dimming of unselected points (dimmed, never
 * hidden, so the selection keeps its context).
 */

/** A column as the renderer holds it: numbers with NaN for none, or category codes with -1 for none. */
export type ColumnData =
  | { kind: 'numeric'; label: string; unit: string | null; values: Float64Array }
  | { kind: 'categorical'; label: string; unit: string | null; categories: string[]; codes: Int32Array };

type Rgb = [number, number, number];

// viridis at 9 evenly spaced stops (matplotlib's values), linearly interpolated between them.
const VIRIDIS: Rgb[] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/** Tableau 10: distinct hues that stay readable on white. */
export const CATEGORY_COLOURS: Rgb[] = [
  [78, 121, 167], [242, 142, 43], [225, 87, 89], [118, 183, 178], [89, 161, 79],
  [237, 201, 72], [176, 122, 161], [255, 157, 167], [156, 117, 95], [186, 176, 172],
];

/** Colour of points without a value and of the uncoloured map. */
export const NO_VALUE: Rgb = [150, 156, 165];
export const PLAIN: Rgb = [47, 111, 191];

/** Viridis colour at t in [0, 1] (clamped). */
export function viridis(t: number): Rgb {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + f * (b[c] - a[c]))) as Rgb;
}

/** Colour of category `code` (cycles after ten; -1 → no value). */
export function categoryColour(code: number): Rgb {
  return code < 0 ? NO_VALUE : CATEGORY_COLOURS[code % CATEGORY_COLOURS.length];
}

/** The 2nd and 98th percentiles of the finite values (robust colour-bar limits), or null when none. */
export function robustRange(values: Float64Array): [number, number] | null {
  const finite = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  const at = (q: number): number => finite[Math.min(finite.length - 1, Math.max(0, Math.round(q * (finite.length - 1))))];
  const lo = at(0.02);
  const hi = at(0.98);
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/**
 * Opacity of a point in a map of n points: opaque for small maps, more transparent as maps grow,
 * so overlapping points add up and dense regions read darker (density shading without a second pass).
 */
export function pointAlpha(n: number): number {
  return n <= 20_000 ? 200 : n <= 200_000 ? 120 : 60;
}

/**
 * RGBA per point (4 bytes each). With a selection, selected points keep their opacity and the
 * rest are drawn faint; `highlight` rows (similar stars, the clicked star) are drawn in a strong accent.
 */
export function pointColours(
  n: number,
  column: ColumnData | null,
  range: [number, number] | null,
  selected: Uint8Array | null,
  highlight: ArrayLike<number> = [],
): Uint8Array {
  const out = new Uint8Array(n * 4);
  const alpha = pointAlpha(n);
  const faint = Math.min(40, alpha >> 1);
  for (let i = 0; i < n; i++) {
    let rgb: Rgb = PLAIN;
    if (column?.kind === 'categorical') rgb = categoryColour(column.codes[i]);
    else if (column?.kind === 'numeric') {
      const v = column.values[i];
      rgb = Number.isFinite(v) && range ? viridis((v - range[0]) / (range[1] - range[0])) : NO_VALUE;
    }
    const dim = selected !== null && selected[i] === 0;
    out.set([rgb[0], rgb[1], rgb[2], dim ? faint : alpha], i * 4);
  }
  for (let h = 0; h < highlight.length; h++) out.set([220, 30, 60, 255], highlight[h] * 4);
  return out;
}

/** CSS colour text of an RGB triple. */
export function css(rgb: Rgb): string {
  return `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
}
