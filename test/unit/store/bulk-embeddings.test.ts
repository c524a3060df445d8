/**
 * Bulk writes of the store (appender, one write of the array file): tens of thousands of embedding
 * vectors, replaced in part by a second batch, read back bit for bit both one by one and as the
 * map's matrix; bit patterns JSON could not carry (NaN payloads, -0, denormals) survive.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProjectStore } from '../../../src/main/store/index';
import { loadEmbeddingMatrix } from '../../../src/main/map/matrix';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

const DIM = 16;
const N = 20_000;
const starId = (i: number): string => `KIC ${1000000 + i}`;

/**
 * Deterministic vectors: an LCG's bits as float32 with the exponent kept below all-ones (so finite,
 * as the map's matrix requires, yet every sign, exponent and mantissa class occurs), plus -0 and a denormal.
 */
function vectors(n: number, seed: number): Float32Array[] {
  let state = seed >>> 0;
  return Array.from({ length: n }, (_, i) => {
    const bits = new Uint32Array(DIM);
    for (let j = 0; j < DIM; j++) bits[j] = (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) & 0xff7fffff;
    const v = new Float32Array(bits.buffer);
    if (i === 3) v.set([-0, 1.401298464324817e-45]);
    return v;
  });
}

const bytes = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

describe('bulk embeddings', () => {
  it('stores 20,000 vectors in two batches (the second replacing 5,000) and reads every bit back', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'desa-bulk-')), 'project');
    dirs.push(path.dirname(dir));
    const store = await ProjectStore.create(dir);
    try {
      const first = vectors(N, 1);
      await store.putEmbeddings('f', first.map((vector, i) => ({ starId: starId(i), vector })));
      // Stars 15,000..19,999 get new vectors; 20,000..24,999 are new.
      const second = vectors(10_000, 2);
      await store.putEmbeddings('f', second.map((vector, k) => ({ starId: starId(15_000 + k), vector })));
      const expected = (i: number): Float32Array => (i < 15_000 ? first[i] : second[i - 15_000]);

      const counts = await store.database.all<{ n: bigint; ids: bigint }>("SELECT count(*) AS n, count(DISTINCT star_id) AS ids FROM embeddings WHERE name = 'f'");
      expect(Number(counts[0].n)).toBe(25_000);
      expect(Number(counts[0].ids)).toBe(25_000);

      for (const i of [0, 3, 14_999, 15_000, 19_999, 24_999]) {
        expect(bytes((await store.getEmbedding(starId(i), 'f'))!).equals(bytes(expected(i)))).toBe(true);
      }
      // The matrix reader sorts by star id, which for these equal-length ids is index order.
      const matrix = await loadEmbeddingMatrix(store, 'f');
      expect(matrix.starIds).toHaveLength(25_000);
      const all = Buffer.concat(Array.from({ length: 25_000 }, (_, i) => bytes(expected(i))));
      expect(bytes(matrix.data).equals(all)).toBe(true);

      // Non-finite values (a NaN with a payload, -Infinity) are stored as they are, too.
      const odd = new Float32Array(new Uint32Array([0x7fc00abc, 0xff800000, 0x80000000, 1]).buffer);
      await store.putEmbeddings('g', [{ starId: starId(0), vector: odd }]);
      expect(bytes((await store.getEmbedding(starId(0), 'g'))!).equals(bytes(odd))).toBe(true);
    } finally {
      await store.close();
    }
  });
});
