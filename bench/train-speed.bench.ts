/**
 * Training and embedding throughput of tfjs on this machine's best CPU backend (native kernels when built)
 * against PyTorch CPU twins of the same topology, timed in the same run, one model after the other:
 * - `desa-tiny`, `desa-small`: DESA Studio's spectra encoder (bench/models/desa-spectra.ts) and its twin
 *   bench/torch/desa_spectra.py; parameter counts are compared and must match;
 * - `reference`: the stack-feasibility conv + transformer model (bench/models/reference-model.ts).
 * Each model runs `BENCH_ROUNDS` interleaved rounds (tfjs, then PyTorch), so a change in machine load hits
 * both. Throughput is reported per wall-clock second and per CPU second of the process (user + system),
 * which is far less sensitive to other processes on a shared machine. Both sides use one BLAS thread.
 * Writes bench/results/train-speed.json. Run alone: `npm run bench train-speed`.
 * Env: BENCH_MODELS (comma list), BENCH_STEPS, BENCH_EMBED_STEPS, BENCH_ROUNDS, BENCH_BATCH, BENCH_BACKENDS,
 * BENCH_TORCH_THREADS (PyTorch's threads, default 1).
 * BLAS: both sides see the same OPENBLAS_CORETYPE (the PyTorch child inherits this process's environment, including a
 * core chosen by DESA_OPENBLAS_CORETYPE); the JSON records it, and whether our own AVX-512 GEMM ran (DESA_NATIVE_GEMM).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '../src/main/model/tf';
import { selectBackend, describeBackend, type BackendChoice } from '../src/main/model/backend/select';
import { buildReferenceModel } from './models/reference-model';
import { buildDesaSpectraBench } from './models/desa-spectra';

const here = path.dirname(fileURLToPath(import.meta.url));
const BATCH = Number(process.env.BENCH_BATCH ?? 32);
const STEPS = Number(process.env.BENCH_STEPS ?? 4);
const EMBED_STEPS = Number(process.env.BENCH_EMBED_STEPS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** PyTorch's intra-op threads: 1 (its best per CPU-second) or 2 (its best wall clock on two cores). */
const TORCH_THREADS = String(Number(process.env.BENCH_TORCH_THREADS ?? 1));
const REFERENCE_LENGTH = 4096;

interface Throughput { perSec: number; perCpuSec: number }

/** Runs `fn` `steps` times; items/s by wall clock and by this process's CPU time. */
function timed(fn: () => void, steps: number, itemsPerStep: number): Throughput {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) fn();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return { perSec: (itemsPerStep * steps) / wall, perCpuSec: (itemsPerStep * steps) / ((cpu.user + cpu.system) / 1e6) };
}

function python(script: string, args: string[]) {
  const out = execFileSync('/usr/bin/python3', [path.join(here, 'torch', script), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** One round of one model: tfjs train + embed, then the PyTorch twin. */
function desaRound(size: 'tiny' | 'small') {
  const m = buildDesaSpectraBench(size, BATCH);
  const losses = [m.trainStep()]; // warm-up (allocations, kernel registration paths)
  const train = timed(() => { losses.push(m.trainStep()); }, STEPS, BATCH);
  m.embed();
  const embed = timed(m.embed, EMBED_STEPS, BATCH);
  m.dispose();
  const t = python('desa_spectra.py', [JSON.stringify(m.config), String(BATCH), String(STEPS), String(EMBED_STEPS), TORCH_THREADS]);
  if (t.params !== m.params) throw new Error(`desa-${size}: tfjs has ${m.params} parameters, the PyTorch twin ${t.params}`);
  return {
    params: m.params,
    tfjs: { trainSamplesPerSec: train.perSec, trainSamplesPerCpuSec: train.perCpuSec, embedStarsPerSec: embed.perSec, embedStarsPerCpuSec: embed.perCpuSec, losses },
    torch: t,
  };
}

function referenceRound() {
  const model = buildReferenceModel(REFERENCE_LENGTH);
  const x = tf.randomNormal([BATCH, REFERENCE_LENGTH, 1], 0, 1, 'float32', 7);
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 8), 10);
  const losses = [model.trainStep(x, y)];
  const train = timed(() => { losses.push(model.trainStep(x, y)); }, STEPS, BATCH);
  tf.tidy(() => model.forward(x)).dispose();
  const embed = timed(() => { tf.tidy(() => model.forward(x)).dataSync(); }, EMBED_STEPS, BATCH);
  model.dispose();
  x.dispose();
  y.dispose();
  const t = python('reference_model.py', [String(BATCH), String(STEPS), String(REFERENCE_LENGTH), TORCH_THREADS]);
  if (t.params !== model.params) throw new Error(`reference: tfjs has ${model.params} parameters, the PyTorch twin ${t.params}`);
  return {
    params: model.params,
    tfjs: { trainSamplesPerSec: train.perSec, trainSamplesPerCpuSec: train.perCpuSec, embedStarsPerSec: embed.perSec, embedStarsPerCpuSec: embed.perCpuSec, losses },
    torch: t,
  };
}

const MODELS: Record<string, () => ReturnType<typeof desaRound>> = {
  'desa-tiny': () => desaRound('tiny'),
  'desa-small': () => desaRound('small'),
  reference: referenceRound,
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b), mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export async function run() {
  const backend = (process.env.BENCH_BACKENDS ?? 'cpu-native') as BackendChoice;
  const report = await selectBackend([backend]);
  const names = (process.env.BENCH_MODELS ?? 'desa-tiny,desa-small,reference').split(',');
  const models: Record<string, unknown> = {};
  for (const name of names) {
    if (!MODELS[name]) throw new Error(`train-speed: unknown model '${name}' (known: ${Object.keys(MODELS).join(', ')})`);
    const rounds: (ReturnType<typeof desaRound> & { load: number; loadAfter: number })[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const load = os.loadavg()[0];
      rounds.push({ load, ...MODELS[name](), loadAfter: os.loadavg()[0] });
      console.log(`train-speed: ${name} round ${r + 1}: ${JSON.stringify(rounds.at(-1))}`);
    }
    const ratio = (key: 'trainSamplesPerSec' | 'trainSamplesPerCpuSec' | 'embedStarsPerSec' | 'embedStarsPerCpuSec') =>
      median(rounds.map((r) => (r.tfjs[key] as number) / (r.torch[key] as number)));
    models[name] = {
      params: rounds[0].params,
      rounds,
      tfjsOverTorch: {
        train: ratio('trainSamplesPerSec'), trainPerCpuSec: ratio('trainSamplesPerCpuSec'),
        embed: ratio('embedStarsPerSec'), embedPerCpuSec: ratio('embedStarsPerCpuSec'),
      },
    };
  }
  const result = {
    backend: describeBackend(report), batch: BATCH, trainSteps: STEPS, embedSteps: EMBED_STEPS, rounds: ROUNDS,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    blas: { openblasCoretype: process.env.OPENBLAS_CORETYPE ?? 'OpenBLAS default', desaGemm: process.env.DESA_NATIVE_GEMM ?? 'avx512 where the CPU has it' },
    models, date: new Date().toISOString(),
  };
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(path.join(here, 'results', 'train-speed.json'), JSON.stringify(result, null, 2));
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await run(), null, 2));
