/**
 * The similarity index of a map built in a worker thread (prepareClicks in map-service): the index
 * lands in the project's map cache, this thread only loads it, its neighbours agree with an exact
 * scan, and this thread's event loop keeps running while the worker builds.
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
