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

  it('refuses a wrong shape or a NaN, naming the star', () => {
    expect(() => makeMatrix('f', ['a', 'b'], 2, new Float32Array(3))).toThrow(/3 values for 2 stars/);
    expect(() => makeMatrix('f', ['a', 'b'], 2, Float32Array.from([1, 2, 3, NaN]))).toThrow(/star b has a non-finite value/);
  });
});
