/**
 * Finding a project's cached map layout from the store's state, without loading the embedding
 * matrix. The layout cache (src/main/map/umap.ts) names its files by a hash of the whole matrix, so
 * a cache hit used to read and hash every vector first (29 s at 10^6 stars on a loaded machine,
 * most of the time to first frame). This module keeps, beside those files, an index from
 * (embedding, layout options, store signature) to the file a layout was read or written as; the
 * signature (rows under the name and the sum of their record offsets in the append-only array
 * file) changes whenever vectors are added or replaced, so a stale entry is never used.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MapLayout } from '../../shared/contract';
import { mapCacheDir } from '../map/matrix';
import type { ProjectStore } from '../store/index';

const INDEX_FILE = 'layouts-by-store-state.json';

/** The store's state of one embedding: its row count and a signature of its records; null when it has none. */
export async function embeddingSignature(store: ProjectStore, name: string): Promise<{ rows: number; signature: string } | null> {
  const sig = await store.database.one<{ n: bigint; s: bigint | null }>(
    'SELECT count(*) AS n, sum(array_offset) AS s FROM embeddings WHERE name = $1', [name],
  );
  if (!sig || Number(sig.n) === 0) return null;
  return { rows: Number(sig.n), signature: `${sig.n}:${sig.s}` };
}

/** The index key of a layout: embedding name, its options (as map.layout resolved them) and the store signature. */
export function layoutStateKey(embedding: string, options: object, signature: string): string {
  return JSON.stringify([embedding, options, signature]);
}

function readIndex(projectDir: string): Record<string, string> {
  try {
    return JSON.parse(fs.readFileSync(path.join(mapCacheDir(projectDir), INDEX_FILE), 'utf8')) as Record<string, string>;
  } catch {
    return {}; // none yet, or damaged: the slow path rebuilds it
  }
}

/** Records that the layout under `key` is the cache file `file` (atomically; entries of other states are kept). */
export function rememberLayoutFile(projectDir: string, key: string, file: string): void {
  const index = readIndex(projectDir);
  if (index[key] === path.basename(file)) return;
  index[key] = path.basename(file);
  const target = path.join(mapCacheDir(projectDir), INDEX_FILE);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(`${target}.tmp-${process.pid}`, JSON.stringify(index, null, 1));
  fs.renameSync(`${target}.tmp-${process.pid}`, target);
}

/**
 * The cached layout recorded under `key`, read with the star ids from the store (one column), or
 * null when none is recorded or its file does not hold `rows` points.
 */
export async function findLayoutByState(store: ProjectStore, projectDir: string, embedding: string, key: string, rows: number): Promise<MapLayout | null> {
  const name = readIndex(projectDir)[key];
  if (!name) return null;
  const file = path.join(mapCacheDir(projectDir), name);
  if (!fs.existsSync(file) || fs.statSync(file).size !== rows * 8 || !fs.existsSync(`${file}.json`)) return null;
  const starIds = await store.embeddingStarIds(embedding);
  if (starIds.length !== rows) return null;
  const bytes = fs.readFileSync(file);
  // Separate copies of x and y: a view would carry the whole buffer through a structured clone.
  const x = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + rows * 4));
  const y = new Float32Array(bytes.buffer.slice(bytes.byteOffset + rows * 4, bytes.byteOffset + rows * 8));
  const meta = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as { method: MapLayout['method']; fitted: number; seconds: number };
  return { embedding, starIds, x, y, method: meta.method, fitted: meta.fitted, seconds: meta.seconds, cached: true };
}
