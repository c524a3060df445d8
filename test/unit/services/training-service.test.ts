/**
 * `train.start` as a job (startTraining): the stage trains in the training worker, the job reports
 * every step (loss terms, samples/s, ETA, the backend it ran on) and nothing before the first step
 * (the GUI reads the run folder on every event; the folder is made when the job starts), label
 * overrides reach the worker, the run registry records them, and cancel through the job registry
 * stops at a checkpoint that the next start resumes from.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JobRegistry, type JobEvent } from '../../../src/main/jobs/registry';
import { computeBackend, startTraining, type TrainRequest } from '../../../src/main/services/training-service';
import { prepareDemoProject } from '../../../src/main/pipeline/demo';
import { latestCheckpointStep } from '../../../src/main/train/checkpoint';
import type { JobProgress, JobSummary } from '../../../src/shared/jobs';
import type { TrainResult } from '../../../src/shared/training';

let out: string;
let projectDir: string;

beforeAll(async () => {
  out = mkdtempSync(path.join(os.tmpdir(), 'desa-training-service-'));
  const prepared = await prepareDemoProject({ outDir: out, stars: 24, seed: 8, quarters: 2 });
  projectDir = prepared.projectDir;
  await prepared.store.close();
}, 600_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Runs startTraining and records its progress events and final state; `onProgress` may act on them. */
async function trainJob(req: Omit<TrainRequest, 'projectDir'>, onProgress: (p: JobProgress, jobs: JobRegistry, jobId: string) => void = () => {}) {
  const jobs = new JobRegistry();
  const progress: JobProgress[] = [];
  let jobId = '';
  jobs.subscribe((e: JobEvent) => {
    if (e.type !== 'progress') return;
    progress.push(e.progress);
    onProgress(e.progress, jobs, jobId);
  });
  const started = startTraining(jobs, { projectDir, size: 'tiny', ...req });
  jobId = started.jobId;
  const result = (await started.result) as TrainResult;
  return { result, progress, summary: jobs.get(jobId) as JobSummary };
}

const TEFF_FROM_KEPLER = { catalog: 'kepler_stellar_properties.fits', column: 'TEFF' };
const config = { batchSize: 8, checkpointEvery: 2, evalEvery: 3, warmupSteps: 1, seed: 3 };

describe('train.start (startTraining)', () => {
  it('reports every step with its loss terms, samples/s, ETA and backend, and records the label overrides', async () => {
    const { result, progress, summary } = await trainJob({ stage: 'spectra', config: { ...config, steps: 6 }, labels: { teff: TEFF_FROM_KEPLER } });
    expect(summary.state).toBe('done');
    expect(result).toMatchObject({ stage: 'spectra', stepsDone: 6, stoppedBy: 'completed' });

    // Every event is a step, and the run folder exists from the first.
    expect(progress.map((p) => p.phase)).toEqual(Array(6).fill('training spectra'));
    const steps = progress;
    expect(steps.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const [i, p] of steps.entries()) {
      const report = result.history[i];
      expect(p).toMatchObject({ kind: 'train', total: 6, unit: 'steps' });
      expect(p.rate).toBeCloseTo(report.samplesPerSec! / report.batchSize, 6);
      expect(p.etaSeconds).toBe(report.etaSeconds);
      for (const term of Object.keys(report.losses).filter((k) => k !== 'total')) expect(p.message).toContain(`${term} `);
      expect(p.message).toMatch(/samples\/s on (cpu-native|wasm|cpu|webgpu|tensorflow|tensorflow-gpu)$/);
    }
    const run = JSON.parse(readFileSync(path.join(result.runDir, 'run.json'), 'utf8'));
    expect(run.provenance.labels.teff).toEqual(TEFF_FROM_KEPLER);
    expect(run.provenance.labels.logg).toEqual({ catalog: 'lamost_lrs_stellar.csv', column: 'logg' });
  }, 600_000);

  it('cancel through the job registry stops at a checkpoint; the job ends normally with the run marked cancelled', async () => {
    // The run of the test above ended at step 6; asking for 14 steps resumes it.
    const { result, summary } = await trainJob({ stage: 'spectra', config: { ...config, steps: 14 } }, (p, jobs, jobId) => {
      if (p.phase === 'training spectra' && p.done === 8) jobs.cancel(jobId);
    });
    expect(summary.state).toBe('done');
    expect(result.resumedFrom).toBe(6);
    expect(result.stoppedBy).toBe('cancelled');
    expect(result.stepsDone).toBeGreaterThanOrEqual(8);
    expect(result.stepsDone).toBeLessThan(14);
    expect(latestCheckpointStep(result.runDir)).toBe(result.stepsDone);
  }, 600_000);

  it('shows a new run at once, and fails with the label problem (leaving no run) when an override names a column the catalogue lacks', async () => {
    const jobs = new JobRegistry();
    const runDir = path.join(projectDir, 'runs', 'lightcurve-tiny');
    const started = startTraining(jobs, { projectDir, size: 'tiny', stage: 'lightcurve', config: { ...config, steps: 2 }, labels: { period: { catalog: 'rotation_periods_mrt.txt', column: 'no_such_column' } } });
    // The run's folder exists before the worker has started, so the GUI can show the run.
    expect(existsSync(runDir)).toBe(true);
    await expect(started.result).rejects.toThrow(/catalogue 'rotation_periods_mrt.txt' has no column 'no_such_column'/);
    expect(jobs.get(started.jobId)?.state).toBe('failed');
    expect(existsSync(runDir)).toBe(false);
  }, 600_000);
});

describe('model.backend (computeBackend)', () => {
  const saved = process.env.DESA_BACKEND;
  afterAll(() => {
    if (saved === undefined) delete process.env.DESA_BACKEND;
    else process.env.DESA_BACKEND = saved;
  });

  it("reports the training worker's probe, and a worker that cannot start any backend as an error, probing again afterwards", async () => {
    // A worker copies the environment when it starts, so DESA_BACKEND pins what it probes.
    process.env.DESA_BACKEND = 'tensorflow-gpu';
    await expect(computeBackend()).rejects.toThrow(/no TensorFlow\.js backend could start: tensorflow-gpu: /);
    process.env.DESA_BACKEND = 'cpu';
    const report = await computeBackend();
    expect(report).toMatchObject({ active: 'cpu', tfBackend: 'cpu', description: 'cpu' });
    expect(report.probes).toEqual([{ name: 'cpu', ok: true, detail: 'using cpu' }]);
    // Probed once per process: a later call answers from the first report.
    process.env.DESA_BACKEND = 'wasm';
    expect((await computeBackend()).active).toBe('cpu');
  }, 120_000);
});
