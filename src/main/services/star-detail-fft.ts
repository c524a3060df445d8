/**
 * Planned real FFTs for the star-detail panel's ACF and log-amplitude spectrum.
 *
 * preprocess/fft.ts is the general, reference-checked transform (any length, mixed radix); it
 * spends a cold star click ~130 ms on the two ACF transforms and the Bluestein transform of the
 * FFT channel, because its radix-2 loop strides through one long table of roots and recomputes
 * cos/sin for every rfft bin and the Bluestein chirp through BigInt. A click transforms the same few
 * lengths again and again, so here every length gets a plan once — the bit-reversal permutation,
 * the twiddles of each radix-2 stage laid out contiguously, the rfft post-processing twiddles and
 * the Bluestein chirp with its transformed filter — and a transform is then only arithmetic.
 * Twiddles are still computed directly with cos/sin (no recurrences), so the results agree with
 * NumPy's pocketfft to round-off (test/unit/services/star-detail.test.ts checks them against numpy
 * and scipy).
 */

/** Plans kept (by length); a click needs three, a few more cover stars of other lengths. */
const CACHED_PLANS = 12;

/** An in-place complex FFT of one power-of-two length. */
class PowerOfTwoPlan {
  private readonly bitReversed: Uint32Array;
  /** cos/sin of 2πk/len for the stage of length len at [len/2 + k], k < len/2 (forward uses −sin). */
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(readonly n: number) {
    this.bitReversed = new Uint32Array(n);
    const bits = Math.round(Math.log2(n));
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      this.bitReversed[i] = r;
    }
    this.cos = new Float64Array(Math.max(1, n));
    this.sin = new Float64Array(Math.max(1, n));
    for (let half = 1; half < n; half <<= 1) {
      for (let k = 0; k < half; k++) {
        const angle = (Math.PI * k) / half;
        this.cos[half + k] = Math.cos(angle);
        this.sin[half + k] = Math.sin(angle);
      }
    }
  }

  /** Forward DFT X_k = Σ_j x_j e^{−2πi jk/n} of (re, im), in place. */
  forward(re: Float64Array, im: Float64Array): void {
    const n = this.n;
    const rev = this.bitReversed;
    for (let i = 0; i < n; i++) {
      const j = rev[i];
      if (i < j) {
        let t = re[i]; re[i] = re[j]; re[j] = t;
        t = im[i]; im[i] = im[j]; im[j] = t;
      }
    }
    // Length-2 butterflies need no twiddle.
    for (let a = 0; a + 1 < n; a += 2) {
      const br = re[a + 1], bi = im[a + 1];
      re[a + 1] = re[a] - br; im[a + 1] = im[a] - bi;
      re[a] += br; im[a] += bi;
    }
    const cos = this.cos, sin = this.sin;
    for (let half = 2; half < n; half <<= 1) {
      const len = half << 1;
      for (let start = 0; start < n; start += len) {
        for (let k = 0; k < half; k++) {
          const a = start + k, b = a + half;
          const wr = cos[half + k], wi = -sin[half + k];
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr; im[b] = im[a] - xi;
          re[a] += xr; im[a] += xi;
        }
      }
    }
  }

  /** Inverse DFT x_j = (1/n) Σ_k X_k e^{+2πi jk/n}, in place (the forward transform with re and im swapped). */
  inverse(re: Float64Array, im: Float64Array): void {
    this.forward(im, re);
    const scale = 1 / this.n;
    for (let i = 0; i < this.n; i++) { re[i] *= scale; im[i] *= scale; }
  }
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * A forward complex DFT of any length n: the power-of-two plan itself, or Bluestein's chirp-z on
 * one (the chirp exp(−πi k²/n) and the transformed conjugate-chirp filter are part of the plan).
 */
class ComplexPlan {
  private readonly pow2: PowerOfTwoPlan;
  private readonly chirp: { re: Float64Array; im: Float64Array; filterRe: Float64Array; filterIm: Float64Array } | null = null;

  constructor(readonly n: number) {
    const direct = (n & (n - 1)) === 0;
    this.pow2 = powerOfTwoPlan(direct ? n : nextPowerOfTwo(2 * n - 1));
    if (direct) return;
    const m = this.pow2.n;
    const re = new Float64Array(n), im = new Float64Array(n);
    const twoN = 2 * n;
    for (let k = 0; k < n; k++) {
      // k² mod 2n exactly: k² < 2^53 for every length a light curve can have.
      const angle = (Math.PI * ((k * k) % twoN)) / n;
      re[k] = Math.cos(angle);
      im[k] = -Math.sin(angle);
    }
    const filterRe = new Float64Array(m), filterIm = new Float64Array(m);
    filterRe[0] = re[0]; filterIm[0] = -im[0];
    for (let k = 1; k < n; k++) {
      filterRe[k] = filterRe[m - k] = re[k];
      filterIm[k] = filterIm[m - k] = -im[k];
    }
    this.pow2.forward(filterRe, filterIm);
    this.chirp = { re, im, filterRe, filterIm };
  }

  /** Forward DFT of (xr, xi) into (outRe, outIm) (all of length n; the inputs are left alone). */
  forward(xr: Float64Array, xi: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const n = this.n;
    if (!this.chirp) {
      outRe.set(xr); outIm.set(xi);
      this.pow2.forward(outRe, outIm);
      return;
    }
    const { re: cr, im: ci, filterRe, filterIm } = this.chirp;
    const m = this.pow2.n;
    const ar = new Float64Array(m), ai = new Float64Array(m);
    for (let k = 0; k < n; k++) {
      ar[k] = xr[k] * cr[k] - xi[k] * ci[k];
      ai[k] = xr[k] * ci[k] + xi[k] * cr[k];
    }
    this.pow2.forward(ar, ai);
    for (let k = 0; k < m; k++) {
      const r = ar[k] * filterRe[k] - ai[k] * filterIm[k];
      ai[k] = ar[k] * filterIm[k] + ai[k] * filterRe[k];
      ar[k] = r;
    }
    this.pow2.inverse(ar, ai);
    for (let k = 0; k < n; k++) {
      outRe[k] = ar[k] * cr[k] - ai[k] * ci[k];
      outIm[k] = ar[k] * ci[k] + ai[k] * cr[k];
    }
  }
}

/** `np.fft.rfft` of one length: even lengths as a half-length complex transform plus one twiddle pass. */
class RealPlan {
  private readonly half: ComplexPlan | null;
  private readonly full: ComplexPlan | null;
  private readonly twiddleRe: Float64Array;
  private readonly twiddleIm: Float64Array;

  constructor(readonly n: number) {
    const even = n % 2 === 0 && n >= 4;
    this.half = even ? complexPlan(n / 2) : null;
    this.full = even ? null : complexPlan(n);
    const h = even ? n / 2 : 0;
    this.twiddleRe = new Float64Array(h + 1);
    this.twiddleIm = new Float64Array(h + 1);
    for (let k = 0; k <= h; k++) {
      const angle = (-2 * Math.PI * k) / n;
      this.twiddleRe[k] = Math.cos(angle);
      this.twiddleIm[k] = Math.sin(angle);
    }
  }

  /** The n//2 + 1 non-negative-frequency bins of the real signal x (length n). */
  forward(x: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
    const n = this.n;
    const nBins = Math.floor(n / 2) + 1;
    if (this.full) {
      const re = new Float64Array(n), im = new Float64Array(n);
      this.full.forward(Float64Array.from(x), new Float64Array(n), re, im);
      return { re: re.slice(0, nBins), im: im.slice(0, nBins) };
    }
    const h = n / 2;
    const zr = new Float64Array(h), zi = new Float64Array(h);
    for (let j = 0; j < h; j++) { zr[j] = x[2 * j]; zi[j] = x[2 * j + 1]; }
    const sr = new Float64Array(h), si = new Float64Array(h);
    (this.half as ComplexPlan).forward(zr, zi, sr, si);
    const re = new Float64Array(nBins), im = new Float64Array(nBins);
    const tr = this.twiddleRe, ti = this.twiddleIm;
    for (let k = 0; k <= h; k++) {
      const a = k === h ? 0 : k, b = k === 0 ? 0 : h - k;
      // Even part E_k = (Z_k + conj Z_{h−k})/2, odd part O_k = (Z_k − conj Z_{h−k})/(2i).
      const er = (sr[a] + sr[b]) / 2, ei = (si[a] - si[b]) / 2;
      const or = (si[a] + si[b]) / 2, oi = -(sr[a] - sr[b]) / 2;
      re[k] = er + (or * tr[k] - oi * ti[k]);
      im[k] = ei + (or * ti[k] + oi * tr[k]);
    }
    return { re, im };
  }
}

/** A least-recently-used plan cache per kind. */
function planCache<T>(make: (n: number) => T): (n: number) => T {
  const plans = new Map<number, T>();
  return (n) => {
    let plan = plans.get(n);
    if (plan === undefined) {
      plan = make(n);
      if (plans.size >= CACHED_PLANS) plans.delete(plans.keys().next().value as number);
    } else {
      plans.delete(n);
    }
    plans.set(n, plan);
    return plan;
  };
}

const powerOfTwoPlan = planCache((n) => new PowerOfTwoPlan(n));
const complexPlan = planCache((n) => new ComplexPlan(n));
const realPlan = planCache((n) => new RealPlan(n));

/**
 * `np.fft.rfft(x)`: the n//2 + 1 non-negative-frequency bins of a real signal of any length n ≥ 1,
 * through a plan cached per length.
 */
export function plannedRfft(x: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  if (x.length === 0) throw new Error('rfft: empty input');
  return realPlan(x.length).forward(x);
}

/** The power of two m ≥ 2n (at least 4) the ACF zero-pads to, so its circular correlation is linear. */
export function acfPaddedLength(n: number): number {
  let m = 4;
  while (m < 2 * n) m *= 2;
  return m;
}
