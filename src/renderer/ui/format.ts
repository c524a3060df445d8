/** Number formatting for the screens (durations and rates come from src/shared/format). */
export { formatDuration, formatRate } from '../../shared/format';

/** Integer with thousands separators; an em dash when unknown. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n.toLocaleString('en-US');
}
