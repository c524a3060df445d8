/**
 * The DESA stages run on a project: each builds its dataset from the project's stars and catalogues,
 * trains through the shared trainer (checkpoints, resume, cancel), and leaves its model in a run
 * folder that later stages load. Runs live in <project>/runs/<stage>-<size>/.
 */
import path from 'node:path';
import { existsSync, writeFileSync } from 'node:fs';
import { tf } from '../model/tf';
import { version as APP_VERSION } from '../../../package.json';
import type { Tensor } from '../model/tf';
import { Module, setInitSeed } from '../model/params';
import { Linear } from '../model/layers/linear';
import { DualNet } from '../model/dualnet';
import { DUALFORMER_CONFIGS, labelsToLatent, finalFeatures } from '../model/dualformer';
import { SPECTRA_ENCODER_CONFIGS, LIGHT_CURVE_ENCODER_CONFIGS, type ModelSize } from '../model/configs';
import { SpectraEncoderModel } from '../model/spectra/multitask-regressor';
import { LightCurveEncoderModel } from '../model/lightcurve/multitask-simsiam';
import { desaLoss, crossEntropyFromLogits, cqrPinballLoss, reduceCqrLoss, AGE_QUANTILES } from '../losses';
import { eigenspaceOf, eigenEmbedding } from '../model/eigen';
import type { StarInfo } from '../../shared/project';
import type { TrainConfig, TrainResult, TrainStepReport, TrainingStage } from '../../shared/training';
import { train, type StageDefinition } from '../train/trainer';
import { spectraStage, splitRows } from '../train/stages/spectra';
import { lightCurveStage, centreViews, type LightCurveStar } from '../train/stages/lightcurve';
import { buildSpectraDataset } from '../train/datasets/spectra';
import { loadLatestCheckpoint } from '../train/checkpoint';
import { binaryLabelMap, labelMap, spectraOfStars, lightCurvesOfStars, absMagnitudeOf, type LabelSource, type StageStore } from './project-data';
import { writeHeldOut } from './evaluation';
import { runDirOf } from './run-dir';

/** Which catalogue columns feed which labels (the demo survey's catalogues by default). */
export interface PipelineLabels {
  teff: LabelSource | null;
  logg: LabelSource | null;
  feh: LabelSource | null;
  period: LabelSource | null;
  distance: LabelSource | null;
  /** The six DualFormer conditioning labels: Teff, logg, Prot, [Fe/H], R, RUWE (digest §6.7). */
  conditioning: (LabelSource | null)[];
  binary: LabelSource | null;
  age: LabelSource | null;
}

export interface StageContext {
  store: StageStore;
  projectDir: string;
  size: ModelSize;
  labels: PipelineLabels;
  signal?: AbortSignal;
  onStep?: (stage: string, r: TrainStepReport) => void;
}

export { runDirOf };

async function runStage(ctx: StageContext, def: StageDefinition, cfg: TrainConfig, meta: object): Promise<TrainResult> {
  const runDir = runDirOf(ctx, def.name);
  // Read before training: a cancelled run still writes its run.json, and by then the store may refuse reads.
  const counts = await ctx.store.counts();
  const result = await train(def, cfg, { runDir, signal: ctx.signal, onStep: (r) => ctx.onStep?.(def.name, r) });
  // Provenance: which project and app version, how many stars and rows, which label columns.
  const provenance = {
    projectDir: ctx.projectDir, appVersion: APP_VERSION, stars: counts.stars, spectra: counts.spectra, lightCurveStars: counts.lightCurveStars,
    labels: ctx.labels, trainRows: def.trainRows.length, validationRows: def.validationRows.length,
  };
  writeFileSync(path.join(runDir, 'run.json'), JSON.stringify({ stage: def.name, size: ctx.size, config: cfg, ...meta, provenance,
    result: { stepsDone: result.stepsDone, stoppedBy: result.stoppedBy, resumedFrom: result.resumedFrom, bestValidation: result.bestValidation,
      first: result.history[0]?.losses, last: result.history.at(-1)?.losses }, finishedAt: new Date().toISOString() }, null, 2));
  return result;
}

/** Loads a finished stage's weights into `module` (the optimiser state is read and dropped). */
function loadStageWeights(ctx: StageContext, stage: string, module: Module): void {
  const runDir = runDirOf(ctx, stage);
  if (!existsSync(path.join(runDir, 'latest.json')) || !loadLatestCheckpoint(runDir, module, null)) {
    throw new Error(`stage '${stage}' has no trained model in ${runDir}; run that stage first`);
  }
}

// ----------------------------------------------------------------- stage 1 ---

export async function trainSpectraEncoder(ctx: StageContext, cfg: TrainConfig): Promise<TrainResult> {
  const stars = await ctx.store.listStars({ hasSpectrum: true });
  const pairs = await spectraOfStars(ctx.store, stars);
  const [teff, logg, feh] = await Promise.all([labelMap(ctx.store, ctx.labels.teff), labelMap(ctx.store, ctx.labels.logg), labelMap(ctx.store, ctx.labels.feh)]);
  const data = buildSpectraDataset(pairs.map((p) => p.spectrum), (s) => {
    const id = pairs.find((p) => p.spectrum === s)!.star.starId;
    return { teff: teff.get(id) ?? null, logg: logg.get(id) ?? null, feh: feh.get(id) ?? null };
  }, SPECTRA_ENCODER_CONFIGS[ctx.size].inputLength);
  setInitSeed(cfg.seed); // initial weights from the run's seed, not from how many models this thread built before
  const def = spectraStage(data, { size: ctx.size });
  try {
    return await runStage(ctx, def, cfg, { spectra: data.n, labelled: teff.size, labelStats: data.labelStats });
  } finally {
    def.model.dispose();
  }
}

// ----------------------------------------------------------------- stage 2 ---

async function lightCurveStars(ctx: StageContext, stars: StarInfo[]): Promise<{ star: StarInfo; lc: LightCurveStar }[]> {
  const stitched = await lightCurvesOfStars(ctx.store, stars);
  const [period, distance] = await Promise.all([labelMap(ctx.store, ctx.labels.period), labelMap(ctx.store, ctx.labels.distance)]);
  const periods = stitched.map((s) => period.get(s.star.starId) ?? NaN).filter(Number.isFinite);
  const mean = periods.reduce((a, b) => a + b, 0) / Math.max(1, periods.length);
  const std = Math.sqrt(periods.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, periods.length - 1)) || 1;
  return stitched.map((s) => ({
    star: s.star,
    lc: { flux: s.flux, absMagnitude: absMagnitudeOf(s.kepmag, distance.get(s.star.starId)), period: ((period.get(s.star.starId) ?? NaN) - mean) / std },
  }));
}

export async function trainLightCurveEncoder(ctx: StageContext, cfg: TrainConfig): Promise<TrainResult> {
  const stars = await lightCurveStars(ctx, await ctx.store.listStars({ hasLightCurve: true }));
  setInitSeed(cfg.seed);
  const def = lightCurveStage(stars.map((s) => s.lc), { size: ctx.size });
  try {
    return await runStage(ctx, def, cfg, { stars: stars.length, withPeriod: stars.filter((s) => Number.isFinite(s.lc.period)).length });
  } finally {
    def.model.dispose();
  }
}

// ------------------------------------------------------- paired inputs, f ---

/** Encoder inputs of the stars that have both a spectrum and a light curve (centre crop, no augmentation). */
export interface PairedInputs {
  stars: StarInfo[];
  spectra: Float32Array;
  lightCurves: Float32Array;
  /** Row-major (n, 6) conditioning labels, NaN where unknown. */
  conditioning: Float32Array;
}

export async function pairedInputs(ctx: StageContext): Promise<PairedInputs> {
  const both = await ctx.store.listStars({ hasSpectrum: true, hasLightCurve: true });
  const specs = await spectraOfStars(ctx.store, both);
  const lcs = await lightCurveStars(ctx, specs.map((s) => s.star));
  const lcById = new Map(lcs.map((l) => [l.star.starId, l.lc]));
  const kept = specs.filter((s) => lcById.has(s.star.starId));
  const Ls = SPECTRA_ENCODER_CONFIGS[ctx.size].inputLength, L = LIGHT_CURVE_ENCODER_CONFIGS[ctx.size].inputLength;
  const data = buildSpectraDataset(kept.map((k) => k.spectrum), () => null, Ls);
  const lightCurves = centreViews(kept.map((k) => lcById.get(k.star.starId)!), L);
  const cond = await Promise.all(ctx.labels.conditioning.map((src) => labelMap(ctx.store, src)));
  const scale = [1 / 5778, 1, 1 / 70, 1, 1, 1]; // Teff/5778, Prot/70 as in the reference
  const conditioning = new Float32Array(kept.length * 6);
  kept.forEach((k, i) => cond.forEach((m, j) => (conditioning[i * 6 + j] = (m.get(k.star.starId) ?? NaN) * scale[j])));
  return { stars: kept.map((k) => k.star), spectra: data.inputs, lightCurves, conditioning };
}

function buildDualNet(ctx: StageContext): DualNet {
  const spectra = new SpectraEncoderModel(SPECTRA_ENCODER_CONFIGS[ctx.size]);
  const lc = new LightCurveEncoderModel(LIGHT_CURVE_ENCODER_CONFIGS[ctx.size]);
  loadStageWeights(ctx, 'spectra', spectra);
  loadStageWeights(ctx, 'lightcurve', lc);
  return DualNet.fromEncoders(spectra, lc, DUALFORMER_CONFIGS[ctx.size]);
}

/** Frozen encoder features of every paired star, computed once (the encoders never change in stage 3). */
function encodeAll(net: DualNet, p: PairedInputs, size: ModelSize): { x1: Tensor; x2: Tensor } {
  const Ls = SPECTRA_ENCODER_CONFIGS[size].inputLength, L = LIGHT_CURVE_ENCODER_CONFIGS[size].inputLength;
  const n = p.stars.length, x1: Tensor[] = [], x2: Tensor[] = [];
  for (let i = 0; i < n; i += 32) {
    const m = Math.min(32, n - i);
    const e = tf.tidy(() => net.encode(tf.tensor2d(p.spectra.subarray(i * Ls, (i + m) * Ls), [m, Ls]), tf.tensor3d(p.lightCurves.subarray(i * 4 * L, (i + m) * 4 * L), [m, 4, L])));
    x1.push(e.spectraFeatures);
    x2.push(e.lightCurveFeatures);
  }
  const out = { x1: tf.concat(x1), x2: tf.concat(x2) };
  [...x1, ...x2].forEach((t) => t.dispose());
  return out;
}

// ----------------------------------------------------------------- stage 3 ---

export async function trainDualFormer(ctx: StageContext, cfg: TrainConfig): Promise<TrainResult> {
  const p = await pairedInputs(ctx);
  if (p.stars.length < 4) throw new Error(`DualFormer alignment needs stars with both a spectrum and a light curve; this project has ${p.stars.length}`);
  setInitSeed(cfg.seed);
  const net = buildDualNet(ctx);
  const { x1, x2 } = encodeAll(net, p, ctx.size);
  const latent = labelsToLatent(tf.tensor2d(p.conditioning, [p.stars.length, 6]), -1);
  const { train: trainRows, validation } = splitRows(p.stars.length, 0.1);
  const def: StageDefinition = {
    name: 'dualformer', module: net, trainable: net.trainableVariables, trainRows, validationRows: validation,
    losses(rows, _rng, training) {
      return tf.tidy(() => {
        const idx = tf.tensor1d(rows, 'int32');
        const out = net.dualFormer.forward(tf.gather(x1, idx), tf.gather(x2, idx), tf.gather(latent, idx), { training });
        const { total, dual, cov } = desaLoss(out.p1, out.p2, out.z1, out.z2);
        return { total, dual, cov };
      });
    },
  };
  try {
    return await runStage(ctx, def, cfg, { pairedStars: p.stars.length });
  } finally {
    [x1, x2, latent].forEach((t) => t.dispose());
    net.dispose();
  }
}

// ---------------------------------------------------------------- stage 4 ---

/** DualNet plus a fine-tune head on cat(p1, p2) (digest §8.1; an MLP head here, see README design notes). */
class FineTuner extends Module {
  readonly hidden: Linear;
  readonly out: Linear;
  constructor(readonly net: DualNet, outputs: number) {
    super();
    this.child('dual_net', net);
    const inDim = 2 * net.dualFormer.projection.shape[0];
    this.hidden = this.child('head_hidden', new Linear(inDim, 64));
    this.out = this.child('head_out', new Linear(64, outputs));
  }
  forward(x1: Tensor, x2: Tensor, latent: Tensor, training: boolean): Tensor {
    return tf.tidy(() => {
      const feats = finalFeatures(this.net.dualFormer.forward(x1, x2, latent, { training }));
      return this.out.forward(tf.relu(this.hidden.forward(feats)));
    });
  }
  override get trainableVariables() {
    return [...this.net.dualFormer.trainableVariables, ...this.hidden.trainableVariables, ...this.out.trainableVariables];
  }
}

export interface FineTuneResult extends TrainResult {
  /** Held-out metrics: accuracy and ROC AUC (binary) or MAE and interval coverage in Gyr (age). */
  metrics: Record<string, number>;
}

export async function fineTune(ctx: StageContext, task: 'binary' | 'age', cfg: TrainConfig): Promise<FineTuneResult> {
  const p = await pairedInputs(ctx);
  const target: Map<string, number> = task === 'binary' ? await binaryLabelMap(ctx.store, ctx.labels.binary) : await labelMap(ctx.store, ctx.labels.age);
  const rows = p.stars.map((s, i) => (target.has(s.starId) ? i : -1)).filter((i) => i >= 0);
  if (rows.length < 8) throw new Error(`fine-tune '${task}': only ${rows.length} paired stars have the label; import the label catalogue first`);
  const y = Float32Array.from(p.stars, (s) => {
    const v = target.get(s.starId);
    return v === undefined ? NaN : task === 'age' ? v / 11 : v; // binary: 0/1 already; age/11 as the reference
  });
  setInitSeed(cfg.seed);
  const net = buildDualNet(ctx);
  loadStageWeights(ctx, 'dualformer', net);
  const model = new FineTuner(net, task === 'binary' ? 2 : AGE_QUANTILES.length);
  const { x1, x2 } = encodeAll(net, p, ctx.size);
  const latent = labelsToLatent(tf.tensor2d(p.conditioning, [p.stars.length, 6]), 0); // fine-tune fills with 0 (§8.1)
  const split = splitRows(rows.length, 0.2);
  const pick = (r: number[]) => r.map((i) => rows[i]);
  const forwardRows = (r: number[], training: boolean) => {
    const idx = tf.tensor1d(r, 'int32');
    return model.forward(tf.gather(x1, idx), tf.gather(x2, idx), tf.gather(latent, idx), training);
  };
  const lossOf = (r: number[], out: Tensor) => {
    const t = Float32Array.from(r, (i) => y[i]);
    return task === 'binary'
      ? crossEntropyFromLogits(out, tf.tensor1d(Int32Array.from(t), 'int32'))
      : reduceCqrLoss(cqrPinballLoss(tf.reshape(out, [r.length, 1, AGE_QUANTILES.length]), tf.tensor2d(t, [r.length, 1]), AGE_QUANTILES));
  };
  const def: StageDefinition = {
    name: `finetune-${task}`, module: model, trainable: model.trainableVariables, trainRows: pick(split.train), validationRows: pick(split.validation),
    losses: (r, _rng, training) => tf.tidy(() => ({ total: lossOf(r, forwardRows(r, training)) })),
  };
  try {
    const result = await runStage(ctx, def, cfg, { task, rows: rows.length });
    const held = pick(split.validation);
    // Read asynchronously (as every tensor read here): GPU backends cannot read synchronously.
    const out = tf.tidy(() => (task === 'binary' ? tf.softmax(forwardRows(held, false)) : forwardRows(held, false)));
    const outputs = (await out.array()) as number[][];
    out.dispose();
    const truth = held.map((i) => y[i]);
    const metrics = task === 'binary' ? binaryMetrics(outputs, truth) : ageMetrics(outputs, truth);
    writeFileSync(path.join(runDirOf(ctx, def.name), 'metrics.json'), JSON.stringify(metrics, null, 2));
    // Per-row outputs, so the Training screen can draw ROC/PR curves, the confusion matrix, residuals and intervals.
    const starIds = held.map((i) => p.stars[i].starId);
    writeHeldOut(runDirOf(ctx, def.name), task === 'binary'
      ? { task, starIds, labels: truth, scores: outputs.map((o) => o[1]) }
      : { task, starIds, truth: truth.map((v) => v * 11), levels: [...AGE_QUANTILES], lower: outputs.map((o) => o[0] * 11), median: outputs.map((o) => o[1] * 11), upper: outputs.map((o) => o[2] * 11) });
    return { ...result, metrics };
  } finally {
    [x1, x2, latent].forEach((t) => t.dispose());
    model.dispose();
  }
}

function binaryMetrics(prob: number[][], y: number[]): Record<string, number> {
  const p1 = prob.map((p) => p[1]);
  const accuracy = p1.filter((p, i) => (p > 0.5 ? 1 : 0) === y[i]).length / Math.max(1, y.length);
  // ROC AUC as the probability that a random positive outranks a random negative.
  let pairs = 0, wins = 0;
  y.forEach((yi, i) => { if (yi !== 1) return; y.forEach((yj, j) => { if (yj !== 0) return; pairs++; wins += p1[i] > p1[j] ? 1 : p1[i] === p1[j] ? 0.5 : 0; }); });
  return { n: y.length, accuracy, rocAuc: pairs ? wins / pairs : NaN, positives: y.filter((v) => v === 1).length };
}

function ageMetrics(q: number[][], y: number[]): Record<string, number> {
  const med = q.map((r) => r[1] * 11), lo = q.map((r) => r[0] * 11), hi = q.map((r) => r[2] * 11), age = y.map((v) => v * 11);
  const mae = age.reduce((s, a, i) => s + Math.abs(a - med[i]), 0) / Math.max(1, age.length);
  const coverage = age.filter((a, i) => a >= lo[i] && a <= hi[i]).length / Math.max(1, age.length);
  return { n: age.length, maeGyr: mae, intervalCoverage: coverage };
}

// ------------------------------------------------------------- dispatch ---

/** Trains one stage by its name (the names `train.start` and `desa train --stage` take). */
export function runTrainingStage(ctx: StageContext, stage: TrainingStage, cfg: TrainConfig): Promise<TrainResult | FineTuneResult> {
  switch (stage) {
    case 'spectra': return trainSpectraEncoder(ctx, cfg);
    case 'lightcurve': return trainLightCurveEncoder(ctx, cfg);
    case 'dualformer': return trainDualFormer(ctx, cfg);
    case 'finetune-binary': return fineTune(ctx, 'binary', cfg);
    case 'finetune-age': return fineTune(ctx, 'age', cfg);
    default: throw new Error(`unknown training stage '${String(stage)}' (spectra, lightcurve, dualformer, finetune-binary, finetune-age)`);
  }
}

/**
 * Where the stages' compute runs: in this thread (`inProcessRunner`) or in a training worker
 * (`StageWorker` in stage-worker.ts). Both take the same context and give the same results.
 */
export interface StageRunner {
  train(ctx: StageContext, stage: TrainingStage, cfg: TrainConfig): Promise<TrainResult | FineTuneResult>;
  embed(ctx: StageContext): Promise<EmbedSummary>;
}

/** Runs the stages on the calling thread (benches, and the training worker itself). */
export const inProcessRunner: StageRunner = { train: runTrainingStage, embed: (ctx) => embedProject(ctx) };

// ------------------------------------------------------------------ embed ---

export interface EmbedSummary {
  /** Stars with any embedding; stars with both modalities get all seven. */
  stars: number;
  paired: number;
  spectraOnly: number;
  lightCurveOnly: number;
  names: string[];
  dim: Record<string, number>;
}

/** Runs `encode` over rows in batches of 32 and returns the (n, dim) features as one array. */
async function batchedFeatures(n: number, encode: (start: number, count: number) => Tensor): Promise<{ data: Float32Array; dim: number }> {
  const parts: Float32Array[] = [];
  let dim = 0;
  for (let i = 0; i < n; i += 32) {
    const t = encode(i, Math.min(32, n - i));
    dim = t.shape[1]!;
    parts.push((await t.data()) as Float32Array);
    t.dispose();
  }
  const data = new Float32Array(n * dim);
  let at = 0;
  for (const p of parts) { data.set(p, at); at += p.length; }
  return { data, dim };
}

async function putRows(store: StageStore, name: string, stars: readonly StarInfo[], a: { data: Float32Array; dim: number }) {
  await store.putEmbeddings(name, stars.map((s, i) => ({ starId: s.starId, vector: a.data.slice(i * a.dim, (i + 1) * a.dim) })));
}

/**
 * Embeds every star of the project. Stars with both a spectrum and a light curve get the encoder
 * features (x1, x2), the DualFormer outputs (z1, z2, p1, p2) and the eigen-embedding f = (z1 + z2)·V;
 * stars with one modality get that encoder's features (x1 or x2), which need no alignment.
 */
export async function embedProject(ctx: StageContext): Promise<EmbedSummary> {
  const p = await pairedInputs(ctx);
  const net = buildDualNet(ctx);
  loadStageWeights(ctx, 'dualformer', net);
  const Ls = SPECTRA_ENCODER_CONFIGS[ctx.size].inputLength, L = LIGHT_CURVE_ENCODER_CONFIGS[ctx.size].inputLength;
  const dims: Record<string, number> = {};
  try {
    if (p.stars.length > 0) {
      const { x1, x2 } = encodeAll(net, p, ctx.size);
      const latent = labelsToLatent(tf.tensor2d(p.conditioning, [p.stars.length, 6]), -1);
      const out = net.dualFormer.forward(x1, x2, latent, { training: false });
      const A = net.dualFormer.projection;
      // Asynchronous reads: GPU backends (WebGPU in Node) cannot read tensors synchronously.
      const tensors = { x1, x2, z1: out.z1, z2: out.z2, p1: out.p1, p2: out.p2 };
      const [aValues, ...values] = await Promise.all([A.data(), ...Object.values(tensors).map((t) => t.data())]);
      const arrays: Record<string, { data: Float32Array; dim: number }> = Object.fromEntries(Object.entries(tensors).map(([name, t], i) =>
        [name, { data: values[i] as Float32Array, dim: t.shape[1]! }]));
      const space = eigenspaceOf(aValues, A.shape[0]);
      arrays.f = { data: Float32Array.from(eigenEmbedding(arrays.z1.data, arrays.z2.data, space)), dim: space.n };
      for (const [name, a] of Object.entries(arrays)) { await putRows(ctx.store, name, p.stars, a); dims[name] = a.dim; }
      [x1, x2, latent, out.z1, out.z2, out.p1, out.p2].forEach((t) => t.dispose());
    }
    const paired = new Set(p.stars.map((s) => s.starId));
    const specOnly = (await spectraOfStars(ctx.store, (await ctx.store.listStars({ hasSpectrum: true })).filter((s) => !paired.has(s.starId))));
    if (specOnly.length) {
      const data = buildSpectraDataset(specOnly.map((s) => s.spectrum), () => null, Ls);
      const x1 = await batchedFeatures(specOnly.length, (i, m) => tf.tidy(() => net.spectraEncoder.forward(tf.tensor2d(data.inputs.subarray(i * Ls, (i + m) * Ls), [m, Ls]), false).features));
      await putRows(ctx.store, 'x1', specOnly.map((s) => s.star), x1);
      dims.x1 = x1.dim;
    }
    const lcOnly = (await lightCurveStars(ctx, (await ctx.store.listStars({ hasLightCurve: true })).filter((s) => !paired.has(s.starId))));
    if (lcOnly.length) {
      const views = centreViews(lcOnly.map((s) => s.lc), L);
      const x2 = await batchedFeatures(lcOnly.length, (i, m) => tf.tidy(() => net.lightCurveProjector.forward(net.lightCurveBackbone.forward(tf.tensor3d(views.subarray(i * 4 * L, (i + m) * 4 * L), [m, 4, L]), false).backbone, false)));
      await putRows(ctx.store, 'x2', lcOnly.map((s) => s.star), x2);
      dims.x2 = x2.dim;
    }
    return { stars: p.stars.length + specOnly.length + lcOnly.length, paired: p.stars.length, spectraOnly: specOnly.length, lightCurveOnly: lcOnly.length, names: Object.keys(dims), dim: dims };
  } finally {
    net.dispose();
  }
}
