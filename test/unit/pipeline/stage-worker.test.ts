/**
 * Training through the training worker (StageWorker) on a small demo-survey project: the compute
 * runs on another thread (this thread's event loop keeps ticking during a step), it gives the same
 * weights as training on this thread for the same seed, and cancel and resume work through the
 * worker, gracefully (checkpoint at the step reached) and by termination (the last checkpoint on
 * disk stays valid).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { prepareDemoProject, DEMO_LABELS } from '../../../src/main/pipeline/demo';
import { inProcessRunner, runDirOf, type StageContext } from '../../../src/main/pipeline/stages';
import { StageWorker } from '../../../src/main/pipeline/stage-worker';
import { selectBackend } from '../../../src/main/model/backend/select';
import { latestCheckpointStep } from '../../../src/main/train/checkpoint';
import type { ProjectStore } from '../../../src/main/store';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig, type TrainStepReport } from '../../../src/shared/training';
import { CancelledError } from '../../../src/shared/jobs';
import { expectSameRun } from '../../helpers/run-state';

const STEPS = 12;
const CONFIG: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, steps: STEPS, batchSize: 16, checkpointEvery: 2, evalEvery: 4, warmupSteps: 2, seed: 11 };
const BACKENDS = ['cpu-native', 'cpu'] as const;

let out: string;
let projectDir: string;
let store: ProjectStore;
const workers: StageWorker[] = [];

const context = (extra: Partial<StageContext> = {}): StageContext => ({ store, projectDir, size: 'tiny', labels: DEMO_LABELS, ...extra });
const runDir = () => runDirOf({ projectDir, size: 'tiny' }, 'spectra');
/** Moves the spectra run aside under `name`, so the next run starts fresh; returns its new folder. */
function keepRun(name: string): string {
  const kept = path.join(out, name);
  renameSync(runDir(), kept);
  return kept;
}
function newWorker(opts: ConstructorParameters<typeof StageWorker>[0] = {}): StageWorker {
  const w = new StageWorker({ backends: [...BACKENDS], ...opts });
  workers.push(w);
  return w;
}


/** Records how late a 5 ms interval timer fires on this thread (ms past its due time). */
function loopProbe() {
  const every = 5;
  let last = performance.now();
  const lateness: number[] = [];
  const timer = setInterval(() => {
    const now = performance.now();
    lateness.push(now - last - every);
    last = now;
  }, every);
  return () => {
    clearInterval(timer);
    return lateness;
  };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/**
 * Step reports with the time each arrived, the median time between steps, and the lateness of this
 * thread's timer from the first step report to the last (so reading the data does not count).
 */
function stepClock() {
  const times: number[] = [];
  const reports: TrainStepReport[] = [];
  let stopProbe: (() => number[]) | null = null;
  let lateness: number[] = [];
  return {
    onStep: (_stage: string, r: TrainStepReport) => {
      times.push(performance.now());
      reports.push(r);
      if (r.step === 1) stopProbe = loopProbe();
      if (r.step === r.totalSteps && stopProbe) lateness = stopProbe();
    },
    reports,
    lateness: () => lateness,
    medianStepMs: () => median(times.slice(1).map((t, i) => t - times[i])),
  };
}

let reference: string;
let inProcessLateness: number[];
let inProcessStepMs: number;

beforeAll(async () => {
  out = mkdtempSync(path.join(os.tmpdir(), 'desa-stage-worker-'));
  ({ projectDir, store } = await prepareDemoProject({ outDir: out, stars: 24, seed: 5, quarters: 2 }));
  // The reference: the same stage trained on this thread, as before the worker existed.
  await selectBackend([...BACKENDS]);
  const clock = stepClock();
  const r = await inProcessRunner.train(context({ onStep: clock.onStep }), 'spectra', CONFIG);
  inProcessLateness = clock.lateness();
  inProcessStepMs = clock.medianStepMs();
  expect(r.stoppedBy).toBe('completed');
  reference = keepRun('reference');
}, 600_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await store?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('StageWorker', () => {
  it('trains on another thread while this thread keeps ticking, to the same weights as training on this thread', async () => {
    let backend = '';
    const worker = newWorker({ onBackend: (b) => (backend = b.active) });
    const clock = stepClock();
    const r = await worker.train(context({ onStep: clock.onStep }), 'spectra', CONFIG);
    const lateness = clock.lateness();

    expect(worker.threadId).not.toBeNull();
    expect(worker.threadId).not.toBe(threadId);
    expect(backend).toBe('cpu-native');
    expect(r).toMatchObject({ stage: 'spectra', stepsDone: STEPS, stoppedBy: 'completed', resumedFrom: null });
    // Progress: every step, with every loss term, samples/s and ETA.
    expect(clock.reports.map((s) => s.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    for (const s of clock.reports) {
      expect(Object.keys(s.losses).length).toBeGreaterThan(1);
      expect(s.samplesPerSec).toBeGreaterThan(0);
      expect(s.etaSeconds).toBeGreaterThanOrEqual(0);
    }
    // On this thread a step blocks the loop: the timer fires once per step, a whole step late.
    // Through the worker it keeps firing during steps, typically far less than a step late.
    expect(inProcessLateness.length).toBeGreaterThan(0);
    expect(median(inProcessLateness)).toBeGreaterThan(inProcessStepMs / 2);
    expect(lateness.length).toBeGreaterThan(3 * STEPS);
    expect(median(lateness)).toBeLessThan(clock.medianStepMs() / 4);

    expectSameRun(runDir(), reference, STEPS);
    keepRun('worker');
  }, 600_000);

  it('cancel stops the worker at the next step with a checkpoint there; training again resumes to the uninterrupted result', async () => {
    const worker = newWorker();
    const controller = new AbortController();
    const r = await worker.train(context({ signal: controller.signal, onStep: (_s, rep) => { if (rep.step === 5) controller.abort('test cancel'); } }), 'spectra', CONFIG);
    expect(r.stoppedBy).toBe('cancelled');
    expect(r.stepsDone).toBeGreaterThanOrEqual(5);
    expect(r.stepsDone).toBeLessThan(STEPS);
    expect(latestCheckpointStep(runDir())).toBe(r.stepsDone);
    const registry = JSON.parse(readFileSync(path.join(runDir(), 'run.json'), 'utf8'));
    expect(registry.result).toMatchObject({ stoppedBy: 'cancelled', stepsDone: r.stepsDone });
    expect(registry.provenance.stars).toBe((await store.counts()).stars);

    // The same worker takes the next job.
    const resumed = await worker.train(context(), 'spectra', CONFIG);
    expect(resumed).toMatchObject({ stoppedBy: 'completed', resumedFrom: r.stepsDone, stepsDone: STEPS });
    expectSameRun(runDir(), reference, STEPS);
    keepRun('cancelled');
  }, 600_000);

  it('a worker that does not stop within the grace time is terminated, and the checkpoint it left resumes to the same result', async () => {
    const worker = newWorker({ cancelGraceMs: 0 });
    const controller = new AbortController();
    const cancelled = worker.train(context({ signal: controller.signal, onStep: (_s, rep) => { if (rep.step === 3) controller.abort('test cancel'); } }), 'spectra', CONFIG);
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    expect(worker.threadId).toBeNull();
    const left = latestCheckpointStep(runDir());
    expect(left).toBeGreaterThanOrEqual(2);
    expect(left).toBeLessThan(STEPS);

    const resumed = await newWorker().train(context(), 'spectra', CONFIG);
    expect(resumed).toMatchObject({ stoppedBy: 'completed', resumedFrom: left, stepsDone: STEPS });
    expectSameRun(runDir(), reference, STEPS);
    keepRun('terminated');
  }, 600_000);

  it("rejects with the stage's own error message when the stage fails in the worker", async () => {
    const worker = newWorker();
    await expect(worker.train(context(), 'dualformer', CONFIG)).rejects.toThrow(/stage 'spectra' has no trained model in .*spectra-tiny; run that stage first/);
    expect(existsSync(runDirOf({ projectDir, size: 'tiny' }, 'dualformer'))).toBe(false);
  }, 600_000);
});
