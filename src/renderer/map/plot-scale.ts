/** Linear scales and "nice" tick values for the panel's small SVG plots. */

/** Finite min and max of some arrays (null when there is no finite value). */
export function extent(...arrays: ArrayLike<number | null>[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (v === null || !Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo)) return null;
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/** Maps [d0, d1] onto [r0, r1] (r0 > r1 flips an axis, e.g. SVG y or an inverted magnitude axis). */
export function linearScale(domain: [number, number], range: [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** About `count` round tick values covering [lo, hi] (1, 2 or 5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Short tick label. */
export function tickLabel(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

/** Equal-width histogram of the finite values over [lo, hi]. */
export function histogram(values: ArrayLike<number>, lo: number, hi: number, bins: number, rows?: ArrayLike<number>): number[] {
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  const n = rows ? rows.length : values.length;
  for (let i = 0; i < n; i++) {
    const v = values[rows ? rows[i] : i];
    if (!Number.isFinite(v) || v < lo || v > hi) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  return counts;
}
