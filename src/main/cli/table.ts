/** Plain-text tables for the CLI's human output. */

/** Left-aligned columns separated by two spaces; a header row is printed when any title is non-empty. */
export function formatTable(titles: string[], rows: string[][]): string {
  const all = titles.some((t) => t !== '') ? [titles, ...rows] : rows;
  const widths = titles.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}
