/**
 * Linear interpolation and grids with the exact semantics of the NumPy/SciPy calls the authors use,
 * so the port reproduces the reference to rounding.
 */

/**
 * scipy `interp1d(x, y, kind='linear', fill_value='extrapolate')(xNew)`: outside [x0, xn−1] the end
 * segments are extended (not clamped). `x` must be ascending.
 *
 * scipy keeps float32 x and y as float32, so the segment slope (y_hi − y_lo)/(x_hi − x_lo) is
 * computed in float32 and only the rest in float64; `float32Inputs` reproduces that bit for bit.
 */
export function interpLinearExtrapolate(
  xNew: ArrayLike<number>,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  float32Inputs = false,
): Float64Array {
  const n = x.length;
  if (n !== y.length) throw new Error(`interpLinearExtrapolate: x has ${n} points, y has ${y.length}`);
  if (n < 2) throw new Error(`interpLinearExtrapolate: need at least 2 points, got ${n}`);
  const out = new Float64Array(xNew.length);
  for (let i = 0; i < xNew.length; i++) {
    const xv = xNew[i];
    // searchsorted(x, xv, side='left') clipped to [1, n−1], as scipy's _call_linear does.
    let hi = lowerBound(x, xv);
    if (hi < 1) hi = 1;
    else if (hi > n - 1) hi = n - 1;
    const lo = hi - 1;
    const slope = float32Inputs
      ? Math.fround(Math.fround(y[hi] - y[lo]) / Math.fround(x[hi] - x[lo]))
      : (y[hi] - y[lo]) / (x[hi] - x[lo]);
    out[i] = slope * (xv - x[lo]) + y[lo];
  }
  return out;
}

/**
 * `np.interp(xNew, xp, fp)`: linear inside, clamped to fp[0] / fp[n−1] outside, NumPy's formula
 * slope·(x − xp[j]) + fp[j] (which is what makes NaN filling and the FFT resampling bit-exact).
 */
export function numpyInterp(xNew: ArrayLike<number>, xp: ArrayLike<number>, fp: ArrayLike<number>): Float64Array {
  const n = xp.length;
  if (n !== fp.length) throw new Error(`numpyInterp: xp has ${n} points, fp has ${fp.length}`);
  if (n < 1) throw new Error('numpyInterp: xp is empty');
  const out = new Float64Array(xNew.length);
  for (let i = 0; i < xNew.length; i++) {
    const xv = xNew[i];
    if (Number.isNaN(xv)) { out[i] = xv; continue; }
    if (xv < xp[0]) { out[i] = fp[0]; continue; }
    if (xv > xp[n - 1]) { out[i] = fp[n - 1]; continue; }
    // Largest j with xp[j] <= xv.
    const j = upperBound(xp, xv) - 1;
    if (j >= n - 1 || xp[j] === xv) { out[i] = fp[j]; continue; }
    const slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    let v = slope * (xv - xp[j]) + fp[j];
    if (Number.isNaN(v)) {
      v = slope * (xv - xp[j + 1]) + fp[j + 1];
      if (Number.isNaN(v) && fp[j] === fp[j + 1]) v = fp[j];
    }
    out[i] = v;
  }
  return out;
}

/** First index i with a[i] >= v (a ascending). */
export function lowerBound(a: ArrayLike<number>, v: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** First index i with a[i] > v (a ascending). */
export function upperBound(a: ArrayLike<number>, v: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * `np.arange(start, stop, step)` in float64, filled the way NumPy fills it: a[0] = start,
 * a[1] = start + step, then a[i] = start + i·delta with delta = a[1] − a[0] (not `step`; the two can
 * differ by an ulp, and the grids must match bit for bit).
 */
export function numpyArange(start: number, stop: number, step: number): Float64Array {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const out = new Float64Array(n);
  if (n === 0) return out;
  out[0] = start;
  if (n === 1) return out;
  out[1] = start + step;
  const delta = out[1] - out[0];
  for (let i = 2; i < n; i++) out[i] = start + i * delta;
  return out;
}

/** `np.linspace(start, stop, num)` (endpoint=True): start + i·step, last value exactly `stop`. */
export function numpyLinspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 0) return out;
  if (num === 1) { out[0] = start; return out; }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/** The log-λ grid of one arm: `10 ** np.arange(log10(start), log10(end), step)`. */
export function logWavelengthGrid(start: number, end: number, stepLog10: number): Float64Array {
  const exps = numpyArange(Math.log10(start), Math.log10(end), stepLog10);
  return exps.map((e) => Math.pow(10, e));
}
