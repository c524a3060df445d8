/** Piecewise-linear interpolation in a table sorted by x (clamped at both ends). */
export function interpolate(table: readonly (readonly [number, number])[], x: number): number {
  if (x <= table[0][0]) return table[0][1];
  const last = table[table.length - 1];
  if (x >= last[0]) return last[1];
  let i = 1;
  while (table[i][0] < x) i++;
  const [x0, y0] = table[i - 1];
  const [x1, y1] = table[i];
  return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
