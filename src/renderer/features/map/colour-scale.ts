/**
 * The colouring's scale: a numeric column is shown linearly or as log10 (values ≤ 0 have no
 * colour), between automatic limits (2nd–98th percentile) or limits the user typed.
 */
import type { ColourScale } from '../../../shared/session';
import { robustRange, type ColumnData } from '../../map/colour';

/** The column as coloured: log10 of the values for a log scale, unchanged otherwise. */
export function scaledColumn(column: ColumnData | null, scale: ColourScale): ColumnData | null {
  if (!column || column.kind !== 'numeric' || scale.kind === 'linear') return column;
  return {
    ...column,
    label: `log₁₀ ${column.label}`,
    values: Float64Array.from(column.values, (v) => (v > 0 ? Math.log10(v) : NaN)),
  };
}

/** The user's fixed limits in the scaled column's units, or null where they don't apply (none, or ≤ 0 on a log scale). */
export function fixedRange(scaled: ColumnData | null, scale: ColourScale): [number, number] | null {
  if (!scaled || scaled.kind !== 'numeric' || !scale.range) return null;
  const [lo, hi] = scale.range;
  if (scale.kind === 'linear') return [lo, hi];
  return lo > 0 && hi > 0 ? [Math.log10(lo), Math.log10(hi)] : null;
}

/** Colour-bar limits for the scaled column: the fixed limits (scaled too) or its robust range. */
export function scaledRange(scaled: ColumnData | null, scale: ColourScale): [number, number] | null {
  if (!scaled || scaled.kind !== 'numeric') return null;
  return fixedRange(scaled, scale) ?? robustRange(scaled.values);
}
