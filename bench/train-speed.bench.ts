/**
 * Training and inference throughput of tfjs on this machine's best backend (native cpu kernels when
 * built) against a PyTorch CPU twin of the same topology, timed in the same run.
 * Writes bench/results/train-speed.json. Run alone: `npm run bench train-speed`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '../src/main/model/tf';
import { selectBackend, describeBackend, type BackendChoice } from '../src/main/model/backend/select';
import { buildReferenceModel } from './models/reference-model';

const here = path.dirname(fileURLToPath(import.meta.url));
const BATCH = 32, STEPS = Number(process.env.BENCH_STEPS ?? 6), LENGTH = 4096;

async function timeTfjs(backend: BackendChoice) {
  const report = await selectBackend([backend]);
  const model = buildReferenceModel(LENGTH);
  const x = tf.randomNormal([BATCH, LENGTH, 1], 0, 1, 'float32', 7);
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 8), 10);
  const losses = [model.trainStep(x, y)]; // warm-up
  let t0 = performance.now();
  for (let i = 0; i < STEPS; i++) losses.push(model.trainStep(x, y));
  const train = (BATCH * STEPS) / ((performance.now() - t0) / 1000);
  tf.tidy(() => model.forward(x)).dispose();
  t0 = performance.now();
  for (let i = 0; i < STEPS; i++) tf.tidy(() => model.forward(x)).dataSync();
  const infer = (BATCH * STEPS) / ((performance.now() - t0) / 1000);
  model.dispose();
  x.dispose();
  y.dispose();
  return { backend: describeBackend(report), params: model.params, trainSamplesPerSec: train, inferSamplesPerSec: infer, losses };
}

function timeTorch() {
  const out = execFileSync('/usr/bin/python3', [path.join(here, 'torch', 'reference_model.py'), String(BATCH), String(STEPS), String(LENGTH), '1'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

export async function run() {
  const backends = (process.env.BENCH_BACKENDS ?? 'cpu-native').split(',') as BackendChoice[];
  const tfjs: Record<string, unknown> = {};
  for (const b of backends) tfjs[b] = await timeTfjs(b);
  let torch: unknown;
  try { torch = timeTorch(); } catch (e) { torch = { error: `PyTorch twin failed (apt-get install python3-torch): ${(e as Error).message}` }; }
  const result = { model: 'stack-feasibility reference (conv x4 + 2 transformer blocks)', batch: BATCH, steps: STEPS, length: LENGTH, tfjs, torch, date: new Date().toISOString() };
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(path.join(here, 'results', 'train-speed.json'), JSON.stringify(result, null, 2));
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await run(), null, 2));
