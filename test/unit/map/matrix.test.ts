import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectStore } from '../../../src/main/store/index';
import { loadEmbeddingMatrix, makeMatrix } from '../../../src/main/map/matrix';

describe('embedding matrix', () => {
  it('loads every vector of one name from the project store, ordered by star id, bit for bit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-matrix-'));
    const store = await ProjectStore.create(dir);
    try {
      const rows = ['kic-3', 'kic-1', 'kic-2'].map((starId, i) => ({ starId, vector: Float32Array.from([i + 0.1, -i, Math.PI * i]) }));
      await store.putEmbeddings('z1', rows);
      await store.putEmbeddings('z2', [{ starId: 'kic-1', vector: new Float32Array(5) }]);
      const m = await loadEmbeddingMatrix(store, 'z1');
      expect(m.starIds).toEqual(['kic-1', 'kic-2', 'kic-3']);
      expect(m.dim).toBe(3);
      for (const [r, id] of m.starIds.entries()) {
        expect(Array.from(m.data.subarray(r * 3, r * 3 + 3))).toEqual(Array.from((await store.getEmbedding(id, 'z1')) as Float32Array));
      }
      await expect(loadEmbeddingMatrix(store, 'p9')).rejects.toThrow(/no embeddings named 'p9'/);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads runs of adjacent records at once, and records scattered by replacement or order, bit for bit; a truncated file is named', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-matrix-runs-'));
    const store = await ProjectStore.create(dir);
    try {
      const dim = 7;
      const vector = (i: number, version: number) => Float32Array.from({ length: dim }, (_, j) => Math.sin(i * 13 + j) * 1e3 + version);
      const id = (i: number) => `S${String(i).padStart(4, '0')}`;
      // 300 stars written in id order (one run), then a third replaced in reverse order and 50 new ones appended.
      await store.putEmbeddings('f', Array.from({ length: 300 }, (_, i) => ({ starId: id(i), vector: vector(i, 0) })));
      const replaced = Array.from({ length: 100 }, (_, k) => 297 - 3 * k);
      await store.putEmbeddings('f', replaced.map((i) => ({ starId: id(i), vector: vector(i, 1) })));
      await store.putEmbeddings('f', Array.from({ length: 50 }, (_, k) => ({ starId: id(300 + k), vector: vector(300 + k, 2) })));
      const m = await loadEmbeddingMatrix(store, 'f');
      expect(m.starIds).toEqual(Array.from({ length: 350 }, (_, i) => id(i)));
      for (const [r, starId] of m.starIds.entries()) {
        expect(Array.from(m.data.subarray(r * dim, (r + 1) * dim))).toEqual(Array.from((await store.getEmbedding(starId, 'f')) as Float32Array));
      }
      expect(Array.from(m.data.subarray(297 * dim, 298 * dim))).toEqual(Array.from(vector(297, 1)));
      // Cut the array file inside the last record: the error names the star and the file.
      const file = path.join(dir, 'arrays', fs.readdirSync(path.join(dir, 'arrays')).find((f) => f.startsWith('embeddings'))!);
      fs.truncateSync(file, fs.statSync(file).size - 4);
      await expect(loadEmbeddingMatrix(store, 'f')).rejects.toThrow(new RegExp(`embedding 'f' of ${id(349)} is truncated in embeddings`));
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a wrong shape or a NaN, naming the star', () => {
    expect(() => makeMatrix('f', ['a', 'b'], 2, new Float32Array(3))).toThrow(/3 values for 2 stars/);
    expect(() => makeMatrix('f', ['a', 'b'], 2, Float32Array.from([1, 2, 3, NaN]))).toThrow(/star b has a non-finite value/);
  });
});
