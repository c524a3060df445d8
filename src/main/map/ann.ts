/**
 * Similarity search in embedding space: the k nearest stars of a star or of a selection's
 * centroid, with true Euclidean distances. Large matrices use a usearch HNSW index (approximate,
 * recall@10 ≥ 0.95 on clustered data); small ones, where a scan takes milliseconds, are searched
 * exactly. Either way the returned distances are recomputed from the vectors in float64, so the
 * index only proposes candidates and never decides a distance.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type * as Usearch from 'usearch';
import { mapCacheDir, matrixHash, rowCount, safeName, type EmbeddingMatrix } from './matrix';
import { mulberry32, sampleIndices } from './random';

/** A vector matrix: n rows of `dim` float32 values. */
export interface VectorMatrix {
  dim: number;
  data: Float32Array;
}

export interface AnnOptions {
  /** Below this many rows search exactly (no index). Default 10 000. */
  exactBelow?: number;
  /** HNSW graph degree (default 16). */
  connectivity?: number;
  /** Candidate list size while building (default 128). */
  expansionAdd?: number;
  /**
   * Candidate list size while searching (default 96; more = higher recall, slower). Changeable
   * later with `setExpansionSearch` or chosen per index by `calibrateExpansion`.
   */
  expansionSearch?: number;
  /**
   * `loadOrBuild` only: after a build, pick the smallest expansionSearch whose recall@10 on a
   * sample of the rows, against exact search, reaches this (default 0.95; 0 keeps expansionSearch).
   * The choice is stored beside the cached index.
   */
  targetRecall?: number;
  /**
   * Threads that build the index (default 0: all cores). A multi-threaded build inserts in a
   * varying order, so its graph, and an approximate answer, can differ between runs; pass 1
   * where results must be reproducible (UMAP with a seed). Batch searches use every core either
   * way: a search only reads the graph, so its answers do not depend on the thread count.
   */
  threads?: number;
}

/** One neighbour: its row in the matrix and its Euclidean distance to the query. */
export interface Neighbour {
  row: number;
  distance: number;
}

/** k neighbours of many queries, row-major: query q's j-th neighbour at q*k + j (-1 when missing). */
export interface KnnResult {
  k: number;
  indices: Int32Array;
  distances: Float32Array;
}

// usearch 2.25's ESM entry cannot locate its native build (getBuildDir recurses forever);
// its CommonJS entry works, so load that one.
const usearch = createRequire(import.meta.url)('usearch') as typeof Usearch;

/** Rows added to an HNSW index per native call (seconds of work at 10^6 rows). */
const ADD_BLOCK_ROWS = 8192;

const DEFAULTS = { threads: 0, exactBelow: 10_000, connectivity: 16, expansionAdd: 128, expansionSearch: 96, targetRecall: 0.95 };

/**
 * A sample of 200 queries × 10 neighbours estimates recall to about ±0.005 (one standard error
 * near 0.95), so the sample must beat the goal by two of those for unseen queries to meet it.
 */
const CALIBRATION_MARGIN = 0.01;

/** The beams `calibrateExpansion` tries, smallest first. */
const EXPANSION_LADDER = [16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024];

/** What `calibrateExpansion` measured: the chosen beam and the recall@k it gave on the sample. */
export interface ExpansionCalibration {
  expansionSearch: number;
  recall: number;
  k: number;
  sampleSize: number;
  targetRecall: number;
  /** What the sample had to reach: the target plus a margin for the sample's own noise. */
  requiredRecall: number;
  /** Recall measured at each beam tried, smallest first. */
  tried: { expansionSearch: number; recall: number }[];
}

/** Euclidean distance between row `i` of `m` and `q`, accumulated in float64. */
export function distanceToRow(m: VectorMatrix, i: number, q: ArrayLike<number>): number {
  let s = 0;
  const base = i * m.dim;
  for (let j = 0; j < m.dim; j++) {
    const d = m.data[base + j] - q[j];
    s += d * d;
  }
  return Math.sqrt(s);
}

/**
 * The exact k nearest rows of `q` by a full scan (the reference for recall, and the small-n path),
 * nearest first, ties by row. Small k keeps a bounded max-heap (no per-row objects, so a scan of
 * 10^6 rows stays in the tens of milliseconds); k near n sorts everything.
 */
export function bruteForceSearch(m: VectorMatrix, q: ArrayLike<number>, k: number, exclude = -1): Neighbour[] {
  const n = rowCount(m);
  if (k * 8 >= n) {
    const all: Neighbour[] = [];
    for (let i = 0; i < n; i++) if (i !== exclude) all.push({ row: i, distance: distanceToRow(m, i, q) });
    all.sort(byDistanceThenRow);
    return all.slice(0, k);
  }
  // Max-heap of the k best so far on (distance, row): its root is the worst kept candidate.
  const heapRow = new Int32Array(k);
  const heapDist = new Float64Array(k);
  let size = 0;
  const worse = (a: number, b: number): boolean => heapDist[a] > heapDist[b] || (heapDist[a] === heapDist[b] && heapRow[a] > heapRow[b]);
  const swap = (a: number, b: number): void => {
    const r = heapRow[a]; heapRow[a] = heapRow[b]; heapRow[b] = r;
    const d = heapDist[a]; heapDist[a] = heapDist[b]; heapDist[b] = d;
  };
  for (let i = 0; i < n; i++) {
    if (i === exclude) continue;
    const d = distanceToRow(m, i, q);
    if (size === k && (d > heapDist[0] || (d === heapDist[0] && i > heapRow[0]))) continue;
    let at: number;
    if (size < k) {
      at = size++;
      heapRow[at] = i; heapDist[at] = d;
      while (at > 0 && worse(at, (at - 1) >> 1)) { swap(at, (at - 1) >> 1); at = (at - 1) >> 1; }
    } else {
      heapRow[0] = i; heapDist[0] = d;
      at = 0;
      for (;;) {
        const l = 2 * at + 1, r = l + 1;
        let top = at;
        if (l < size && worse(l, top)) top = l;
        if (r < size && worse(r, top)) top = r;
        if (top === at) break;
        swap(at, top);
        at = top;
      }
    }
  }
  const out: Neighbour[] = [];
  for (let j = 0; j < size; j++) out.push({ row: heapRow[j], distance: heapDist[j] });
  return out.sort(byDistanceThenRow);
}

function byDistanceThenRow(a: Neighbour, b: Neighbour): number {
  return a.distance - b.distance || a.row - b.row;
}

export class AnnIndex {
  private constructor(
    private readonly matrix: VectorMatrix,
    private readonly index: Usearch.Index | null,
    private expansion: number,
  ) {}

  /** The search beam (candidates examined per query); more = higher recall, slower. */
  get expansionSearch(): number {
    return this.expansion;
  }

  /** Sets the search beam for later searches (no rebuild: the beam is a search-time choice). */
  setExpansionSearch(expansion: number): void {
    if (!Number.isInteger(expansion) || expansion < 1) throw new Error(`similarity search: expansionSearch must be a positive integer, got ${expansion}`);
    this.expansion = expansion;
  }

  /** 'hnsw' when backed by usearch, 'exact' when every search scans the matrix. */
  get kind(): 'hnsw' | 'exact' {
    return this.index ? 'hnsw' : 'exact';
  }

  get size(): number {
    return rowCount(this.matrix);
  }

  /** Builds an index over every row of `matrix` (keys are row numbers). */
  static build(matrix: VectorMatrix, options: AnnOptions = {}): AnnIndex {
    const o = { ...DEFAULTS, ...options };
    const n = rowCount(matrix);
    if (n < o.exactBelow) return new AnnIndex(matrix, null, o.expansionSearch);
    const index = AnnIndex.emptyIndex(matrix.dim, o);
    const keys = new BigUint64Array(n);
    for (let i = 0; i < n; i++) keys[i] = BigInt(i);
    // In blocks, in row order (the same graph as one call when single-threaded): a worker thread
    // can only be terminated between native calls, and one call over 10^6 rows runs for minutes,
    // which would hold up a server's shutdown until the build ended.
    const dim = matrix.dim;
    for (let from = 0; from < n; from += ADD_BLOCK_ROWS) {
      const to = Math.min(n, from + ADD_BLOCK_ROWS);
      index.add(keys.subarray(from, to), matrix.data.subarray(from * dim, to * dim), o.threads);
    }
    if (o.threads !== 0) return new AnnIndex(matrix, AnnIndex.withSearchThreads(index, matrix.dim, o), o.expansionSearch);
    return new AnnIndex(matrix, index, o.expansionSearch);
  }

  /**
   * usearch sizes its per-thread search contexts when it adds (to the add's thread count) or
   * loads (to every core), and a search on more threads than contexts fails. A build on fewer
   * threads (a reproducible single-threaded one) is therefore saved and loaded back
   * (milliseconds at 10^5 rows), so batch searches can use every core.
   */
  private static withSearchThreads(built: Usearch.Index, dim: number, o: typeof DEFAULTS): Usearch.Index {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-ann-'));
    try {
      const file = path.join(dir, 'index.usearch');
      built.save(file);
      const loaded = AnnIndex.emptyIndex(dim, o);
      loaded.load(file);
      return loaded;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * The index of an embedding, from `<project>/map/` when one built from identical vectors is
   * cached there (the file name carries the embedding name and a content hash), else built and saved.
   */
  static loadOrBuild(projectDir: string, matrix: EmbeddingMatrix, options: AnnOptions = {}): AnnIndex {
    const o = { ...DEFAULTS, ...options };
    if (rowCount(matrix) < o.exactBelow) return new AnnIndex(matrix, null, o.expansionSearch);
    const file = path.join(mapCacheDir(projectDir), `ann-${safeName(matrix.name)}-${matrixHash(matrix)}-M${o.connectivity}.usearch`);
    return AnnIndex.loadOrBuildFile(file, matrix, o);
  }

  /**
   * The index in `file` when it holds `matrix`'s rows, else built and saved there. With
   * `targetRecall` > 0 a fresh build is calibrated (`calibrateExpansion`) and the chosen beam is
   * saved in `<file>.json` and reused on load; a cached index without that note keeps
   * `expansionSearch`.
   */
  static loadOrBuildFile(file: string, matrix: VectorMatrix, options: AnnOptions = {}): AnnIndex {
    const o = { ...DEFAULTS, ...options };
    const note = `${file}.json`;
    if (fs.existsSync(file)) {
      try {
        const loaded = AnnIndex.load(file, matrix, o);
        if (o.targetRecall > 0 && fs.existsSync(note)) {
          const saved = JSON.parse(fs.readFileSync(note, 'utf8')) as Partial<ExpansionCalibration>;
          if (saved.targetRecall === o.targetRecall && Number.isInteger(saved.expansionSearch)) loaded.setExpansionSearch(saved.expansionSearch as number);
        }
        return loaded;
      } catch {
        // A damaged cache file is rebuilt, never trusted.
      }
    }
    const built = AnnIndex.build(matrix, o);
    built.save(file);
    if (o.targetRecall > 0 && built.kind === 'hnsw') {
      const calibration = built.calibrateExpansion(o.targetRecall);
      fs.writeFileSync(note, JSON.stringify(calibration, null, 2) + '\n');
    }
    return built;
  }

  /**
   * Chooses the smallest search beam (from 16 up to 1024) whose recall@k reaches `targetRecall`
   * plus a margin of 0.01 (the sample's noise) on `sampleSize` rows drawn at random (fixed seed), each searched for its k nearest other rows and
   * compared with an exact scan, and sets it on this index. When no beam reaches the target
   * the largest is kept. Costs `sampleSize` full scans (seconds at 10^6 rows) plus the searches.
   */
  calibrateExpansion(targetRecall = 0.95, k = 10, sampleSize = 200): ExpansionCalibration {
    const n = this.size;
    const dim = this.matrix.dim;
    const count = Math.min(sampleSize, n);
    // A seeded random sample: evenly spaced rows could all fall on one period of the row order
    // (every 20th row is one blob in the bench's data), and the choice stays reproducible.
    const rows = Int32Array.from(sampleIndices(n, count, mulberry32(0x9e3779b9)));
    const truth = Array.from(rows, (r) => new Set(bruteForceSearch(this.matrix, this.matrix.data.subarray(r * dim, (r + 1) * dim), k, r).map((nb) => nb.row)));
    const queries = new Float32Array(count * dim);
    rows.forEach((r, q) => queries.set(this.matrix.data.subarray(r * dim, (r + 1) * dim), q * dim));
    const tried: ExpansionCalibration['tried'] = [];
    const requiredRecall = Math.min(1, targetRecall + CALIBRATION_MARGIN);
    for (const expansion of EXPANSION_LADDER) {
      if (this.index === null && tried.length > 0) break; // exact: every beam gives recall 1
      let hits = 0;
      for (let q = 0; q < count; q++) {
        const got = this.searchOneRow(rows[q], queries.subarray(q * dim, (q + 1) * dim), k, expansion);
        for (const row of got) if (truth[q].has(row)) hits++;
      }
      const recall = hits / (count * k);
      tried.push({ expansionSearch: expansion, recall });
      if (recall >= requiredRecall) break;
    }
    const chosen = tried.at(-1) as ExpansionCalibration['tried'][number];
    this.expansion = chosen.expansionSearch;
    return { expansionSearch: chosen.expansionSearch, recall: chosen.recall, k, sampleSize: count, targetRecall, requiredRecall, tried };
  }

  /** The k nearest other rows of row `row` (vector `query`) with beam `expansion`, as rows. */
  private searchOneRow(row: number, query: Float32Array, k: number, expansion: number): Int32Array {
    const saved = this.expansion;
    this.expansion = expansion;
    try {
      return this.searchMany(query, k, row, 1).indices;
    } finally {
      this.expansion = saved;
    }
  }

  /**
   * Opens an index saved by save(), for the same matrix it was built from.
   * @throws Error naming the file when it does not match the matrix
   */
  static load(file: string, matrix: VectorMatrix, options: AnnOptions = {}): AnnIndex {
    const o = { ...DEFAULTS, ...options };
    const index = AnnIndex.emptyIndex(matrix.dim, o);
    index.load(file);
    if (index.size() !== rowCount(matrix) || index.dimensions() !== matrix.dim) {
      throw new Error(`${file}: index holds ${index.size()} vectors of dimension ${index.dimensions()}, expected ${rowCount(matrix)} of ${matrix.dim}`);
    }
    return new AnnIndex(matrix, index, o.expansionSearch);
  }

  /**
   * usearch searches with a beam of max(its configured expansion_search, results wanted). The
   * configured one is set to 1 here and every search asks for max(k, beam) results, so the beam is
   * a per-search choice (`expansionSearch`) that the file format does not fix.
   */
  private static emptyIndex(dim: number, o: typeof DEFAULTS): Usearch.Index {
    return new usearch.Index({
      dimensions: dim, metric: usearch.MetricKind.L2sq, quantization: usearch.ScalarKind.F32,
      connectivity: o.connectivity, expansion_add: o.expansionAdd, expansion_search: 1, multi: false,
    });
  }

  /** Writes the index to `file` (atomically: a crash never leaves a half-written cache). */
  save(file: string): void {
    if (!this.index) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    this.index.save(tmp);
    fs.renameSync(tmp, file);
  }

  /**
   * The k nearest rows of `query` (a vector of the matrix's dimension), nearest first, with exact
   * Euclidean distances. `exclude` drops one row (the query star itself).
   * @throws Error when the query has the wrong dimension
   */
  search(query: Float32Array, k: number, exclude = -1): Neighbour[] {
    if (query.length !== this.matrix.dim) throw new Error(`similarity search: query has ${query.length} values, the embedding ${this.matrix.dim}`);
    const want = Math.min(k, this.size - (exclude >= 0 ? 1 : 0));
    if (want <= 0) return [];
    if (!this.index) return bruteForceSearch(this.matrix, query, want, exclude);
    const found = this.index.search(query, Math.max(want + (exclude >= 0 ? 1 : 0), this.expansion), 1);
    return this.refine(Array.from(found.keys, Number), query, want, exclude);
  }

  /** The k nearest other stars of row `row`. */
  searchRow(row: number, k: number): Neighbour[] {
    if (!Number.isInteger(row) || row < 0 || row >= this.size) throw new Error(`similarity search: row ${row} is outside 0..${this.size - 1}`);
    return this.search(this.matrix.data.subarray(row * this.matrix.dim, (row + 1) * this.matrix.dim), k, row);
  }

  /**
   * The k nearest other rows of every row in [from, to): the kNN graph UMAP is built on.
   * Rows of the graph are in the same order; distances are exact.
   */
  neighboursOfRows(from: number, to: number, k: number): KnnResult {
    const dim = this.matrix.dim;
    return this.searchMany(this.matrix.data.subarray(from * dim, to * dim), k, from);
  }

  /**
   * The k nearest rows of each of several query vectors (row-major, the matrix's dimension) in
   * one batch call on every core. With `firstRow` ≥ 0, query q is row firstRow + q itself and is
   * left out. Distances are exact (float64 from the vectors, stored as float32), ties by row.
   */
  searchMany(queries: Float32Array, k: number, firstRow = -1, threads = 0): KnnResult {
    const dim = this.matrix.dim;
    if (queries.length % dim !== 0) throw new Error(`similarity search: ${queries.length} query values are not whole vectors of ${dim}`);
    const count = queries.length / dim;
    const indices = new Int32Array(count * k).fill(-1);
    const distances = new Float32Array(count * k).fill(Infinity);
    if (!this.index) {
      for (let q = 0; q < count; q++) {
        const list = bruteForceSearch(this.matrix, queries.subarray(q * dim, (q + 1) * dim), k, firstRow >= 0 ? firstRow + q : -1);
        list.forEach((nb, j) => { indices[q * k + j] = nb.row; distances[q * k + j] = nb.distance; });
      }
      return { k, indices, distances };
    }
    // Ask for the whole beam: usearch returns its best `wanted`, and the exact refine below may
    // reorder them (float32 squared vs float64 distances), so the extra candidates are not wasted.
    const wanted = Math.max(k + (firstRow >= 0 ? 1 : 0), this.expansion);
    const found = this.index.search(queries, wanted, threads) as Usearch.BatchMatches;
    // One query's best k so far, sorted by insertion.
    const rows = new Int32Array(k + 1);
    const dist = new Float64Array(k + 1);
    for (let q = 0; q < count; q++) {
      const self = firstRow >= 0 ? firstRow + q : -1;
      // One query gives a plain Matches (no counts): all its keys are valid.
      const have = count === 1 ? found.keys.length : Number(found.counts[q]);
      let kept = 0;
      for (let j = 0; j < have; j++) {
        const row = Number(found.keys[q * wanted + j]);
        if (row === self) continue;
        let s = 0;
        for (let t = 0, a = row * dim, b = q * dim; t < dim; t++) {
          const d = this.matrix.data[a + t] - queries[b + t];
          s += d * d;
        }
        const d = Math.sqrt(s);
        if (kept === k && (d > dist[k - 1] || (d === dist[k - 1] && row > rows[k - 1]))) continue;
        let at = kept < k ? kept++ : k - 1;
        while (at > 0 && (dist[at - 1] > d || (dist[at - 1] === d && rows[at - 1] > row))) {
          dist[at] = dist[at - 1]; rows[at] = rows[at - 1]; at--;
        }
        dist[at] = d; rows[at] = row;
      }
      for (let j = 0; j < Math.min(k, kept); j++) {
        indices[q * k + j] = rows[j];
        distances[q * k + j] = dist[j];
      }
    }
    return { k, indices, distances };
  }

  /** Candidates → exact distances, without `exclude`, sorted (ties by row), first `k`. */
  private refine(candidates: number[], query: ArrayLike<number>, k: number, exclude: number): Neighbour[] {
    const out: Neighbour[] = [];
    for (const row of candidates) if (row !== exclude) out.push({ row, distance: distanceToRow(this.matrix, row, query) });
    out.sort(byDistanceThenRow);
    return out.slice(0, k);
  }
}
