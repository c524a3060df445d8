/**
 * Sums, means and standard deviations computed the way NumPy computes them, so stage outputs match
 * the authors' arrays bit for bit where that matters (README of the fixtures, §2.4).
 *
 * NumPy's `add.reduce` over a contiguous array uses pairwise summation with an 8-way unrolled
 * base case of up to 128 elements, applied per ufunc buffer of 8192 elements. In float32 that
 * algorithm (with rounding after every addition) is what makes the light-curve `std` channel and
 * the quarter stitching offsets bit-exact; in float64 it only changes the last ulp.
 */

const f32 = Math.fround;
const identity = (v: number): number => v;

/** NumPy's pairwise sum of a[start, start+n), rounding every partial sum with `round`. */
function pairwise(a: ArrayLike<number>, start: number, n: number, round: (v: number) => number): number {
  if (n < 8) {
    let r = 0;
    for (let i = 0; i < n; i++) r = round(r + a[start + i]);
    return r;
  }
  if (n <= 128) {
    const r = [a[start], a[start + 1], a[start + 2], a[start + 3], a[start + 4], a[start + 5], a[start + 6], a[start + 7]];
    let i = 8;
    for (; i + 8 <= n; i += 8) {
      for (let k = 0; k < 8; k++) r[k] = round(r[k] + a[start + i + k]);
    }
    let res = round(round(round(r[0] + r[1]) + round(r[2] + r[3])) + round(round(r[4] + r[5]) + round(r[6] + r[7])));
    for (; i < n; i++) res = round(res + a[start + i]);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return round(pairwise(a, start, n2, round) + pairwise(a, start + n2, n - n2, round));
}

/** NumPy buffers reductions in blocks of 8192 elements and accumulates the block sums in order. */
const NUMPY_BUFSIZE = 8192;

function numpySum(a: ArrayLike<number>, round: (v: number) => number): number {
  let acc = 0;
  for (let start = 0; start < a.length; start += NUMPY_BUFSIZE) {
    acc = round(acc + pairwise(a, start, Math.min(NUMPY_BUFSIZE, a.length - start), round));
  }
  return acc;
}

/** `np.sum` of a float32 array, float32 arithmetic (every partial sum rounded to float32). */
export function sumFloat32(a: ArrayLike<number>): number {
  return numpySum(a, f32);
}

/** `np.sum` of a float64 array (same pairwise order, float64 arithmetic). */
export function sumFloat64(a: ArrayLike<number>): number {
  return numpySum(a, identity);
}

/** `np.mean` of a float32 array: f32(sum32 / n). */
export function meanFloat32(a: ArrayLike<number>): number {
  return f32(sumFloat32(a) / a.length);
}

/** `np.mean` of a float64 array. */
export function meanFloat64(a: ArrayLike<number>): number {
  return sumFloat64(a) / a.length;
}

/** `np.std` (ddof = 0) of a float64 array, as NumPy computes it: sqrt(sum((x − mean)²) / n). */
export function stdFloat64(a: ArrayLike<number>, mean = meanFloat64(a)): number {
  const sq = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) { const d = a[i] - mean; sq[i] = d * d; }
  return Math.sqrt(sumFloat64(sq) / a.length);
}

/** `np.std` (ddof = 0) of a float32 array in float32 arithmetic. */
export function stdFloat32(a: ArrayLike<number>, mean = meanFloat32(a)): number {
  const sq = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) { const d = f32(a[i] - mean); sq[i] = f32(d * d); }
  return f32(Math.sqrt(f32(sumFloat32(sq) / a.length)));
}

/**
 * `np.nanmean` (as nanMeanFloat32) of the prefixes a[0:L] of one float32 array that is written
 * front to back, for growing L. NumPy accumulates complete 8192-element blocks in order, so every
 * prefix shares the running sum of the complete blocks it holds; those are kept, and each call only
 * adds the blocks completed since and the partial last block — stitching 17 quarters reads each
 * sample about once instead of once per later quarter. a[0:L] must not change once asked for.
 */
export class GrowingNanMeanFloat32 {
  /** The array with NaNs as 0 (what nanMeanFloat32 sums), filled up to `seen`. */
  private readonly zeroed: Float32Array;
  private seen = 0;
  private count = 0;
  /** Running float32 sum after each complete block. */
  private readonly blockSums: number[] = [];

  constructor(private readonly a: Float32Array) {
    this.zeroed = new Float32Array(a.length);
  }

  /** np.nanmean(a[0:length]); NaN when it holds no number. */
  mean(length: number): number {
    if (length < this.seen || length > this.a.length) throw new Error(`GrowingNanMeanFloat32: prefix ${length} after ${this.seen} (array of ${this.a.length})`);
    for (let i = this.seen; i < length; i++) {
      if (Number.isNaN(this.a[i])) continue;
      this.zeroed[i] = this.a[i];
      this.count++;
    }
    this.seen = length;
    const complete = Math.floor(length / NUMPY_BUFSIZE);
    for (let b = this.blockSums.length; b < complete; b++) {
      const before = b === 0 ? 0 : this.blockSums[b - 1];
      this.blockSums.push(f32(before + pairwise(this.zeroed, b * NUMPY_BUFSIZE, NUMPY_BUFSIZE, f32)));
    }
    let sum = complete === 0 ? 0 : this.blockSums[complete - 1];
    const rest = length - complete * NUMPY_BUFSIZE;
    if (rest > 0) sum = f32(sum + pairwise(this.zeroed, complete * NUMPY_BUFSIZE, rest, f32));
    return this.count === 0 ? NaN : f32(sum / this.count);
  }
}

/** `np.nanmean` of a float32 array: NaNs count as 0 in the float32 sum and are left out of the count. */
export function nanMeanFloat32(a: ArrayLike<number>): number {
  const filled = new Float32Array(a.length);
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i])) continue;
    filled[i] = a[i];
    count++;
  }
  return count === 0 ? NaN : f32(sumFloat32(filled) / count);
}
