/**
 * Training on WebGPU in Node (Dawn on Chromium's SwiftShader Vulkan driver, the only adapter this machine
 * has): the real trainer (src/main/train/trainer.ts) trains the `tiny` spectra encoder on real LAMOST
 * spectra with AdamW from the same seed and initial weights on webgpu, on tfjs's plain cpu backend (the
 * reference) and on tfjs's wasm backend (a second float32 implementation, to measure how far two correct
 * implementations drift apart), and each run's checkpoint is then resumed on cpu. WebGPU must stay as
 * close to cpu as wasm does (see the tolerances below).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tf } from '../../../src/main/model/tf';
import { selectBackend } from '../../../src/main/model/backend/select';
import { exportStateDict, setInitSeed, type StateDict } from '../../../src/main/model/params';
import { readSurveyFile } from '../../../src/main/survey';
import { readCatalog, getColumn } from '../../../src/main/catalog';
import { buildSpectraDataset } from '../../../src/main/train/datasets/spectra';
import { spectraStage, type SpectraDataset } from '../../../src/main/train/stages/spectra';
import { train } from '../../../src/main/train/trainer';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig, type TrainResult } from '../../../src/shared/training';
import type { Spectrum } from '../../../src/shared/survey';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const real = path.resolve(repoRoot, '../shared/data/real');
/** Debian's chromium package ships SwiftShader as a Vulkan driver (scripts/test-all.sh installs chromium). */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Half the run trains on webgpu and checkpoints; the cpu resume trains the other half. */
const HALF = 2;
const config = (steps: number): TrainConfig => ({
  ...DEFAULT_TRAIN_CONFIG, steps, batchSize: 4, checkpointEvery: HALF, evalEvery: HALF, warmupSteps: 1, seed: 7,
});
const INIT_SEED = 11;

/** Twelve real LAMOST DR10 spectra with Teff, logg and [Fe/H] from the shipped AFG table, as the trainer tests use. */
async function lamostDataset(): Promise<SpectraDataset> {
  const files = readdirSync(path.join(real, 'lamost')).filter((f) => f.startsWith('spec-') && f.endsWith('.fits.gz')).sort().slice(0, 12);
  const spectra = (await Promise.all(files.map((f) => readSurveyFile(path.join(real, 'lamost', f))))) as Spectrum[];
  const catalog = await readCatalog(path.join(real, 'other', 'AFG_merged_params.csv'));
  const col = (name: string) => getColumn(catalog, name).values as ArrayLike<unknown>;
  const row = new Map<string, number>();
  const obsids = col('obsid');
  for (let i = 0; i < catalog.nrows; i++) row.set(String(obsids[i]), i);
  return buildSpectraDataset(spectra, (s) => {
    const i = s.obsid !== null ? row.get(s.obsid) : undefined;
    return i === undefined ? null : { teff: Number(col('teff')[i]), logg: Number(col('logg')[i]), feh: Number(col('feh')[i]) };
  }, 1024);
}

/** Builds the tiny spectra stage with weights from `initSeed` on the active backend and trains it into runDir. */
async function trainTiny(data: SpectraDataset, steps: number, runDir: string, initSeed = INIT_SEED): Promise<{ result: TrainResult; initial: StateDict; trainable: Set<string> }> {
  setInitSeed(initSeed);
  const stage = spectraStage(data, { size: 'tiny', validationFraction: 0.25 });
  try {
    const initial = await exportStateDict(stage.model);
    const byVariable = new Map([...stage.model.namedState()].map(([name, v]) => [v, name]));
    const trainable = new Set(stage.trainable.map((v) => byVariable.get(v)!));
    return { result: await train(stage, config(steps), { runDir }), initial, trainable };
  } finally {
    stage.model.dispose();
  }
}

/** The model tensors of a run's checkpoint at `step`, by state-dict name (the format of checkpoint.ts). */
function checkpointTensors(runDir: string, step: number): Map<string, Float32Array> {
  const dir = path.join(runDir, 'checkpoints', `step-${String(step).padStart(7, '0')}`);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { tensors: { name: string; offset: number; length: number }[] };
  const buf = readFileSync(path.join(dir, 'arrays.f32'));
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  return new Map(manifest.tensors.map((t) => [t.name, all.slice(t.offset, t.offset + t.length)]));
}

const savedEnv = { ...process.env };
beforeAll(() => {
  if (!existsSync(SWIFTSHADER_ICD)) throw new Error(`${SWIFTSHADER_ICD} is missing: apt-get install chromium`);
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  delete process.env.DESA_BACKEND;
  delete process.env.DESA_WEBGPU_FLAGS;
  // The reference is tfjs's own cpu backend, whether or not the native kernels are built.
  process.env.DESA_NATIVE_KERNELS = '0';
});
afterAll(async () => {
  process.env = savedEnv;
  await tf.setBackend('cpu');
});

/**
 * Tolerances, float32 throughout. Backends sum in different orders, so one forward pass agrees to ~4e-7
 * and one gradient to ~3e-4 of its scale (webgpu.test.ts). AdamW then divides each gradient element by
 * its own running RMS, so an element whose gradient is rounding noise (exactly zero on one backend, 1e-12
 * on another: weights that only meet zero-padded input, a bias in front of a BatchNorm) moves by ±lr or
 * not at all depending on that noise. Weights therefore drift apart by an amount that fixed float32
 * bounds do not predict, and does so between any two correct implementations. The bound is measured, not
 * assumed: every discrepancy of webgpu from cpu must be at most DRIFT_FACTOR times the same discrepancy of
 * wasm from cpu (or below a float32 floor, where wasm happens to agree almost exactly).
 */
const DRIFT_FACTOR = 3;
const FLOOR = { loss: 1e-5, updates: 1e-3, buffers: 1e-5 };

type Tensors = Map<string, Float32Array>;

/** Relative 2-norm difference of the trainable weights' changes from `initial`. */
function updateDifference(got: Tensors, want: Tensors, initial: StateDict, trainable: Set<string>): number {
  let diff = 0, norm = 0;
  for (const name of trainable) {
    const g = got.get(name)!, w = want.get(name)!, w0 = initial.get(name)!.data as Float32Array;
    for (let i = 0; i < w.length; i++) {
      diff += (g[i] - w[i]) ** 2;
      norm += (w[i] - w0[i]) ** 2;
    }
  }
  return Math.sqrt(diff / norm);
}

/** Worst difference of the non-trainable state (running statistics), relative to each tensor's largest value. */
function bufferDifference(got: Tensors, want: Tensors, trainable: Set<string>): { worst: number; name: string } {
  let worst = { worst: 0, name: '' };
  for (const [name, w] of want) {
    if (trainable.has(name)) continue;
    const g = got.get(name)!;
    const scale = Math.max(1e-12, ...Array.from(w, Math.abs));
    for (let i = 0; i < w.length; i++) {
      const d = Math.abs(g[i] - w[i]) / scale;
      if (!(d <= worst.worst)) worst = { worst: d, name };
    }
  }
  return worst;
}

/** Worst relative difference between two loss series (NaN counts as a failure). */
function lossDifference(got: number[], want: number[]): number {
  const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i]) / Math.abs(want[i])));
  return Number.isNaN(worst) ? Number.POSITIVE_INFINITY : worst;
}

type Backend = 'cpu' | 'wasm' | 'webgpu';
interface Run { first: Awaited<ReturnType<typeof trainTiny>>; resumed: Awaited<ReturnType<typeof trainTiny>>; dir: string }

/** HALF steps on `backend` (checkpoint at HALF), then resumed on cpu to 2·HALF from a model of another seed. */
async function trainThenResumeOnCpu(data: SpectraDataset, backend: Backend, dir: string): Promise<Run> {
  const r = await selectBackend([backend], { syncReads: false });
  expect(r.active, r.probes[0].detail).toBe(backend);
  const first = await trainTiny(data, HALF, dir);
  expect(tf.getBackend()).toBe(backend);
  expect(first.result).toMatchObject({ stepsDone: HALF, stoppedBy: 'completed' });
  expect((await selectBackend(['cpu'])).active).toBe('cpu');
  const resumed = await trainTiny(data, 2 * HALF, dir, INIT_SEED + 1);
  expect(resumed.result).toMatchObject({ resumedFrom: HALF, stepsDone: 2 * HALF, stoppedBy: 'completed' });
  return { first, resumed, dir };
}

/** How far a run is from the cpu run, at the checkpoint written on its own backend and after the cpu resume. */
function discrepancies(run: Run, cpu: Run): Record<string, number> {
  const losses = (res: TrainResult) => res.history.flatMap((h) => [...Object.values(h.losses), ...(h.validation ? [h.validation.total] : [])]);
  const { initial, trainable } = cpu.first;
  const at = (step: number) => [checkpointTensors(run.dir, step), checkpointTensors(cpu.dir, step)] as const;
  const [gotHalf, wantHalf] = at(HALF), [gotEnd, wantEnd] = at(2 * HALF);
  return {
    'losses, steps 1-2': lossDifference(losses(run.first.result), losses(cpu.first.result)),
    'weight updates, step 2': updateDifference(gotHalf, wantHalf, initial, trainable),
    'running statistics, step 2': bufferDifference(gotHalf, wantHalf, trainable).worst,
    'losses, steps 3-4 (resumed on cpu)': lossDifference(losses(run.resumed.result).slice(losses(run.first.result).length), losses(cpu.resumed.result).slice(losses(cpu.first.result).length)),
    'weight updates, step 4': updateDifference(gotEnd, wantEnd, initial, trainable),
    'running statistics, step 4': bufferDifference(gotEnd, wantEnd, trainable).worst,
  };
}

describe('training on WebGPU in Node (SwiftShader)', () => {
  it('trains the tiny spectra encoder as close to the cpu backend as wasm does, and its checkpoint resumes on cpu', async () => {
    const data = await lamostDataset();
    const base = mkdtempSync(path.join(os.tmpdir(), 'desa-webgpu-train-'));
    const cpu = await trainThenResumeOnCpu(data, 'cpu', path.join(base, 'cpu'));
    const wasm = await trainThenResumeOnCpu(data, 'wasm', path.join(base, 'wasm'));
    const webgpu = await trainThenResumeOnCpu(data, 'webgpu', path.join(base, 'webgpu'));

    // Same seed, same initial weights, bit for bit (initialisers draw from a JS generator).
    for (const [name, t] of cpu.first.initial) expect(webgpu.first.initial.get(name)!.data, name).toEqual(t.data);
    expect(cpu.first.trainable.size).toBeGreaterThan(50);
    expect(webgpu.first.result.history.map((h) => h.step)).toEqual([1, 2]);
    expect(webgpu.first.result.history[HALF - 1].validation).toBeDefined();

    const fromWasm = discrepancies(wasm, cpu), fromWebGpu = discrepancies(webgpu, cpu);
    for (const [what, gpu] of Object.entries(fromWebGpu)) {
      const floor = what.startsWith('losses') ? FLOOR.loss : what.startsWith('weight') ? FLOOR.updates : FLOOR.buffers;
      const bound = Math.max(DRIFT_FACTOR * fromWasm[what], floor);
      console.log(`${what}: webgpu ${gpu.toExponential(1)}, wasm ${fromWasm[what].toExponential(1)} (relative to cpu; bound ${bound.toExponential(1)})`);
      expect.soft(gpu, what).toBeLessThanOrEqual(bound);
    }
  }, 1_200_000); // ~3-5 min on two cores: SwiftShader compiles every shader
});
