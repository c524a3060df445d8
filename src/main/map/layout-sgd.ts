/**
 * UMAP's layout optimiser (umap-learn's optimize_layout_euclidean) for 2-D, over typed arrays:
 * each graph edge is sampled in proportion to its weight, pulled together along the gradient of
 * the curve 1/(1 + a·d^2b), and pushed away from `negativeSampleRate` random points per sample.
 * Single-threaded with a seeded integer RNG, so a seed gives the same layout on every run.
 */
import { throwIfCancelled } from '../jobs/cancel';
import type { CsrGraph } from './fuzzy-graph';

/**
 * The a, b of the low-dimensional similarity 1/(1 + a·x^2b) that best fits (least squares over
 * 300 points of [0, 3·spread]) the target curve 1 for x < minDist, exp(−(x − minDist)/spread)
 * beyond: umap-learn's find_ab_params (scipy curve_fit), here by Levenberg–Marquardt.
 */
export function findAbParams(spread: number, minDist: number): { a: number; b: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < 300; i++) {
    const x = (3 * spread * i) / 299;
    xs.push(x);
    ys.push(x < minDist ? 1 : Math.exp(-(x - minDist) / spread));
  }
  const loss = (a: number, b: number): number => xs.reduce((s, x, i) => s + (1 / (1 + a * x ** (2 * b)) - ys[i]) ** 2, 0);
  let a = 1;
  let b = 1;
  let lambda = 1e-3;
  let current = loss(a, b);
  for (let iter = 0; iter < 200; iter++) {
    // Normal equations J^T J δ = −J^T r for r_i = f(x_i) − y_i.
    let jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
    xs.forEach((x, i) => {
      if (x === 0) return;
      const p = x ** (2 * b);
      const f = 1 / (1 + a * p);
      const r = f - ys[i];
      const da = -p * f * f;
      const db = -a * p * 2 * Math.log(x) * f * f;
      jaa += da * da; jab += da * db; jbb += db * db; ga += da * r; gb += db * r;
    });
    const m11 = jaa * (1 + lambda), m22 = jbb * (1 + lambda);
    const det = m11 * m22 - jab * jab;
    if (det === 0) break;
    const na = a - (m22 * ga - jab * gb) / det;
    const nb = b - (m11 * gb - jab * ga) / det;
    const next = na > 0 && nb > 0 ? loss(na, nb) : Infinity;
    if (next < current) {
      const done = current - next < 1e-15;
      a = na; b = nb; current = next; lambda /= 10;
      if (done) break;
    } else {
      lambda *= 10;
      if (lambda > 1e12) break;
    }
  }
  return { a, b };
}

export interface SgdOptions {
  nEpochs: number;
  a: number;
  b: number;
  seed: number;
  negativeSampleRate?: number;
  learningRate?: number;
  repulsionStrength?: number;
  signal?: AbortSignal;
  /** Called after every epoch with the number of epochs done. */
  onEpoch?: (done: number) => void;
}

/**
 * The gradient coefficients as functions of the squared distance d², tabulated by the top 17 bits
 * of d²'s float32 pattern (8 exponent + 8 mantissa bits: buckets 0.4 % wide, values at their
 * centres, so ≤ 0.2 % off). Math.pow costs ~65 ns on the reference machine and the optimiser
 * calls it once per sample, hundreds of millions of times; a table read costs ~1 ns.
 */
class GradientTables {
  readonly attract = new Float32Array(65536);
  readonly repel = new Float32Array(65536);
  private readonly f32 = new Float32Array(1);
  private readonly u32 = new Uint32Array(this.f32.buffer);

  constructor(a: number, b: number, gamma: number) {
    for (let idx = 0; idx < 65536; idx++) {
      this.u32[0] = ((idx << 15) | (1 << 14)) >>> 0;
      const d2 = this.f32[0];
      if (!(d2 > 0) || !Number.isFinite(d2)) continue;
      const pb = Math.pow(d2, b);
      this.attract[idx] = (-2 * a * b * Math.pow(d2, b - 1)) / (a * pb + 1);
      this.repel[idx] = (2 * gamma * b) / ((0.001 + d2) * (a * pb + 1));
    }
  }

  /** The table row of a positive squared distance. */
  index(d2: number): number {
    this.f32[0] = d2;
    return this.u32[0] >>> 15;
  }
}

/** Lets the event loop breathe (progress events, abort) without slowing the loop measurably. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Optimises the 2-D layout `xy` (interleaved x0,y0,x1,y1,…; modified in place) of `graph`.
 * Edges lighter than max/nEpochs are dropped, as umap-learn does.
 */
export async function optimizeLayout(graph: CsrGraph, xy: Float32Array, o: SgdOptions): Promise<void> {
  const { n, rowPtr, cols, weights } = graph;
  const negRate = o.negativeSampleRate ?? 5;
  const gamma = o.repulsionStrength ?? 1;
  const alpha0 = o.learningRate ?? 1;
  const { a, b, nEpochs } = o;
  let wMax = 0;
  for (let e = 0; e < weights.length; e++) if (weights[e] > wMax) wMax = weights[e];
  // Edge list of kept edges: head, tail, epochs per sample.
  let m = 0;
  for (let e = 0; e < weights.length; e++) if (weights[e] >= wMax / nEpochs) m++;
  const head = new Uint32Array(m);
  const tail = new Uint32Array(m);
  const perSample = new Float64Array(m);
  let at = 0;
  for (let i = 0; i < n; i++) {
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      if (weights[e] < wMax / nEpochs) continue;
      head[at] = i;
      tail[at] = cols[e];
      perSample[at++] = wMax / weights[e];
    }
  }
  const nextSample = perSample.slice();
  const perNegative = Float64Array.from(perSample, (p) => p / negRate);
  const nextNegative = perNegative.slice();

  // xorshift32, seeded: the negative samples.
  let state = (o.seed ^ 0x9e3779b9) >>> 0 || 1;
  const randInt = (): number => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state;
  };
  const clip = (v: number): number => (v > 4 ? 4 : v < -4 ? -4 : v);
  const tables = new GradientTables(a, b, gamma);
  const { attract, repel } = tables;

  let lastYield = performance.now();
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    const alpha = alpha0 * (1 - epoch / nEpochs);
    for (let e = 0; e < m; e++) {
      if (nextSample[e] > epoch) continue;
      const j = head[e] * 2;
      const k = tail[e] * 2;
      let dx = xy[j] - xy[k];
      let dy = xy[j + 1] - xy[k + 1];
      let d2 = dx * dx + dy * dy;
      if (d2 > 0) {
        const coeff = attract[tables.index(d2)];
        const gx = clip(coeff * dx) * alpha;
        const gy = clip(coeff * dy) * alpha;
        xy[j] += gx; xy[j + 1] += gy;
        xy[k] -= gx; xy[k + 1] -= gy;
      }
      nextSample[e] += perSample[e];
      const nNeg = Math.floor((epoch - nextNegative[e]) / perNegative[e]);
      for (let p = 0; p < nNeg; p++) {
        const r = ((randInt() >>> 1) % n) * 2; // 31 bits keep the modulo in integer arithmetic
        if (r === j) continue;
        dx = xy[j] - xy[r];
        dy = xy[j + 1] - xy[r + 1];
        d2 = dx * dx + dy * dy;
        if (d2 <= 0) continue;
        const coeff = repel[tables.index(d2)];
        xy[j] += clip(coeff * dx) * alpha;
        xy[j + 1] += clip(coeff * dy) * alpha;
      }
      if (nNeg > 0) nextNegative[e] += nNeg * perNegative[e];
    }
    o.onEpoch?.(epoch + 1);
    if (performance.now() - lastYield > 50) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    throwIfCancelled(o.signal);
  }
}
