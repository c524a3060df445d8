/**
 * The similarity index of a map built in a worker thread (prepareClicks in map-service): the index
 * lands in the project's map cache, this thread only loads it, its neighbours agree with an exact
 * scan, and this thread's event loop keeps running while the worker builds; meanwhile map.similar
 * answers at once from an exact scan, and the build runs at the lowest CPU priority.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildAnnIndexInWorker } from '../../../src/main/services/ann-index-in-worker';
import { AnnIndex, bruteForceSearch } from '../../../src/main/map/ann';
import { makeMatrix, mapCacheDir } from '../../../src/main/map/matrix';
import { gaussian, mulberry32 } from '../../../src/main/map/random';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-ann-worker-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('similarity index in a worker', () => {
  it('builds and saves the index off this thread; loaded here, it finds the exact scan\'s neighbours (recall@5 ≥ 0.95)', async () => {
    const n = 12_000;
    const dim = 8;
    const g = gaussian(mulberry32(7));
    const data = Float32Array.from({ length: n * dim }, () => g());
    const matrix = makeMatrix('f', Array.from({ length: n }, (_, i) => `KIC ${1000000 + i}`), dim, data);

    let ticks = 0;
    let longestGapMs = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
      ticks++;
    }, 10);
    try {
      await buildAnnIndexInWorker(dir, matrix);
    } finally {
      clearInterval(timer);
    }
    expect(fs.readdirSync(mapCacheDir(dir)).some((f) => f.startsWith('ann-f-') && f.endsWith('.usearch'))).toBe(true);
    // The build took hundreds of milliseconds; this thread ticked throughout (a build here would freeze it).
    expect(ticks).toBeGreaterThan(5);
    expect(longestGapMs).toBeLessThan(1000);

    const t0 = performance.now();
    const index = AnnIndex.loadOrBuild(dir, matrix);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(index.kind).toBe('hnsw');
    // HNSW is approximate: recall@5 over 30 spread rows against an exact scan.
    let hits = 0;
    const rows = Array.from({ length: 30 }, (_, i) => Math.floor(((i + 0.5) * n) / 30));
    for (const row of rows) {
      const exact = new Set(bruteForceSearch(matrix, data.subarray(row * dim, (row + 1) * dim), 5, row).map((nb) => nb.row));
      hits += index.searchRow(row, 5).filter((nb) => exact.has(nb.row)).length;
    }
    expect(hits / (rows.length * 5)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('similarity search while the index builds', () => {
  it('answers map.similar with the exact neighbours at once, not after the background build (which runs at the lowest CPU priority)', async () => {
    const n = 30_000;
    const dim = 32;
    const g = gaussian(mulberry32(11));
    const data = Float32Array.from({ length: n * dim }, () => g());
    const ids = Array.from({ length: n }, (_, i) => `KIC ${1000000 + i}`);
    const projectDir = path.join(dir, 'project');
    const { ProjectStore } = await import('../../../src/main/store/index');
    const store = await ProjectStore.create(projectDir);
    await store.putEmbeddings('f', ids.map((starId, i) => ({ starId, vector: data.slice(i * dim, (i + 1) * dim) })));
    await store.close();
    const { createServices } = await import('../../../src/main/services/index');
    const services = await createServices({ backend: 'cli', projectDir });
    try {
      const indexSaved = () => fs.existsSync(mapCacheDir(projectDir)) && fs.readdirSync(mapCacheDir(projectDir)).some((f) => f.endsWith('.usearch'));
      // Showing a column of the map starts the index build in the background (prepareClicks).
      await services.call('map.column', { embedding: 'f', column: 'embedding:f' });
      const matrix = makeMatrix('f', ids, dim, data);
      const rows = [5, 17_000, 29_999];
      for (const row of rows) {
        const found = (await services.call('map.similar', { embedding: 'f', starId: ids[row], k: 10 })).neighbours;
        expect(found.map((nb) => nb.row)).toEqual(bruteForceSearch(matrix, data.subarray(row * dim, (row + 1) * dim), 10, row).map((nb) => nb.row));
      }
      expect(indexSaved()).toBe(false);
      // The build thread runs at nice 19 (Linux: per thread), the services thread at its own priority.
      if (process.platform === 'linux') {
        const nices = () => fs.readdirSync('/proc/self/task').map((t) => {
          const stat = fs.readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        });
        let sawBackground = false;
        while (!indexSaved()) {
          sawBackground ||= nices().includes(19);
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(sawBackground).toBe(true);
        expect(os.getPriority()).toBe(0);
      }
    } finally {
      await services.close();
    }
  }, 300_000);
});
