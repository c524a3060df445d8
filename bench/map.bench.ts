/**
 * Map explorer benchmark: UMAP wall time of our fast path beside umap-js, lasso latency on a
 * million points, and ANN kNN query latency and recall@10 against brute force.
 *
 * Run: node --import tsx bench/map.bench.ts   (writes bench/results/map.json)
 * Default sizes fit a shared 2-core machine in a few minutes: UMAP at 10k (both engines) and
 * 100k (fast path; umap-js only with MAP_BENCH_UMAPJS_MAX ≥ 100000, it takes ~4 min there),
 * lasso at 1M, kNN at 100k. MAP_BENCH_FULL=1 adds UMAP and kNN at 1M (minutes; run it on a
 * quiet machine). MAP_BENCH_UMAP_SIZES=10000,100000 overrides the UMAP sizes.
 * MAP_BENCH_PARTS=umap (or lasso, knn, comma-separated) runs only those parts and merges them into
 * the existing map.json (UMAP rows replaced by point count).
 * Data: Gaussian blobs (20 centres, 64 dimensions, spread comparable to their spacing).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AnnIndex, bruteForceSearch, type VectorMatrix } from '../src/main/map/ann';
import { gaussian, mulberry32 } from '../src/main/map/random';
import { selectLasso } from '../src/main/map/select';
import { computeUmap } from '../src/main/map/umap';

const full = process.env.MAP_BENCH_FULL === '1';
const umapSizes = (process.env.MAP_BENCH_UMAP_SIZES ?? (full ? '10000,100000,1000000' : '10000,100000')).split(',').map(Number);
const umapJsMax = Number(process.env.MAP_BENCH_UMAPJS_MAX ?? 20_000);
const knnSizes = full ? [100_000, 1_000_000] : [100_000];
const parts = new Set((process.env.MAP_BENCH_PARTS ?? 'lasso,knn,umap').split(','));

function blobs(n: number, dim: number, seed: number): VectorMatrix {
  const u = mulberry32(seed);
  const g = gaussian(u);
  const centres = Float64Array.from({ length: 20 * dim }, () => (u() * 2 - 1) * 4);
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) data[i * dim + j] = centres[(i % 20) * dim + j] + 3 * g();
  return { dim, data };
}

function peakRssSampler(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  return () => {
    clearInterval(timer);
    return Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20);
  };
}

async function umapRow(n: number): Promise<Record<string, unknown>> {
  const m = blobs(n, 64, n);
  const stop = peakRssSampler();
  const fast = await computeUmap(m, { method: 'fast', seed: 1 });
  const row: Record<string, unknown> = { points: n, fastSeconds: fast.seconds, fastFitted: fast.fitted, fastPeakRssMb: stop() };
  if (n <= umapJsMax) {
    const stop2 = peakRssSampler();
    const ref = await computeUmap(m, { method: 'umap-js', seed: 1 });
    row.umapJsSeconds = ref.seconds;
    row.umapJsPeakRssMb = stop2();
    row.speedup = ref.seconds / fast.seconds;
  } else {
    row.umapJs = `skipped above ${umapJsMax} points (set MAP_BENCH_UMAPJS_MAX); stack-feasibility §4 measured 97 s at 50k, ~linear`;
  }
  console.log('map bench umap', row);
  return row;
}

function lassoRow(): Record<string, unknown> {
  const n = 1_000_000;
  const u = mulberry32(3);
  const x = Float32Array.from({ length: n }, () => u() * 100);
  const y = Float32Array.from({ length: n }, () => u() * 100);
  // A wobbly 200-vertex lasso around the centre, like a hand-drawn one.
  const poly: number[] = [];
  for (let k = 0; k < 200; k++) {
    const t = (2 * Math.PI * k) / 200;
    const r = 30 + 8 * Math.sin(7 * t);
    poly.push(50 + r * Math.cos(t), 50 + r * Math.sin(t));
  }
  const times: number[] = [];
  let selected = 0;
  for (let rep = 0; rep < 15; rep++) {
    const t0 = performance.now();
    selected = selectLasso(x, y, poly).length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const row = { points: n, vertices: 200, selected, medianMs: times[7], minMs: times[0], maxMs: times[14] };
  console.log('map bench lasso', row);
  return row;
}

function knnRow(n: number): Record<string, unknown> {
  const m = blobs(n, 64, 7);
  const t0 = performance.now();
  const index = AnnIndex.build(m, { exactBelow: 0 });
  const buildSeconds = (performance.now() - t0) / 1000;
  const queries = Array.from({ length: 200 }, (_, i) => (i * 7_919_993) % n);
  const times: number[] = [];
  let hits = 0;
  for (const q of queries) {
    const t1 = performance.now();
    const got = index.searchRow(q, 10);
    times.push(performance.now() - t1);
    const truth = new Set(bruteForceSearch(m, m.data.subarray(q * 64, (q + 1) * 64), 10, q).map((nb) => nb.row));
    hits += got.filter((nb) => truth.has(nb.row)).length;
  }
  times.sort((a, b) => a - b);
  const row = { points: n, dim: 64, buildSeconds, queryMedianMs: times[100], queryP95Ms: times[190], recallAt10: hits / (10 * queries.length) };
  console.log('map bench knn', row);
  return row;
}

/** Runs every part (or those in MAP_BENCH_PARTS) and writes bench/results/map.json. */
export async function run(): Promise<object> {
  const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'results', 'map.json');
  const previous = parts.size < 3 && fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
  const result: Record<string, unknown> = {
    ...previous,
    benchmark: 'map',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadAverage: os.loadavg(),
    full,
  };
  if (parts.has('lasso')) result.lasso = lassoRow();
  if (parts.has('knn')) result.knn = knnSizes.map(knnRow);
  if (parts.has('umap')) {
    const rows = ((previous.umap as Record<string, unknown>[] | undefined) ?? []).filter((r) => !umapSizes.includes(r.points as number));
    for (const n of umapSizes) rows.push(await umapRow(n));
    result.umap = rows.sort((a, b) => (a.points as number) - (b.points as number));
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await run();
}
