/**
 * 2-D UMAP layouts of an embedding matrix, with progress and cancel, cached in the project.
 *
 * Two engines:
 * - 'umap-js' (the reference JS implementation), driven epoch by epoch; fine up to ~20k points.
 * - 'fast': kNN graph from the ANN index, fuzzy simplicial set and our typed-array SGD
 *   (layout-sgd.ts). Above `fitLimit` points it fits a random subsample and places every other
 *   point at the membership-weighted mean of its nearest fitted neighbours (like umap-learn's
 *   transform initialisation), which keeps 1M points within minutes on two cores.
 * 'auto' picks umap-js up to `smallLimit` points and 'fast' beyond.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UMAP } from 'umap-js';
import { throwIfCancelled } from '../jobs/cancel';
import { AnnIndex, type KnnResult, type VectorMatrix } from './ann';
import { fuzzySimplicialSet, smoothKnnDistances } from './fuzzy-graph';
import { findAbParams, optimizeLayout } from './layout-sgd';
import { mapCacheDir, matrixHash, rowCount, safeName, type EmbeddingMatrix } from './matrix';
import { mulberry32, sampleIndices } from './random';

export interface UmapOptions {
  method?: 'auto' | 'umap-js' | 'fast';
  nNeighbors?: number;
  minDist?: number;
  spread?: number;
  /** Default: 500 up to 10k points, 200 beyond (umap-learn's rule). */
  nEpochs?: number;
  seed?: number;
  /** 'auto' uses umap-js up to this many points (default 20 000). */
  smallLimit?: number;
  /** The fast path fits at most this many points and places the rest (default 50 000). */
  fitLimit?: number;
}

/** Progress of one phase: units done of total, rate per second and seconds left (null until known). */
export interface UmapProgress {
  phase: 'knn' | 'graph' | 'layout' | 'place';
  done: number;
  total: number;
  ratePerSecond: number | null;
  etaSeconds: number | null;
}

export interface UmapHooks {
  signal?: AbortSignal;
  onProgress?: (p: UmapProgress) => void;
}

/** A 2-D layout: point i at (x[i], y[i]), in the matrix's row order. */
export interface UmapLayout {
  x: Float32Array;
  y: Float32Array;
  method: 'umap-js' | 'fast';
  /** Points the optimiser saw (the rest were placed from their neighbours). */
  fitted: number;
  seconds: number;
  /** Wall seconds per step (index build, kNN graph, fuzzy graph, layout SGD, placement); absent when read from a cache. */
  phaseSeconds?: Partial<Record<'index' | UmapProgress['phase'], number>>;
  /** CPU seconds (this process, all threads) per step, like phaseSeconds: what a quiet machine pays. */
  phaseCpuSeconds?: Partial<Record<'index' | UmapProgress['phase'], number>>;
}

type Resolved = Required<UmapOptions> & { method: 'umap-js' | 'fast' };

/** Fills defaults and picks the engine for n points. */
export function resolveUmapOptions(n: number, o: UmapOptions = {}): Resolved {
  const smallLimit = o.smallLimit ?? 20_000;
  const method = o.method === undefined || o.method === 'auto' ? (n <= smallLimit ? 'umap-js' : 'fast') : o.method;
  const nNeighbors = o.nNeighbors ?? 15;
  if (!Number.isInteger(nNeighbors) || nNeighbors < 2) throw new Error(`UMAP: nNeighbors must be an integer ≥ 2, got ${nNeighbors}`);
  const minDist = o.minDist ?? 0.1;
  const spread = o.spread ?? 1;
  if (!(minDist >= 0 && minDist < spread)) throw new Error(`UMAP: minDist must be in [0, spread), got ${minDist} with spread ${spread}`);
  return {
    method, nNeighbors, minDist, spread, smallLimit,
    nEpochs: o.nEpochs ?? (n <= 10_000 ? 500 : 200), seed: o.seed ?? 42, fitLimit: o.fitLimit ?? 50_000,
  };
}

/** Rate and ETA bookkeeping of one phase. */
function phaseReporter(phase: UmapProgress['phase'], total: number, hooks: UmapHooks): (done: number) => void {
  const t0 = performance.now();
  let last = -Infinity;
  return (done) => {
    const now = performance.now();
    if (done < total && now - last < 100) return; // throttle; always report the end
    last = now;
    const seconds = (now - t0) / 1000;
    const rate = seconds > 0 && done > 0 ? done / seconds : null;
    hooks.onProgress?.({ phase, done, total, ratePerSecond: rate, etaSeconds: rate ? (total - done) / rate : null });
  };
}

/**
 * The index behind UMAP's kNN graphs: built on one thread so a seed reproduces the layout
 * (searches use every core: they only read the graph), and with smaller build and search beams
 * than similarity search — the fuzzy graph tolerates approximate neighbours, as umap-learn's
 * NN-descent does, and at 10^6 points the placement's searches are the longest step.
 */
const GRAPH_INDEX = { exactBelow: 2_000, threads: 1, expansionAdd: 64, expansionSearch: 48 };

/**
 * The beam for placing points beyond the fitted subsample. Placement is one search per point
 * (95 % of them at 10^6) and only needs neighbours good enough for a weighted mean, so it uses
 * half the kNN graph's beam: about 2.5× cheaper per query (measured at 50k fitted × 64-d), and
 * the quality guard in test/unit/map/umap.test.ts holds.
 */
const PLACE_EXPANSION = 24;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The kNN graph (k others per row) of every row, in blocks so progress and cancel stay live. */
export async function knnGraph(index: AnnIndex, k: number, hooks: UmapHooks = {}): Promise<KnnResult> {
  const n = index.size;
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  const report = phaseReporter('knn', n, hooks);
  const block = 8192; // one batch search on every core per block
  for (let from = 0; from < n; from += block) {
    const to = Math.min(n, from + block);
    const part = index.neighboursOfRows(from, to, k);
    indices.set(part.indices, from * k);
    distances.set(part.distances, from * k);
    report(to);
    await yieldToEventLoop();
    throwIfCancelled(hooks.signal);
  }
  return { k, indices, distances };
}

/** Initial coordinates: the first two principal components (power iteration), scaled to ±10. */
export function pcaInit(m: VectorMatrix, seed: number): Float32Array {
  const n = rowCount(m);
  const d = m.dim;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += m.data[i * d + j] / n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = m.data[i * d + j] - mean[j];
    for (let p = 0; p < d; p++) for (let q = p; q < d; q++) cov[p * d + q] += row[p] * row[q];
  }
  for (let p = 0; p < d; p++) for (let q = 0; q < p; q++) cov[p * d + q] = cov[q * d + p];
  const rand = mulberry32(seed);
  const comps: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let v = Float64Array.from({ length: d }, () => rand() - 0.5);
    for (let it = 0; it < 100; it++) {
      const w = new Float64Array(d);
      for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) w[p] += cov[p * d + q] * v[q];
      for (const u of comps) {
        const dot = w.reduce((s, x, j) => s + x * u[j], 0);
        for (let j = 0; j < d; j++) w[j] -= dot * u[j];
      }
      const norm = Math.hypot(...w) || 1;
      v = w.map((x) => x / norm);
    }
    comps.push(v);
  }
  const xy = new Float32Array(n * 2);
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (m.data[i * d + j] - mean[j]) * comps[c][j];
      xy[i * 2 + c] = s;
      maxAbs = Math.max(maxAbs, Math.abs(s));
    }
  }
  // Scale like umap-learn's spectral init, plus a little noise so duplicates separate.
  const scale = maxAbs > 0 ? 10 / maxAbs : 1;
  for (let i = 0; i < xy.length; i++) xy[i] = xy[i] * scale + (rand() - 0.5) * 1e-4;
  return xy;
}

/** Wall and CPU seconds per phase. */
interface PhaseSeconds {
  wall: NonNullable<UmapLayout['phaseSeconds']>;
  cpu: NonNullable<UmapLayout['phaseCpuSeconds']>;
}

/** Runs one step and adds its wall and CPU time to `seconds`' entries for `phase`. */
async function timed<T>(seconds: PhaseSeconds, phase: keyof PhaseSeconds['wall'], step: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  try {
    return await step();
  } finally {
    const c = process.cpuUsage(c0);
    seconds.wall[phase] = (seconds.wall[phase] ?? 0) + (performance.now() - t0) / 1000;
    seconds.cpu[phase] = (seconds.cpu[phase] ?? 0) + (c.user + c.system) / 1e6;
  }
}

/** The fast engine on every row of `m`: kNN graph → fuzzy set → SGD. Interleaved xy, and the index (reused to place the rest). */
async function fastFit(m: VectorMatrix, o: Resolved, hooks: UmapHooks, seconds: PhaseSeconds): Promise<{ xy: Float32Array; index: AnnIndex }> {
  const n = rowCount(m);
  const index = await timed(seconds, 'index', () => AnnIndex.build(m, GRAPH_INDEX));
  throwIfCancelled(hooks.signal);
  const knn = await timed(seconds, 'knn', () => knnGraph(index, Math.min(o.nNeighbors - 1, n - 1), hooks));
  hooks.onProgress?.({ phase: 'graph', done: 0, total: 1, ratePerSecond: null, etaSeconds: null });
  const graph = await timed(seconds, 'graph', () => fuzzySimplicialSet(knn, n));
  hooks.onProgress?.({ phase: 'graph', done: 1, total: 1, ratePerSecond: null, etaSeconds: 0 });
  throwIfCancelled(hooks.signal);
  const xy = pcaInit(m, o.seed);
  const { a, b } = findAbParams(o.spread, o.minDist);
  const report = phaseReporter('layout', o.nEpochs, hooks);
  await timed(seconds, 'layout', () => optimizeLayout(graph, xy, { nEpochs: o.nEpochs, a, b, seed: o.seed, signal: hooks.signal, onEpoch: report }));
  return { xy, index };
}

/** umap-js on every row, one epoch per step(), with our exact kNN graph handed in. */
async function umapJsFit(m: VectorMatrix, o: Resolved, hooks: UmapHooks): Promise<Float32Array> {
  const n = rowCount(m);
  const k = Math.min(o.nNeighbors, n);
  const index = AnnIndex.build(m, GRAPH_INDEX);
  const knn = await knnGraph(index, k - 1, hooks);
  // umap-js, like umap-learn, counts each point as its own first neighbour.
  const knnIndices: number[][] = [];
  const knnDistances: number[][] = [];
  for (let i = 0; i < n; i++) {
    knnIndices.push([i, ...Array.from(knn.indices.subarray(i * (k - 1), (i + 1) * (k - 1)))]);
    knnDistances.push([0, ...Array.from(knn.distances.subarray(i * (k - 1), (i + 1) * (k - 1)))]);
  }
  const umap = new UMAP({
    nComponents: 2, nNeighbors: k, minDist: o.minDist, spread: o.spread, nEpochs: o.nEpochs, random: mulberry32(o.seed),
  });
  umap.setPrecomputedKNN(knnIndices, knnDistances);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(m.data.subarray(i * m.dim, (i + 1) * m.dim)));
  hooks.onProgress?.({ phase: 'graph', done: 0, total: 1, ratePerSecond: null, etaSeconds: null });
  const epochs = umap.initializeFit(rows);
  throwIfCancelled(hooks.signal);
  const report = phaseReporter('layout', epochs, hooks);
  let lastYield = performance.now();
  for (let e = 0; e < epochs; e++) {
    umap.step();
    report(e + 1);
    if (performance.now() - lastYield > 50) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    throwIfCancelled(hooks.signal);
  }
  const out = new Float32Array(n * 2);
  umap.getEmbedding().forEach((p, i) => {
    out[i * 2] = p[0];
    out[i * 2 + 1] = p[1];
  });
  return out;
}

/**
 * Places the rows not in `fittedRows` at the membership-weighted mean of their nearest fitted
 * neighbours' coordinates (weights from the same σ/ρ smoothing as the fuzzy set). `index` is
 * the fitted rows' index (its row i is fittedRows[i]); each block of queries is one batch search
 * on every core, so placing 10^6 points costs about as much as the fit itself.
 */
async function placeRest(m: VectorMatrix, fittedRows: Uint32Array, fittedXy: Float32Array, index: AnnIndex, o: Resolved, hooks: UmapHooks, out: Float32Array): Promise<void> {
  const n = rowCount(m);
  const dim = m.dim;
  const k = Math.min(o.nNeighbors, fittedRows.length);
  const isFitted = new Uint8Array(n);
  fittedRows.forEach((r, i) => {
    isFitted[r] = 1;
    out[r * 2] = fittedXy[i * 2];
    out[r * 2 + 1] = fittedXy[i * 2 + 1];
  });
  const rest = new Uint32Array(n - fittedRows.length);
  for (let i = 0, at = 0; i < n; i++) if (!isFitted[i]) rest[at++] = i;
  const report = phaseReporter('place', rest.length, hooks);
  const block = 16_384;
  const queries = new Float32Array(block * dim);
  for (let s = 0; s < rest.length; s += block) {
    const rows = rest.subarray(s, s + block);
    for (let q = 0; q < rows.length; q++) queries.set(m.data.subarray(rows[q] * dim, (rows[q] + 1) * dim), q * dim);
    const knn = index.searchMany(queries.subarray(0, rows.length * dim), k);
    const { sigma, rho } = smoothKnnDistances(knn, rows.length);
    for (let q = 0; q < rows.length; q++) {
      let sx = 0, sy = 0, sw = 0;
      for (let j = 0; j < k; j++) {
        const f = knn.indices[q * k + j];
        if (f < 0) continue;
        const dd = knn.distances[q * k + j] - rho[q];
        const w = dd <= 0 ? 1 : Math.exp(-dd / sigma[q]);
        sx += w * fittedXy[f * 2]; sy += w * fittedXy[f * 2 + 1]; sw += w;
      }
      out[rows[q] * 2] = sx / sw;
      out[rows[q] * 2 + 1] = sy / sw;
    }
    report(Math.min(rest.length, s + block));
    await yieldToEventLoop();
    throwIfCancelled(hooks.signal);
  }
}

/**
 * A 2-D UMAP layout of every row of `m`.
 * @throws CancelledError when `hooks.signal` aborts; Error on fewer than 3 rows or bad options
 */
export async function computeUmap(m: VectorMatrix, options: UmapOptions = {}, hooks: UmapHooks = {}): Promise<UmapLayout> {
  const t0 = performance.now();
  const n = rowCount(m);
  if (n < 3) throw new Error(`UMAP needs at least 3 points, got ${n}`);
  const o = resolveUmapOptions(n, options);
  let xy: Float32Array;
  let fitted = n;
  const phaseSeconds: PhaseSeconds = { wall: {}, cpu: {} };
  if (o.method === 'umap-js') {
    xy = await umapJsFit(m, o, hooks);
  } else if (n <= o.fitLimit) {
    xy = (await fastFit(m, o, hooks, phaseSeconds)).xy;
  } else {
    // Only the subsample is indexed and fitted; everything else is placed against it.
    const rows = sampleIndices(n, o.fitLimit, mulberry32(o.seed ^ 0x5bd1e995));
    const sub: VectorMatrix = { dim: m.dim, data: new Float32Array(rows.length * m.dim) };
    rows.forEach((r, i) => sub.data.set(m.data.subarray(r * m.dim, (r + 1) * m.dim), i * m.dim));
    const fit = await fastFit(sub, o, hooks, phaseSeconds);
    xy = new Float32Array(n * 2);
    fit.index.setExpansionSearch(PLACE_EXPANSION);
    await timed(phaseSeconds, 'place', () => placeRest(m, rows, fit.xy, fit.index, o, hooks, xy));
    fitted = rows.length;
  }
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = xy[i * 2];
    y[i] = xy[i * 2 + 1];
  }
  return { x, y, method: o.method, fitted, seconds: (performance.now() - t0) / 1000, ...(o.method === 'fast' ? { phaseSeconds: phaseSeconds.wall, phaseCpuSeconds: phaseSeconds.cpu } : {}) };
}

/** The cache file of a layout: embedding name, content hash and a hash of the resolved options. */
export function layoutCacheFile(projectDir: string, m: EmbeddingMatrix, options: UmapOptions = {}): string {
  const o = resolveUmapOptions(rowCount(m), options);
  const key = createHash('sha256').update(JSON.stringify(Object.entries(o).sort())).digest('hex').slice(0, 12);
  return path.join(mapCacheDir(projectDir), `umap-${safeName(m.name)}-${matrixHash(m)}-${key}.f32`);
}

/**
 * The UMAP layout of an embedding, read from the project's cache when computed before with the
 * same vectors and options, else computed and cached (x then y as little-endian float32).
 */
export async function projectUmap(projectDir: string, m: EmbeddingMatrix, options: UmapOptions = {}, hooks: UmapHooks = {}): Promise<UmapLayout & { cached: boolean }> {
  const file = layoutCacheFile(projectDir, m, options);
  const n = rowCount(m);
  if (fs.existsSync(file) && fs.statSync(file).size === n * 8) {
    const buf = fs.readFileSync(file);
    const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + n * 8));
    const meta = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as { method: 'umap-js' | 'fast'; fitted: number; seconds: number };
    return { x: all.slice(0, n), y: all.slice(n), ...meta, cached: true };
  }
  const layout = await computeUmap(m, options, hooks);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.json`, JSON.stringify({ method: layout.method, fitted: layout.fitted, seconds: layout.seconds }));
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, Buffer.concat([Buffer.from(layout.x.buffer, layout.x.byteOffset, n * 4), Buffer.from(layout.y.buffer, layout.y.byteOffset, n * 4)]));
  fs.renameSync(tmp, file); // the .f32 lands last, so a present .f32 always has its .json
  return { ...layout, cached: false };
}
