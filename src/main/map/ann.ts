/**
 * Similarity search in embedding space: the k nearest stars of a star or of a selection's
 * centroid, with true Euclidean distances. Large matrices use a usearch HNSW index (approximate,
 * recall@10 ≥ 0.95 on clustered data); small ones, where a scan takes milliseconds, are searched
 * exactly. Either way the returned distances are recomputed from the vectors in float64, so the
 * index only proposes candidates and never decides a distance.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type * as Usearch from 'usearch';
import { mapCacheDir, matrixHash, rowCount, safeName, type EmbeddingMatrix } from './matrix';

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
  /** Candidate list size while searching (default 96; more = higher recall, slower). */
  expansionSearch?: number;
  /**
   * Threads that build the index (default 0: all cores). A multi-threaded build inserts in a
   * varying order, so its graph, and an approximate answer, can differ between runs; pass 1
   * where results must be reproducible (UMAP with a seed).
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

const DEFAULTS = { threads: 0, exactBelow: 10_000, connectivity: 16, expansionAdd: 128, expansionSearch: 96 };

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

/** The exact k nearest rows of `q` by a full scan (the reference for recall, and the small-n path). */
export function bruteForceSearch(m: VectorMatrix, q: ArrayLike<number>, k: number, exclude = -1): Neighbour[] {
  const n = rowCount(m);
  // A bounded max-heap would be faster for huge n; a scan + partial sort is fine below exactBelow.
  const all: Neighbour[] = [];
  for (let i = 0; i < n; i++) if (i !== exclude) all.push({ row: i, distance: distanceToRow(m, i, q) });
  all.sort((a, b) => a.distance - b.distance || a.row - b.row);
  return all.slice(0, k);
}

export class AnnIndex {
  private constructor(
    private readonly matrix: VectorMatrix,
    private readonly index: Usearch.Index | null,
    /** usearch reserves per-thread search contexts when adding, so searches use the same count. */
    private readonly threads = 0,
  ) {}

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
    if (n < o.exactBelow) return new AnnIndex(matrix, null);
    const index = AnnIndex.emptyIndex(matrix.dim, o);
    const keys = new BigUint64Array(n);
    for (let i = 0; i < n; i++) keys[i] = BigInt(i);
    index.add(keys, matrix.data, o.threads);
    return new AnnIndex(matrix, index, o.threads);
  }

  /**
   * The index of an embedding, from `<project>/map/` when one built from identical vectors is
   * cached there (the file name carries the embedding name and a content hash), else built and saved.
   */
  static loadOrBuild(projectDir: string, matrix: EmbeddingMatrix, options: AnnOptions = {}): AnnIndex {
    const o = { ...DEFAULTS, ...options };
    if (rowCount(matrix) < o.exactBelow) return new AnnIndex(matrix, null);
    const file = path.join(mapCacheDir(projectDir), `ann-${safeName(matrix.name)}-${matrixHash(matrix)}-M${o.connectivity}.usearch`);
    if (fs.existsSync(file)) {
      try {
        return AnnIndex.load(file, matrix, o);
      } catch {
        // A damaged cache file is rebuilt, never trusted.
      }
    }
    const built = AnnIndex.build(matrix, o);
    built.save(file);
    return built;
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
    return new AnnIndex(matrix, index);
  }

  private static emptyIndex(dim: number, o: typeof DEFAULTS): Usearch.Index {
    return new usearch.Index({
      dimensions: dim, metric: usearch.MetricKind.L2sq, quantization: usearch.ScalarKind.F32,
      connectivity: o.connectivity, expansion_add: o.expansionAdd, expansion_search: o.expansionSearch, multi: false,
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
    const found = this.index.search(query, want + (exclude >= 0 ? 1 : 0), this.threads);
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
   * one batch call. With `firstRow` ≥ 0, query q is row firstRow + q itself and is left out.
   */
  searchMany(queries: Float32Array, k: number, firstRow = -1): KnnResult {
    const dim = this.matrix.dim;
    if (queries.length % dim !== 0) throw new Error(`similarity search: ${queries.length} query values are not whole vectors of ${dim}`);
    const count = queries.length / dim;
    const indices = new Int32Array(count * k).fill(-1);
    const distances = new Float32Array(count * k).fill(Infinity);
    const extra = firstRow >= 0 ? 1 : 0;
    const found = this.index ? (this.index.search(queries, k + extra, this.threads) as Usearch.BatchMatches) : null;
    for (let q = 0; q < count; q++) {
      const query = queries.subarray(q * dim, (q + 1) * dim);
      const self = firstRow >= 0 ? firstRow + q : -1;
      let list: Neighbour[];
      if (found) {
        const cands: number[] = [];
        // One query gives a plain Matches (no counts): all k + extra keys are valid.
        const n = count === 1 ? found.keys.length : Number(found.counts[q]);
        for (let j = 0; j < n; j++) cands.push(Number(found.keys[q * (k + extra) + j]));
        list = this.refine(cands, query, k, self);
      } else {
        list = bruteForceSearch(this.matrix, query, k, self);
      }
      this.write(list, indices, distances, q * k);
    }
    return { k, indices, distances };
  }

  private write(list: Neighbour[], indices: Int32Array, distances: Float32Array, at: number): void {
    list.forEach((nb, j) => {
      indices[at + j] = nb.row;
      distances[at + j] = nb.distance;
    });
  }

  /** Candidates → exact distances, without `exclude`, sorted (ties by row), first `k`. */
  private refine(candidates: number[], query: ArrayLike<number>, k: number, exclude: number): Neighbour[] {
    const out: Neighbour[] = [];
    for (const row of candidates) if (row !== exclude) out.push({ row, distance: distanceToRow(this.matrix, row, query) });
    out.sort((a, b) => a.distance - b.distance || a.row - b.row);
    return out.slice(0, k);
  }
}
