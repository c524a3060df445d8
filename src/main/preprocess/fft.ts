/**
 * Fast Fourier transforms of any length in float64, for the light-curve ACF and FFT channels.
 *
 * Powers of two (4096, the ACF's zero-padded lengths) use an in-place iterative radix-2 transform;
 * other lengths with small prime factors (34560 = 2⁸·3³·5, 10025 = 5²·401) a recursive mixed-radix
 * Cooley–Tukey; lengths with a large prime factor use Bluestein's chirp-z algorithm on a
 * power-of-two transform. All are O(n log n) (a direct prime butterfly only while n·p is small). Twiddle
 * factors are computed directly with cos/sin (no recurrences), so the result is accurate to a few
 * ulps of the input's norm, as NumPy's pocketfft is.
 */

/** A complex vector as two float64 arrays. */
export interface ComplexArray {
  re: Float64Array;
  im: Float64Array;
}

/**
 * A prime factor p costs n·p operations as a direct butterfly. That is both faster and more
 * accurate than Bluestein while p is small or n·p modest (10025 = 5²·401 stays direct);
 * beyond that, Bluestein keeps the transform O(n log n).
 */
const MAX_DIRECT_RADIX = 64;
const MAX_DIRECT_WORK = 1 << 23;

/** Factors n into radices, 4s first (fewer passes), then 2, 3, 5, 7, … */
function factorize(n: number): number[] {
  const factors: number[] = [];
  let m = n;
  while (m % 4 === 0) { factors.push(4); m /= 4; }
  for (let p = 2; p * p <= m; p++) {
    while (m % p === 0) { factors.push(p); m /= p; }
  }
  if (m > 1) factors.push(m);
  return factors;
}

/**
 * Memoises per-length tables (roots, chirps) for the few lengths a project uses: a star-detail click
 * or a preprocessing batch transforms the same lengths again and again. Least recently used beyond
 * `limit` entries are dropped, so odd lengths cannot grow the cache without bound.
 */
function lengthCache<T>(limit: number, make: (n: number, sign: 1 | -1) => T): (n: number, sign: 1 | -1) => T {
  const entries = new Map<string, T>();
  return (n, sign) => {
    const key = `${n}:${sign}`;
    let value = entries.get(key);
    if (value === undefined) {
      value = make(n, sign);
      if (entries.size >= limit) entries.delete(entries.keys().next().value as string);
    } else {
      entries.delete(key);
    }
    entries.set(key, value);
    return value;
  };
}

/** exp(sign·2πi·j/n) for j = 0…n−1 (cached: callers only read it). */
const rootsOfUnity = lengthCache(16, computeRootsOfUnity);

function computeRootsOfUnity(n: number, sign: 1 | -1): ComplexArray {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const angle = (2 * Math.PI * j) / n;
    re[j] = Math.cos(angle);
    im[j] = sign * Math.sin(angle);
  }
  return { re, im };
}

/**
 * Mixed-radix decimation in time: writes the length-n DFT of x[inOff + k·stride] (k = 0…n−1)
 * into out[outOff … outOff + n). `w` holds the N-th roots of unity with N = n·rootStep.
 */
function mixedRadix(
  xr: Float64Array, xi: Float64Array, inOff: number, stride: number, n: number,
  or: Float64Array, oi: Float64Array, outOff: number,
  factors: number[], fi: number, w: ComplexArray, rootStep: number,
  tr: Float64Array, ti: Float64Array,
): void {
  if (n === 1) { or[outOff] = xr[inOff]; oi[outOff] = xi[inOff]; return; }
  const p = factors[fi];
  const m = n / p;
  // Sub-transforms of the p decimated sequences, each written to its own block of m.
  for (let q = 0; q < p; q++) {
    mixedRadix(xr, xi, inOff + q * stride, stride * p, m, or, oi, outOff + q * m, factors, fi + 1, w, rootStep * p, tr, ti);
  }
  // Butterflies: X[k + s·m] = Σ_q (W_n^{qk} Y_q[k]) · W_p^{qs}.
  const pStep = rootStep * m; // W_p = w[pStep]
  for (let k = 0; k < m; k++) {
    // W_n^{qk} = w[q·k·rootStep]; q·k < n, so the index stays below N and needs no modulo.
    const kStep = k * rootStep;
    for (let q = 0; q < p; q++) {
      const idx = outOff + q * m + k;
      const t = q * kStep;
      const wr = w.re[t], wi = w.im[t];
      const yr = or[idx], yi = oi[idx];
      tr[q] = yr * wr - yi * wi;
      ti[q] = yr * wi + yi * wr;
    }
    if (p === 2) {
      or[outOff + k] = tr[0] + tr[1]; oi[outOff + k] = ti[0] + ti[1];
      or[outOff + m + k] = tr[0] - tr[1]; oi[outOff + m + k] = ti[0] - ti[1];
      continue;
    }
    if (p === 4) {
      // W_4 = ∓i depending on the direction (w.im[pStep] = sign).
      const s = w.im[pStep];
      const ar = tr[0] + tr[2], ai = ti[0] + ti[2];
      const br = tr[0] - tr[2], bi = ti[0] - ti[2];
      const cr = tr[1] + tr[3], ci = ti[1] + ti[3];
      const dr = tr[1] - tr[3], di = ti[1] - ti[3];
      or[outOff + k] = ar + cr; oi[outOff + k] = ai + ci;
      or[outOff + 2 * m + k] = ar - cr; oi[outOff + 2 * m + k] = ai - ci;
      // X1 = b + W4·d, X3 = b − W4·d with W4 = s·i.
      or[outOff + m + k] = br - s * di; oi[outOff + m + k] = bi + s * dr;
      or[outOff + 3 * m + k] = br + s * di; oi[outOff + 3 * m + k] = bi - s * dr;
      continue;
    }
    for (let s = 0; s < p; s++) {
      let sr = 0, si = 0;
      for (let q = 0; q < p; q++) {
        const t = ((q * s) % p) * pStep;
        const wr = w.re[t], wi = w.im[t];
        sr += tr[q] * wr - ti[q] * wi;
        si += tr[q] * wi + ti[q] * wr;
      }
      or[outOff + s * m + k] = sr;
      oi[outOff + s * m + k] = si;
    }
  }
}

/** In-place iterative radix-2 transform for powers of two (bit reversal, then log2 n passes). */
function radix2InPlace(re: Float64Array, im: Float64Array, w: ComplexArray): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = n / len; // W_len^k = w[k·step]
    for (let start = 0; start < n; start += len) {
      for (let k = 0, t = 0; k < half; k++, t += step) {
        const a = start + k, b = a + half;
        const wr = w.re[t], wi = w.im[t];
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr; im[b] = im[a] - xi;
        re[a] += xr; im[a] += xi;
      }
    }
  }
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** The chirp c_k = exp(sign·πi·k²/n) of Bluestein's algorithm and the FFT of its conjugate filter. */
interface ChirpPlan {
  cr: Float64Array;
  ci: Float64Array;
  filter: ComplexArray;
}

const chirpPlan = lengthCache(8, (n: number, sign: 1 | -1): ChirpPlan => {
  const m = nextPowerOfTwo(2 * n - 1);
  // k² is reduced mod 2n in exact integer arithmetic first.
  const cr = new Float64Array(n), ci = new Float64Array(n);
  const twoN = 2 * n;
  for (let k = 0; k < n; k++) {
    const k2 = Number((BigInt(k) * BigInt(k)) % BigInt(twoN));
    const angle = (Math.PI * k2) / n;
    cr[k] = Math.cos(angle);
    ci[k] = sign * Math.sin(angle);
  }
  const br = new Float64Array(m), bi = new Float64Array(m);
  br[0] = cr[0]; bi[0] = -ci[0];
  for (let k = 1; k < n; k++) {
    br[k] = br[m - k] = cr[k];
    bi[k] = bi[m - k] = -ci[k];
  }
  return { cr, ci, filter: fft({ re: br, im: bi }) };
});

/** Bluestein's chirp-z: a length-n DFT as a power-of-two circular convolution. */
function bluestein(xr: Float64Array, xi: Float64Array, sign: 1 | -1): ComplexArray {
  const n = xr.length;
  const m = nextPowerOfTwo(2 * n - 1);
  const { cr, ci, filter: fb } = chirpPlan(n, sign);
  const ar = new Float64Array(m), ai = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    ar[k] = xr[k] * cr[k] - xi[k] * ci[k];
    ai[k] = xr[k] * ci[k] + xi[k] * cr[k];
  }
  const fa = fft({ re: ar, im: ai });
  for (let k = 0; k < m; k++) {
    const r = fa.re[k] * fb.re[k] - fa.im[k] * fb.im[k];
    const i = fa.re[k] * fb.im[k] + fa.im[k] * fb.re[k];
    fa.re[k] = r; fa.im[k] = i;
  }
  const conv = ifft(fa);
  const re = new Float64Array(n), im = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    re[k] = conv.re[k] * cr[k] - conv.im[k] * ci[k];
    im[k] = conv.re[k] * ci[k] + conv.im[k] * cr[k];
  }
  return { re, im };
}

function transform(x: ComplexArray, sign: 1 | -1): ComplexArray {
  const n = x.re.length;
  if (x.im.length !== n) throw new Error(`fft: real part has ${n} values, imaginary part ${x.im.length}`);
  if (n <= 1) return { re: Float64Array.from(x.re), im: Float64Array.from(x.im) };
  const factors = factorize(n);
  const largest = Math.max(...factors);
  if (largest > MAX_DIRECT_RADIX && n * largest > MAX_DIRECT_WORK) return bluestein(x.re, x.im, sign);
  const w = rootsOfUnity(n, sign);
  if ((n & (n - 1)) === 0) {
    const re = Float64Array.from(x.re), im = Float64Array.from(x.im);
    radix2InPlace(re, im, w);
    return { re, im };
  }
  const re = new Float64Array(n), im = new Float64Array(n);
  const maxP = Math.max(...factors);
  mixedRadix(x.re, x.im, 0, 1, n, re, im, 0, factors, 0, w, 1, new Float64Array(maxP), new Float64Array(maxP));
  return { re, im };
}

/** Forward DFT X_k = Σ_j x_j e^{−2πi jk/n}, any n. */
export function fft(x: ComplexArray): ComplexArray {
  return transform(x, -1);
}

/** Inverse DFT x_j = (1/n) Σ_k X_k e^{+2πi jk/n}, any n. */
export function ifft(x: ComplexArray): ComplexArray {
  const out = transform(x, 1);
  const n = out.re.length;
  for (let k = 0; k < n; k++) { out.re[k] /= n; out.im[k] /= n; }
  return out;
}

/**
 * `np.fft.rfft(x)`: the n//2 + 1 non-negative-frequency bins of a real signal of any length.
 * Even n packs the signal into an n/2-point complex transform (half the work).
 */
export function rfft(x: ArrayLike<number>): ComplexArray {
  const n = x.length;
  const nBins = Math.floor(n / 2) + 1;
  if (n === 0) throw new Error('rfft: empty input');
  if (n % 2 === 1 || n < 4) {
    const full = fft({ re: Float64Array.from(x), im: new Float64Array(n) });
    return { re: full.re.slice(0, nBins), im: full.im.slice(0, nBins) };
  }
  const h = n / 2;
  const zr = new Float64Array(h), zi = new Float64Array(h);
  for (let j = 0; j < h; j++) { zr[j] = x[2 * j]; zi[j] = x[2 * j + 1]; }
  const z = fft({ re: zr, im: zi });
  const re = new Float64Array(nBins), im = new Float64Array(nBins);
  for (let k = 0; k <= h; k++) {
    const a = k % h, b = (h - k) % h;
    // Even part E_k = (Z_k + conj Z_{h−k})/2, odd part O_k = (Z_k − conj Z_{h−k})/(2i).
    const er = (z.re[a] + z.re[b]) / 2, ei = (z.im[a] - z.im[b]) / 2;
    const or = (z.im[a] + z.im[b]) / 2, oi = -(z.re[a] - z.re[b]) / 2;
    const angle = (-2 * Math.PI * k) / n;
    const wr = Math.cos(angle), wi = Math.sin(angle);
    re[k] = er + (or * wr - oi * wi);
    im[k] = ei + (or * wi + oi * wr);
  }
  return { re, im };
}

/** The plain O(n²) DFT (a reference for tests): exact roots from a table, one sum per bin. */
export function naiveDft(x: ComplexArray, sign: 1 | -1 = -1): ComplexArray {
  const n = x.re.length;
  const w = rootsOfUnity(n, sign);
  if ((n & (n - 1)) === 0) {
    const re = Float64Array.from(x.re), im = Float64Array.from(x.im);
    radix2InPlace(re, im, w);
    return { re, im };
  }
  const re = new Float64Array(n), im = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let j = 0, t = 0; j < n; j++, t = (t + k) % n) {
      sr += x.re[j] * w.re[t] - x.im[j] * w.im[t];
      si += x.re[j] * w.im[t] + x.im[j] * w.re[t];
    }
    re[k] = sr; im[k] = si;
  }
  return { re, im };
}
