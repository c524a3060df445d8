/**
 * `scipy.signal.medfilt(x, kernelSize)`: a running median with zero padding at both edges, so the
 * first output of a width-3 filter is median(0, x0, x1).
 */
export function medianFilter(x: ArrayLike<number>, kernelSize = 3): Float64Array {
  if (kernelSize < 1 || kernelSize % 2 !== 1) throw new Error(`medianFilter: kernel size must be odd and positive, got ${kernelSize}`);
  const half = (kernelSize - 1) / 2;
  const n = x.length;
  const out = new Float64Array(n);
  const window = new Float64Array(kernelSize);
  for (let i = 0; i < n; i++) {
    for (let k = -half; k <= half; k++) {
      const j = i + k;
      window[k + half] = j < 0 || j >= n ? 0 : x[j];
    }
    window.sort();
    out[i] = window[half];
  }
  return out;
}
