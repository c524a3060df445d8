/**
 * Training checkpoints: model state (weights and buffers, by state-dict name), optimiser moments and
 * the trainer's own state, written so that a crash at any instant leaves the previous checkpoint
 * intact: each checkpoint is written into a temporary folder, renamed into place, and only then does
 * `latest.json` (itself written to a temp file and renamed) point at it.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync, readdirSync, openSync, fsyncSync, closeSync } from 'node:fs';
import path from 'node:path';
import { tf } from '../model/tf';
import type { Module } from '../model/params';
import type { AdamW, AdamWState } from '../model/optim/adamw';

interface TensorEntry { name: string; shape: number[]; dtype: 'float32' | 'int32'; offset: number; length: number }

export interface CheckpointManifest<S> {
  format: 'desa-checkpoint-1';
  step: number;
  tensors: TensorEntry[];
  optimizer: { stepCount: number; slots: ({ m: number; v: number; vMax: number | null } | null)[] };
  trainer: S;
}

const KEEP = 2;

function writeFileDurable(file: string, data: string | Uint8Array): void {
  writeFileSync(file, data);
  const fd = openSync(file, 'r');
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

/**
 * Writes checkpoint `step` under runDir/checkpoints and points latest.json at it. Tensors are read
 * asynchronously (GPU backends cannot read synchronously); nothing may train while this runs.
 */
export async function saveCheckpoint<S>(runDir: string, step: number, model: Module, optimizer: AdamW, trainerState: S): Promise<string> {
  const dir = path.join(runDir, 'checkpoints');
  mkdirSync(dir, { recursive: true });
  const name = `step-${String(step).padStart(7, '0')}`;
  const tmp = path.join(dir, `${name}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);

  const chunks: Float32Array[] = [];
  let offset = 0;
  const push = (a: Float32Array) => { chunks.push(a); offset += a.length; return offset - a.length; };
  const tensors: TensorEntry[] = [];
  const state = [...model.namedState()];
  for (const [tensorName, v] of state) {
    if (v.dtype !== 'float32' && v.dtype !== 'int32') throw new Error(`checkpoint: '${tensorName}' is ${v.dtype}; only float32 and int32 state is supported`);
  }
  const [values, opt] = await Promise.all([Promise.all(state.map(([, v]) => v.data())), optimizer.exportState()]);
  state.forEach(([tensorName, v], i) => {
    // int32 state (BatchNorm's num_batches_tracked) is stored as float32: exact below 2^24.
    const data = Float32Array.from(values[i] as Float32Array | Int32Array);
    tensors.push({ name: tensorName, shape: v.shape, dtype: v.dtype as TensorEntry['dtype'], offset: push(data), length: data.length });
  });
  const slots = opt.slots.map((s) => (s ? { m: push(s.m), v: push(s.v), vMax: s.vMax ? push(s.vMax) : null } : null));
  const all = new Float32Array(offset);
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }

  writeFileDurable(path.join(tmp, 'arrays.f32'), new Uint8Array(all.buffer));
  const manifest: CheckpointManifest<S> = { format: 'desa-checkpoint-1', step, tensors, optimizer: { stepCount: opt.stepCount, slots }, trainer: trainerState };
  writeFileDurable(path.join(tmp, 'manifest.json'), JSON.stringify(manifest));
  const final = path.join(dir, name);
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);

  const latestTmp = path.join(runDir, `latest.json.tmp-${process.pid}`);
  writeFileDurable(latestTmp, JSON.stringify({ step, checkpoint: path.join('checkpoints', name) }));
  renameSync(latestTmp, path.join(runDir, 'latest.json'));

  // Keep the newest few; older ones only cost disk.
  const old = readdirSync(dir).filter((d) => /^step-\d+$/.test(d)).sort().slice(0, -KEEP);
  for (const d of old) rmSync(path.join(dir, d), { recursive: true, force: true });
  return final;
}

/** The step of the newest complete checkpoint, or null when the run has none. */
export function latestCheckpointStep(runDir: string): number | null {
  const file = path.join(runDir, 'latest.json');
  if (!existsSync(file)) return null;
  return (JSON.parse(readFileSync(file, 'utf8')) as { step: number }).step;
}

/**
 * Restores model state and, when an optimiser is given, its moments from the newest checkpoint;
 * returns its manifest (null when the run has no checkpoint).
 */
export function loadLatestCheckpoint<S>(runDir: string, model: Module, optimizer: AdamW | null): CheckpointManifest<S> | null {
  const file = path.join(runDir, 'latest.json');
  if (!existsSync(file)) return null;
  const { checkpoint } = JSON.parse(readFileSync(file, 'utf8')) as { checkpoint: string };
  const dir = path.join(runDir, checkpoint);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as CheckpointManifest<S>;
  if (manifest.format !== 'desa-checkpoint-1') throw new Error(`${dir}: unknown checkpoint format '${manifest.format}'`);
  const buf = readFileSync(path.join(dir, 'arrays.f32'));
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const slice = (o: number, n: number) => all.slice(o, o + n);

  const state = model.stateDict();
  const missing = [...state.keys()].filter((k) => !manifest.tensors.some((t) => t.name === k));
  if (missing.length) throw new Error(`${dir}: checkpoint lacks ${missing.length} tensors of this model (e.g. '${missing[0]}'); was it saved from another model size?`);
  tf.tidy(() => {
    for (const t of manifest.tensors) {
      const v = state.get(t.name);
      if (!v) throw new Error(`${dir}: checkpoint tensor '${t.name}' does not exist in this model`);
      if (v.shape.join() !== t.shape.join()) throw new Error(`${dir}: '${t.name}' has shape [${t.shape}] in the checkpoint, [${v.shape}] in the model`);
      const values = slice(t.offset, t.length);
      v.assign(t.dtype === 'int32' ? tf.tensor(Int32Array.from(values), t.shape, 'int32') : tf.tensor(values, t.shape, 'float32'));
    }
  });
  if (!optimizer) return manifest;
  const sizes = optimizer.variables.map((v) => v.size);
  const optState: AdamWState = {
    stepCount: manifest.optimizer.stepCount,
    slots: manifest.optimizer.slots.map((s, i) => (s ? { m: slice(s.m, sizes[i]), v: slice(s.v, sizes[i]), vMax: s.vMax !== null ? slice(s.vMax, sizes[i]) : null } : null)),
  };
  optimizer.loadState(optState);
  return manifest;
}
