/**
 * Planned real FFTs for the star-detail panel's ACF and log-amplitude spectrum.
 *
 * preprocess/fft.ts is the general, reference-checked transform (any length); a cold star click
 * spent ~60 ms in it (on a loaded machine): the ACF zero-padded a 69k-sample light curve to the next
 * power of two (262,144) and transformed twice, and the FFT channel's Bluestein transform ran on
 * 131,072 points, with cos/sin recomputed for every rfft bin and the chirp through BigInt. Here:
 * - lengths are 5-smooth (2^a·3^b·5^c) instead of powers of two: the ACF pads to 2·nextSmooth(n)
 *   (~2n) and Bluestein runs on nextSmooth(2n − 1), about half the points;
 * - transforms are Stockham passes of radix 4, 2, 3 and 5 with per-pass contiguous twiddle tables;
 * - every length gets its plan once (twiddles, rfft post-processing twiddles, Bluestein chirp and
 *   transformed filter): a click transforms the same few lengths again and again.
 * Twiddles are computed directly with cos/sin (no recurrences), so the results agree with NumPy's
 * pocketfft to round-off (test/unit/services/star-detail.test.ts checks them against numpy and scipy).
 */

/** Plans kept (by length); a click needs three, a few more cover stars of other lengths. */
const CACHED_PLANS = 12;

/** The radices of a 5-smooth n (4s first: fewer passes), or null when n has another prime factor. */
function smoothRadices(n: number): number[] | null {
  const radices: number[] = [];
  let m = n;
  while (m % 4 === 0) { radices.push(4); m /= 4; }
  for (const p of [2, 3, 5]) while (m % p === 0) { radices.push(p); m /= p; }
  return m === 1 ? radices : null;
}

/**
 * Relative cost of one pass per point, by radix (measured on the panel's lengths: a radix-3 pass
 * costs ~1.5 radix-4 passes while doing less of the transform; radix 5 uses the generic butterfly).
 */
const PASS_COST: Record<number, number> = { 4: 1, 2: 0.8, 3: 1.5, 5: 3 };

/**
 * The 5-smooth length ≥ n that is cheapest to transform (length × cost of its passes), at most
 * the next power of two: the smallest smooth length is often all radix-3 passes.
 */
export function nextSmooth(n: number): number {
  let pow2 = 1;
  while (pow2 < n) pow2 *= 2;
  let best = pow2;
  let bestCost = Infinity;
  for (let p5 = 1; p5 <= pow2; p5 *= 5) {
    for (let p35 = p5; p35 <= pow2; p35 *= 3) {
      let v = p35;
      while (v < n) v *= 2;
      if (v > pow2) continue;
      const cost = v * (smoothRadices(v) as number[]).reduce((sum, r) => sum + PASS_COST[r], 0);
      if (cost < bestCost || (cost === bestCost && v < best)) { best = v; bestCost = cost; }
    }
  }
  return best;
}

/** One Stockham pass: its radix, the span of the passes before it, and its twiddles (jm·(R−1) + r−1). */
interface Pass {
  radix: number;
  span: number;
  twRe: Float64Array;
  twIm: Float64Array;
}

/**
 * A complex FFT of one 5-smooth length: Stockham autosort passes of radix 4, 2, 3 and 5 (results
 * in natural order, no bit reversal), each reading its twiddles from its own contiguous table.
 * Smooth lengths let the panel zero-pad only to ~2n (the ACF) and run Bluestein on ~2n points,
 * about half of what the next power of two costs.
 */
class SmoothPlan {
  private readonly passes: Pass[] = [];
  private readonly workRe: Float64Array;
  private readonly workIm: Float64Array;

  constructor(readonly n: number) {
    const radices = smoothRadices(n);
    if (!radices) throw new Error(`SmoothPlan: ${n} is not 5-smooth`);
    let span = 1;
    for (const radix of radices) {
      const twRe = new Float64Array(span * (radix - 1));
      const twIm = new Float64Array(span * (radix - 1));
      for (let jm = 0; jm < span; jm++) {
        for (let r = 1; r < radix; r++) {
          const angle = (-2 * Math.PI * r * jm) / (span * radix);
          twRe[jm * (radix - 1) + r - 1] = Math.cos(angle);
          twIm[jm * (radix - 1) + r - 1] = Math.sin(angle);
        }
      }
      this.passes.push({ radix, span, twRe, twIm });
      span *= radix;
    }
    this.workRe = new Float64Array(n);
    this.workIm = new Float64Array(n);
  }

  /** Forward DFT X_k = Σ_j x_j e^{−2πi jk/n} of (re, im), in place. */
  forward(re: Float64Array, im: Float64Array): void {
    let xr = re, xi = im, yr = this.workRe, yi = this.workIm;
    for (const pass of this.passes) {
      pass.radix === 4 ? radix4(pass, this.n, xr, xi, yr, yi)
        : pass.radix === 2 ? radix2(pass, this.n, xr, xi, yr, yi)
          : pass.radix === 3 ? radix3(pass, this.n, xr, xi, yr, yi)
            : radix5(pass, this.n, xr, xi, yr, yi);
      [xr, yr] = [yr, xr];
      [xi, yi] = [yi, xi];
    }
    if (xr !== re) { re.set(xr); im.set(xi); }
  }

  /** Inverse DFT x_j = (1/n) Σ_k X_k e^{+2πi jk/n}, in place (the forward transform with re and im swapped). */
  inverse(re: Float64Array, im: Float64Array): void {
    this.forward(im, re);
    const scale = 1 / this.n;
    for (let i = 0; i < this.n; i++) { re[i] *= scale; im[i] *= scale; }
  }
}

// Each pass: for input index j = block·span + jm, the R inputs x[j + r·n/R] times their twiddles
// go through a length-R DFT into y[block·span·R + jm + r·span].

function radix2({ span, twRe, twIm }: Pass, n: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const stride = n / 2;
  for (let block = 0, j = 0; j < stride; block += span * 2) {
    for (let jm = 0; jm < span; jm++, j++) {
      const wr = twRe[jm], wi = twIm[jm];
      const br = xr[j + stride] * wr - xi[j + stride] * wi, bi = xr[j + stride] * wi + xi[j + stride] * wr;
      const out = block + jm;
      yr[out] = xr[j] + br; yi[out] = xi[j] + bi;
      yr[out + span] = xr[j] - br; yi[out + span] = xi[j] - bi;
    }
  }
}

function radix4({ span, twRe, twIm }: Pass, n: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const stride = n / 4;
  for (let block = 0, j = 0; j < stride; block += span * 4) {
    for (let jm = 0; jm < span; jm++, j++) {
      const t = jm * 3;
      const j1 = j + stride, j2 = j1 + stride, j3 = j2 + stride;
      const v0r = xr[j], v0i = xi[j];
      const v1r = xr[j1] * twRe[t] - xi[j1] * twIm[t], v1i = xr[j1] * twIm[t] + xi[j1] * twRe[t];
      const v2r = xr[j2] * twRe[t + 1] - xi[j2] * twIm[t + 1], v2i = xr[j2] * twIm[t + 1] + xi[j2] * twRe[t + 1];
      const v3r = xr[j3] * twRe[t + 2] - xi[j3] * twIm[t + 2], v3i = xr[j3] * twIm[t + 2] + xi[j3] * twRe[t + 2];
      const t0r = v0r + v2r, t0i = v0i + v2i, t1r = v0r - v2r, t1i = v0i - v2i;
      const t2r = v1r + v3r, t2i = v1i + v3i, t3r = v1r - v3r, t3i = v1i - v3i;
      const out = block + jm;
      yr[out] = t0r + t2r; yi[out] = t0i + t2i;
      yr[out + span] = t1r + t3i; yi[out + span] = t1i - t3r; // t1 − i·t3
      yr[out + 2 * span] = t0r - t2r; yi[out + 2 * span] = t0i - t2i;
      yr[out + 3 * span] = t1r - t3i; yi[out + 3 * span] = t1i + t3r; // t1 + i·t3
    }
  }
}

const SIN_60 = Math.sqrt(3) / 2;

function radix3({ span, twRe, twIm }: Pass, n: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const stride = n / 3;
  for (let block = 0, j = 0; j < stride; block += span * 3) {
    for (let jm = 0; jm < span; jm++, j++) {
      const t = jm * 2;
      const j1 = j + stride, j2 = j1 + stride;
      const v0r = xr[j], v0i = xi[j];
      const v1r = xr[j1] * twRe[t] - xi[j1] * twIm[t], v1i = xr[j1] * twIm[t] + xi[j1] * twRe[t];
      const v2r = xr[j2] * twRe[t + 1] - xi[j2] * twIm[t + 1], v2i = xr[j2] * twIm[t + 1] + xi[j2] * twRe[t + 1];
      const sr = v1r + v2r, si = v1i + v2i, dr = v1r - v2r, di = v1i - v2i;
      const mr = v0r - sr / 2, mi = v0i - si / 2;
      const out = block + jm;
      yr[out] = v0r + sr; yi[out] = v0i + si;
      yr[out + span] = mr + SIN_60 * di; yi[out + span] = mi - SIN_60 * dr; // m − i·sin60·d
      yr[out + 2 * span] = mr - SIN_60 * di; yi[out + 2 * span] = mi + SIN_60 * dr;
    }
  }
}

/** cos/sin of −2πk/5, k = 0…4. */
const ROOT5_RE = Float64Array.from({ length: 5 }, (_, k) => Math.cos((-2 * Math.PI * k) / 5));
const ROOT5_IM = Float64Array.from({ length: 5 }, (_, k) => Math.sin((-2 * Math.PI * k) / 5));

function radix5({ span, twRe, twIm }: Pass, n: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const stride = n / 5;
  const vr = new Float64Array(5), vi = new Float64Array(5);
  for (let block = 0, j = 0; j < stride; block += span * 5) {
    for (let jm = 0; jm < span; jm++, j++) {
      vr[0] = xr[j]; vi[0] = xi[j];
      for (let r = 1; r < 5; r++) {
        const at = j + r * stride, t = jm * 4 + r - 1;
        vr[r] = xr[at] * twRe[t] - xi[at] * twIm[t];
        vi[r] = xr[at] * twIm[t] + xi[at] * twRe[t];
      }
      const out = block + jm;
      for (let k = 0; k < 5; k++) {
        let sr = 0, si = 0;
        for (let q = 0; q < 5; q++) {
          const w = (q * k) % 5;
          sr += vr[q] * ROOT5_RE[w] - vi[q] * ROOT5_IM[w];
          si += vr[q] * ROOT5_IM[w] + vi[q] * ROOT5_RE[w];
        }
        yr[out + k * span] = sr; yi[out + k * span] = si;
      }
    }
  }
}

/**
 * A forward complex DFT of any length n: the smooth plan itself, or Bluestein's chirp-z on a
 * smooth length ≥ 2n − 1 (the chirp exp(−πi k²/n) and the transformed conjugate-chirp filter are
 * part of the plan).
 */
class ComplexPlan {
  private readonly grid: SmoothPlan;
  private readonly chirp: { re: Float64Array; im: Float64Array; filterRe: Float64Array; filterIm: Float64Array } | null = null;
  // Bluestein's work arrays, reused: a click would otherwise allocate (and collect) megabytes.
  private scratchRe = new Float64Array(0);
  private scratchIm = new Float64Array(0);

  constructor(readonly n: number) {
    const direct = smoothRadices(n) !== null;
    this.grid = smoothPlan(direct ? n : nextSmooth(2 * n - 1));
    if (direct) return;
    const m = this.grid.n;
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
    this.grid.forward(filterRe, filterIm);
    this.chirp = { re, im, filterRe, filterIm };
    this.scratchRe = new Float64Array(m);
    this.scratchIm = new Float64Array(m);
  }

  /** Forward DFT of (xr, xi) into (outRe, outIm) (all of length n; the inputs are left alone). */
  forward(xr: Float64Array, xi: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const n = this.n;
    if (!this.chirp) {
      outRe.set(xr); outIm.set(xi);
      this.grid.forward(outRe, outIm);
      return;
    }
    const { re: cr, im: ci, filterRe, filterIm } = this.chirp;
    const m = this.grid.n;
    const ar = this.scratchRe, ai = this.scratchIm;
    ar.fill(0, n);
    ai.fill(0, n);
    for (let k = 0; k < n; k++) {
      ar[k] = xr[k] * cr[k] - xi[k] * ci[k];
      ai[k] = xr[k] * ci[k] + xi[k] * cr[k];
    }
    this.grid.forward(ar, ai);
    for (let k = 0; k < m; k++) {
      const r = ar[k] * filterRe[k] - ai[k] * filterIm[k];
      ai[k] = ar[k] * filterIm[k] + ai[k] * filterRe[k];
      ar[k] = r;
    }
    this.grid.inverse(ar, ai);
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
  /** The packed half-length signal and its transform, reused between calls. */
  private readonly scratch: { zr: Float64Array; zi: Float64Array; sr: Float64Array; si: Float64Array };

  constructor(readonly n: number) {
    const even = n % 2 === 0 && n >= 4;
    this.half = even ? complexPlan(n / 2) : null;
    this.full = even ? null : complexPlan(n);
    const h = even ? n / 2 : 0;
    this.scratch = { zr: new Float64Array(h), zi: new Float64Array(h), sr: new Float64Array(h), si: new Float64Array(h) };
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
    const { zr, zi, sr, si } = this.scratch;
    for (let j = 0; j < h; j++) { zr[j] = x[2 * j]; zi[j] = x[2 * j + 1]; }
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

const smoothPlan = planCache((n) => new SmoothPlan(n));
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

/** The even smooth length m ≥ 2n (at least 4) the ACF zero-pads to, so its circular correlation is linear. */
export function acfPaddedLength(n: number): number {
  return Math.max(4, 2 * nextSmooth(n));
}
