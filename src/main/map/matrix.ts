/**
 * Embedding matrices: every star's vector under one embedding name as one row-major Float32Array
 * (what the ANN index, UMAP and classifiers consume), with the star ids in row order.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ProjectStore } from '../store/index';

/** n vectors of `dim` float32 values, row i belonging to `starIds[i]` (rows sorted by star id). */
export interface EmbeddingMatrix {
  name: string;
  starIds: string[];
  dim: number;
  data: Float32Array;
}

/** Number of rows of a matrix. */
export function rowCount(m: { dim: number; data: Float32Array }): number {
  return m.dim === 0 ? 0 : m.data.length / m.dim;
}

/** Row i as a view (no copy). */
export function rowOf(m: { dim: number; data: Float32Array }, i: number): Float32Array {
  return m.data.subarray(i * m.dim, (i + 1) * m.dim);
}

/**
 * Builds a matrix from a flat array, checking its shape.
 * @throws Error when data.length is not n*dim or holds a non-finite value
 */
export function makeMatrix(name: string, starIds: string[], dim: number, data: Float32Array): EmbeddingMatrix {
  if (!Number.isInteger(dim) || dim <= 0) throw new Error(`embedding '${name}': dimension ${dim} is not a positive integer`);
  if (data.length !== starIds.length * dim) {
    throw new Error(`embedding '${name}': ${data.length} values for ${starIds.length} stars of dimension ${dim}`);
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new Error(`embedding '${name}': star ${starIds[Math.floor(i / dim)]} has a non-finite value at position ${i % dim}`);
    }
  }
  return { name, starIds, dim, data };
}

/**
 * Loads every vector stored under `name` (the store's bulk reader: record positions as columns,
 * then one read per run of adjacent records), rows ordered by star id, and checks its values.
 * Per-star getEmbedding calls would cost one query each, far too slow for a million stars.
 * @throws Error naming the project when no vector has that name, or a record is truncated
 */
export async function loadEmbeddingMatrix(store: ProjectStore, name: string): Promise<EmbeddingMatrix> {
  const { starIds, dim, data } = await store.embeddingRows(name);
  return makeMatrix(name, starIds, dim, data);
}

/** A short content hash of a matrix (ids, shape and values): the key of every cache derived from it. */
export function matrixHash(m: EmbeddingMatrix): string {
  const h = createHash('sha256');
  h.update(`${m.dim}\n`);
  h.update(m.starIds.join('\n'));
  h.update(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));
  return h.digest('hex').slice(0, 16);
}

/** The folder of map caches (ANN indexes, layouts) inside a project. */
export function mapCacheDir(projectDir: string): string {
  return path.join(projectDir, 'map');
}

/** A file-name-safe form of an embedding name ('desa-v1/joint' → 'desa-v1_joint'). */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** Mean of the given rows (e.g. a selection's centroid). @throws Error on an empty selection */
export function centroidOf(m: { dim: number; data: Float32Array }, rows: ArrayLike<number>): Float32Array {
  if (rows.length === 0) throw new Error('centroid of an empty selection');
  const sum = new Float64Array(m.dim);
  for (let r = 0; r < rows.length; r++) {
    const base = rows[r] * m.dim;
    for (let j = 0; j < m.dim; j++) sum[j] += m.data[base + j];
  }
  return Float32Array.from(sum, (s) => s / rows.length);
}

/** Star id → row of the matrix (for "click a star" → its vector, neighbours and map point). */
export function starRowIndex(m: EmbeddingMatrix): Map<string, number> {
  return new Map(m.starIds.map((id, row) => [id, row]));
}
