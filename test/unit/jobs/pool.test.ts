import { describe, it, expect, afterEach } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancelledError } from '../../../src/shared/jobs';
import { WorkerPool } from '../../../src/main/jobs/pool';
import { workerUrl } from '../../../src/main/jobs/worker-url';

type Task = { op: 'squares'; n: number } | { op: 'fail'; message: string } | { op: 'crash' } | { op: 'busy'; ms: number };
type Result = { threadId: number; values: Float32Array };

const pools: WorkerPool<Task, Result>[] = [];
function makePool(size = 2): WorkerPool<Task, Result> {
  const pool = new WorkerPool<Task, Result>(workerUrl(import.meta.url, './sample'), { size });
  pools.push(pool);
  return pool;
}
afterEach(async () => { await Promise.all(pools.splice(0).map((p) => p.close())); });

describe('WorkerPool (TypeScript worker under vitest via tsx)', () => {
  it('defaults to one worker per available core', () => {
    expect(new WorkerPool(workerUrl(import.meta.url, './sample')).size).toBe(os.availableParallelism());
  });

  it('runs tasks on worker threads and returns typed arrays intact', async () => {
    const pool = makePool();
    const r = await pool.run({ op: 'squares', n: 1000 });
    expect(r.values).toBeInstanceOf(Float32Array);
    expect(r.values.length).toBe(1000);
    expect(r.values[999]).toBe(999 * 999);
    expect(r.threadId).toBeGreaterThan(0);
  });

  it('uses every worker in parallel', async () => {
    const pool = makePool(2);
    const results = await Promise.all([0, 1, 2, 3].map(() => pool.run({ op: 'busy', ms: 150 })));
    expect(new Set(results.map((r) => r.threadId)).size).toBe(2);
  });

  it('rethrows worker errors with their name and message, and survives a crashed worker', async () => {
    const pool = makePool(1);
    await expect(pool.run({ op: 'fail', message: 'x.fits: not a FITS file' })).rejects.toMatchObject({ name: 'SurveyError', message: 'x.fits: not a FITS file' });
    await expect(pool.run({ op: 'crash' })).rejects.toThrow(/exited with code 3/);
    expect((await pool.run({ op: 'squares', n: 3 })).values[2]).toBe(4);
  });

  it('mapOrdered yields results in input order with bounded look-ahead', async () => {
    const pool = makePool(2);
    let pulled = 0;
    function* inputs(): Generator<Task> {
      for (let n = 1; n <= 20; n++) { pulled++; yield n % 7 === 0 ? { op: 'fail', message: `bad ${n}` } : { op: 'squares', n }; }
    }
    const seen: number[] = [];
    for await (const r of pool.mapOrdered(inputs(), { concurrency: 3 })) {
      // Back-pressure: never more than `concurrency` inputs taken beyond what was consumed.
      expect(pulled - seen.length).toBeLessThanOrEqual(3);
      if (r.ok) seen.push(r.value.values.length);
      else { expect(r.error.message).toMatch(/^bad \d+$/); seen.push(-1); }
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => ((i + 1) % 7 === 0 ? -1 : i + 1)));
  });

  it('cancels queued work with CancelledError', async () => {
    const pool = makePool(1);
    const ac = new AbortController();
    const running = pool.run({ op: 'busy', ms: 200 }, { signal: ac.signal });
    const queued = pool.run({ op: 'squares', n: 5 }, { signal: ac.signal });
    ac.abort();
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    // The pool stays usable after a cancel.
    expect((await pool.run({ op: 'squares', n: 2 })).values[1]).toBe(1);
  });
});

describe('workerUrl', () => {
  it('points at the .ts entry from a TypeScript module', () => {
    const url = workerUrl('file:///app/src/main/ingest/ingest.ts', './parse');
    expect(url.pathname).toBe('/app/src/main/ingest/parse.worker.ts');
  });

  it('finds the built .js worker as a sibling or anywhere under out/main', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-workerurl-'));
    try {
      fs.mkdirSync(path.join(root, 'out/main/ingest'), { recursive: true });
      fs.writeFileSync(path.join(root, 'out/main/ingest/parse.worker.js'), '');
      const sibling = pathToFileURL(path.join(root, 'out/main/ingest/ingest.js')).href;
      expect(workerUrl(sibling, './parse').pathname).toBe(pathToFileURL(path.join(root, 'out/main/ingest/parse.worker.js')).pathname);
      const bundled = pathToFileURL(path.join(root, 'out/main/index.js')).href;
      expect(workerUrl(bundled, './parse').pathname).toBe(pathToFileURL(path.join(root, 'out/main/ingest/parse.worker.js')).pathname);
      expect(() => workerUrl(bundled, './missing')).toThrow(/missing\.worker\.js' not found/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
