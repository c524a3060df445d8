/**
 * Embedding matrices: every star's vector under one embedding name as one row-major Float32Array
 * (what the ANN index, UMAP and classifiers consume), with the star ids in row order.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ARRAYS_DIR, type ProjectStore } from '../store/index';

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
 * Loads every vector stored under `name` in one pass (one query for the record positions, then
 * sequential reads of arrays/embeddings.bin), rows ordered by star id. Per-star getEmbedding
 * calls would cost one query each, far too slow for a million stars.
 * @throws Error naming the project when no vector has that name, or a record is truncated
 */
export async function loadEmbeddingMatrix(store: ProjectStore, name: string): Promise<EmbeddingMatrix> {
  // The store's only public handle is its writer connection: queue the read as a transaction so
  // it never interleaves with (or sees half of) a batch being written.
  const db = store.database;
  const rows = await db.transaction(() =>
    db.all<{ star_id: string; dim: number; array_file: string; array_offset: bigint | number; array_length: bigint | number }>(
      'SELECT star_id, dim, array_file, array_offset, array_length FROM embeddings WHERE name = $1 ORDER BY star_id',
      [name],
    ),
  );
  if (rows.length === 0) throw new Error(`${store.dir}: no embeddings named '${name}'`);
  const dim = rows[0].dim;
  const data = new Float32Array(rows.length * dim);
  const bytes = new Uint8Array(data.buffer);
  const fds = new Map<string, number>();
  try {
    rows.forEach((r, i) => {
      const length = Number(r.array_length);
      if (r.dim !== dim || length !== dim * 4) {
        throw new Error(`${store.dir}: embedding '${name}' of ${r.star_id} has ${length / 4} values, expected ${dim}`);
      }
      let fd = fds.get(r.array_file);
      if (fd === undefined) {
        fd = fs.openSync(path.join(store.dir, ARRAYS_DIR, r.array_file), 'r');
        fds.set(r.array_file, fd);
      }
      const got = fs.readSync(fd, bytes, i * length, length, Number(r.array_offset));
      if (got !== length) throw new Error(`${store.dir}: embedding '${name}' of ${r.star_id} is truncated in ${r.array_file}`);
    });
  } finally {
    for (const fd of fds.values()) fs.closeSync(fd);
  }
  return makeMatrix(name, rows.map((r) => r.star_id), dim, data);
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
