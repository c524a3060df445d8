/** Plain-SVG chart geometry: linear scales, readable tick values, and polyline paths. */

export interface Extent {
  min: number;
  max: number;
}

/** The range of the finite values, padded when all are equal so a scale never divides by zero. */
export function extentOf(values: Iterable<number | null | undefined>, pad = 0.05): Extent {
  let min = Infinity, max = -Infinity;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return { min: 0, max: 1 };
  if (min === max) return { min: min - (Math.abs(min) || 1) * 0.5, max: max + (Math.abs(max) || 1) * 0.5 };
  const d = (max - min) * pad;
  return { min: min - d, max: max + d };
}

/** A linear map from data to pixels. */
export function linearScale(domain: Extent, from: number, to: number): (v: number) => number {
  const k = (to - from) / (domain.max - domain.min);
  return (v) => from + (v - domain.min) * k;
}

/** About `count` round tick values (1, 2, 5 × 10ⁿ steps) inside the extent. */
export function ticks(e: Extent, count = 5): number[] {
  const raw = (e.max - e.min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  // The round step nearest above three quarters of the raw one: 4 requested ticks give 3 to 6.
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * 0.75) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(e.min / step) * step; v <= e.max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Short tick label: up to 3 significant digits, exponent form for very large/small values. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}

/**
 * An SVG path through the points ('M x y L x y …'), one command per point; points with a
 * non-finite coordinate are skipped.
 */
export function polyline(points: readonly { x: number; y: number }[], sx: (v: number) => number, sy: (v: number) => number): string {
  return points
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)} ${sy(p.y).toFixed(1)}`)
    .join(' ');
}

/** Distinct colours for loss terms and series (colour-blind-safe Okabe–Ito order). */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#000000'];
