/**
 * map.layout answering a cached layout from the store's state, without loading the vectors: a
 * second server process finds the layout the first one computed, bit for bit, even with the
 * vectors' array file emptied (the old path, which reads every vector, would fail on it); a change
 * of the vectors changes the store signature, so a stale layout is never found.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MapLayout } from '../../../src/shared/contract';
import { createServices } from '../../../src/main/services/index';
import { embeddingSignature, findLayoutByState, layoutStateKey, rememberLayoutFile } from '../../../src/main/services/layout-by-state';
import { ProjectStore } from '../../../src/main/store/index';
import { gaussian, mulberry32 } from '../../../src/main/map/random';
import { mapCacheDir } from '../../../src/main/map/matrix';
import { jobResult } from '../../helpers/jobs';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-layout-state-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const DIM = 6;
const N = 80;
const ids = Array.from({ length: N }, (_, i) => `S${String(i).padStart(3, '0')}`);

async function project(name: string): Promise<string> {
  const dir = path.join(work, name);
  const g = gaussian(mulberry32(3));
  const store = await ProjectStore.create(dir);
  await store.putEmbeddings('f', ids.map((starId, i) => ({ starId, vector: Float32Array.from({ length: DIM }, () => (i < N / 2 ? 0 : 6) + g()) })));
  await store.close();
  return dir;
}

const bits = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('cached layouts by store state', () => {
  it('a new server answers the layout the last one computed without reading the vectors', async () => {
    const dir = await project('p1');
    const first = await createServices({ backend: 'cli', projectDir: dir, settingsDir: null });
    const computed = await jobResult<MapLayout>(first, first.call('map.layout', { embedding: 'f', nEpochs: 50 }));
    expect(computed.cached).toBe(false);
    await first.close();

    // Empty the vectors' file: only the store's rows and the cached layout remain readable.
    const arrays = path.join(dir, 'arrays');
    for (const f of fs.readdirSync(arrays)) fs.truncateSync(path.join(arrays, f), 0);
    const second = await createServices({ backend: 'cli', projectDir: dir, settingsDir: null });
    try {
      const again = await jobResult<MapLayout>(second, second.call('map.layout', { embedding: 'f', nEpochs: 50 }));
      expect(again.cached).toBe(true);
      expect(again.starIds).toEqual(ids);
      expect(bits(again.x).equals(bits(computed.x))).toBe(true);
      expect(bits(again.y).equals(bits(computed.y))).toBe(true);
      expect(again.method).toBe(computed.method);
      // Other options are another layout: that one needs the vectors, and says they are truncated.
      await expect(jobResult(second, second.call('map.layout', { embedding: 'f', nEpochs: 60 }))).rejects.toThrow(/truncated/);
    } finally {
      await second.close();
    }
  });

  it('finds nothing once the vectors change, or when the file does not hold every point', async () => {
    const dir = await project('p2');
    const store = await ProjectStore.open(dir);
    try {
      const before = (await embeddingSignature(store, 'f'))!;
      expect(before.rows).toBe(N);
      const file = path.join(mapCacheDir(dir), 'umap-f-test.f32');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, Buffer.from(Float32Array.from({ length: 2 * N }, (_, i) => i).buffer));
      fs.writeFileSync(`${file}.json`, JSON.stringify({ method: 'umap-js', fitted: N, seconds: 1 }));
      const key = layoutStateKey('f', { nEpochs: 50 }, before.signature);
      rememberLayoutFile(dir, key, file);
      const found = (await findLayoutByState(store, dir, 'f', key, N))!;
      expect(Array.from(found.x.slice(0, 3))).toEqual([0, 1, 2]);
      expect(Array.from(found.y.slice(0, 3))).toEqual([N, N + 1, N + 2]);
      expect(await findLayoutByState(store, dir, 'f', layoutStateKey('f', { nEpochs: 60 }, before.signature), N)).toBeNull();

      await store.putEmbeddings('f', [{ starId: ids[7], vector: new Float32Array(DIM) }]);
      const after = (await embeddingSignature(store, 'f'))!;
      expect(after.signature).not.toBe(before.signature);
      expect(await findLayoutByState(store, dir, 'f', layoutStateKey('f', { nEpochs: 50 }, after.signature), N)).toBeNull();

      fs.truncateSync(file, 8 * N - 4);
      expect(await findLayoutByState(store, dir, 'f', key, N)).toBeNull();
    } finally {
      await store.close();
    }
  });
});
