/**
 * `map.classify` as a job: it answers with a job id at once, reports progress per cross-validation
 * fold, final fit and scoring block (with the Gaussian mixtures' EM iterations as messages), ends
 * with the classification, and a cancel in the middle of the run ends it as 'cancelled' with no
 * column written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../../../src/main/map/random';
import { createServices, type DesaServices } from '../../../src/main/services/index';
import { ProjectStore } from '../../../src/main/store/index';
import type { JobProgress } from '../../../src/shared/jobs';
import type { MapClassifyResult } from '../../../src/shared/contract';
import { jobDone } from '../../helpers/jobs';

const DIM = 12;
let work: string;
let services: DesaServices;
let n: number;

/** Two classes: class 0 around the origin, class 1 shifted by 10σ along every axis; each a mixture of a few blobs. */
function twoPopulations(perClass: number, seed: number): Float32Array {
  const g = gaussian(mulberry32(seed));
  const X = new Float32Array(2 * perClass * DIM);
  for (let i = 0; i < 2 * perClass; i++) {
    const shift = (i % 2) * 10 + (i % 6) * 0.7; // rows 0, 2, 4… are class 0; sub-blobs make EM work
    for (let j = 0; j < DIM; j++) X[i * DIM + j] = g() + shift * (j % 3 === i % 3 ? 1.5 : 1);
  }
  return X;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-classify-job-'));
  const perClass = 3000;
  n = 2 * perClass;
  const X = twoPopulations(perClass, 21);
  const store = await ProjectStore.create(path.join(work, 'project'));
  await store.putEmbeddings('f', Array.from({ length: n }, (_, i) => ({ starId: `S${String(i).padStart(5, '0')}`, vector: X.slice(i * DIM, (i + 1) * DIM) })));
  await store.close();
  services = await createServices({ backend: 'cli', projectDir: path.join(work, 'project') });
}, 120_000);

afterAll(async () => {
  await services?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Every progress event of `jobId` (subscribed before the job can report). */
function progressOf(jobId: () => string | null): JobProgress[] {
  const seen: JobProgress[] = [];
  services.on('job.progress', (p) => { if (p.jobId === jobId()) seen.push(p); });
  return seen;
}

const labelled = (count: number): { label: string; rows: number[] }[] => [
  { label: 'zero', rows: Array.from({ length: count }, (_, i) => 2 * i) },
  { label: 'one', rows: Array.from({ length: count }, (_, i) => 2 * i + 1) },
];

describe('map.classify job', () => {
  it('reports folds, the final fit, scoring and EM iterations, and ends with the classification', async () => {
    let id: string | null = null;
    const progress = progressOf(() => id);
    const { jobId } = await services.call('map.classify', {
      embedding: 'f', name: 'two populations', folds: 3, classes: labelled(300),
      classifier: { kind: 'gmm', covariance: 'diag', componentsPerClass: 2 },
    });
    id = jobId;
    const done = await jobDone(services, jobId);
    expect(done.state).toBe('done');
    const result = done.result as MapClassifyResult;
    // 10σ apart: every held-out star is classified right.
    expect(result.accuracy).toBe(1);
    expect(result.foldAccuracies).toHaveLength(3);
    const total = 3 + 1 + 1; // folds, final fit, one scoring block of ≤ 8192 stars
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.total === total && p.unit === 'steps')).toBe(true);
    const phases = [...new Set(progress.map((p) => p.phase))];
    expect(phases).toEqual(['cross-validation (3 folds)', 'fitting on every labelled star', 'scoring every star']);
    for (let i = 1; i < progress.length; i++) expect(progress[i].done).toBeGreaterThanOrEqual(progress[i - 1].done);
    expect(progress.at(-1)!.done).toBe(total);
    const columns = (await services.call('map.columns', {})).columns.map((c) => c.id);
    expect(columns).toEqual(expect.arrayContaining(result.columns));
    const predicted = await services.call('map.column', { embedding: 'f', column: result.columns[0] });
    if (predicted.kind !== 'categorical') throw new Error('expected a categorical column');
    // Unlabelled stars too: row parity is the class.
    expect(Array.from(predicted.codes).every((c, row) => c === row % 2)).toBe(true);
  }, 120_000);

  it('a cancel during cross-validation ends the job as cancelled and writes no column', async () => {
    let id: string | null = null;
    const progress = progressOf(() => id);
    const { jobId } = await services.call('map.classify', {
      embedding: 'f', name: 'cancelled run', folds: 5, classes: labelled(3000),
      classifier: { kind: 'gmm', covariance: 'full', componentsPerClass: 6 },
    });
    id = jobId;
    // Cancel as soon as EM is seen running inside the first folds.
    const cancelled = new Promise<void>((resolve) => {
      const off = services.on('job.progress', (p) => {
        if (p.jobId === jobId && p.message?.includes('EM iteration')) {
          off();
          void services.call('jobs.cancel', { jobId }).then(() => resolve());
        }
      });
    });
    const done = await jobDone(services, jobId);
    await cancelled;
    expect(done.state).toBe('cancelled');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.done).toBeLessThan(progress.at(-1)!.total!);
    const columns = (await services.call('map.columns', {})).columns.map((c) => c.id);
    expect(columns.filter((c) => c.startsWith('derived:cancelled'))).toEqual([]);
    const folder = path.join(work, 'project', 'map', 'columns');
    expect(fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.startsWith('cancelled')) : []).toEqual([]);
    await expect(services.call('map.column', { embedding: 'f', column: 'derived:cancelled_run' })).rejects.toThrow(/no derived column/);
  }, 120_000);

  it('bad input fails the request itself, naming the problem', async () => {
    await expect(services.call('map.classify', { embedding: 'f', name: 'x', classes: [{ label: 'a', rows: [0] }, { label: 'b', rows: [1, 3] }] }))
      .rejects.toThrow(/class 'a' has 1 star/);
  });
});
