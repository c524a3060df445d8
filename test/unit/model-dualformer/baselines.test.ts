/**
 * The baselines: MoCo's momentum encoder really follows the query encoder by EMA and its queues
 * rotate FIFO; the unique-star sampler draws every star exactly once; every baseline receives the
 * conditioning labels; gradients are right (finite differences); and a few optimiser steps lower
 * each objective on a fixed batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineTrainStep, type BaselineBatch } from '../../../src/main/model/baselines/baseline';
import { BASELINE_ENCODER_CONFIGS, createBaseline } from '../../../src/main/model/baselines/config';
import { MultimodalMoco } from '../../../src/main/model/baselines/moco';
import { uniqueStarBatches } from '../../../src/main/model/baselines/unique-star-sampler';
import { AdamW } from '../../../src/main/model/optim/adamw';
import { setInitSeed } from '../../../src/main/model/params';
import { tf } from '../../../src/main/model/tf';
import { checkVariableGrads } from '../model/gradcheck';

const B = 8;
let batch: BaselineBatch;
beforeAll(() => {
  setInitSeed(5);
  batch = {
    spectraFeatures: tf.randomNormal([B, 12], 0, 1, 'float32', 1),
    lightCurveFeatures: tf.randomNormal([B, 7], 0, 1, 'float32', 2),
    latent: tf.randomUniform([B, 6], -1, 1, 'float32', 3),
  };
});
afterAll(() => tf.dispose([batch.spectraFeatures, batch.lightCurveFeatures, batch.latent!]));

function tinyMoco(queueSize = 20, momentum = 0.9): MultimodalMoco {
  return new MultimodalMoco({ encoder: BASELINE_ENCODER_CONFIGS.tiny, queueSize, momentum, temperature: 0.05 });
}

const snapshot = (pairs: Array<[string, tf.Variable]>) => new Map(pairs.map(([n, v]) => [n, Float32Array.from(v.dataSync())]));

describe('MoCo momentum encoder', () => {
  it('starts as an exact copy and then follows θ_k ← m·θ_k + (1 − m)·θ_q after each step', () => {
    const m = 0.9;
    const moco = tinyMoco(20, m);
    const query0 = snapshot(moco.queryEncoder.namedParameters());
    const key0 = snapshot(moco.keyEncoder.namedParameters());
    expect([...key0.keys()]).toEqual([...query0.keys()]);
    for (const [n, v] of key0) expect(v).toEqual(query0.get(n));
    // The key encoder is not optimised.
    const keyVars = new Set(moco.keyEncoder.namedParameters().map(([, v]) => v));
    expect(moco.trainableVariables.some((v) => keyVars.has(v))).toBe(false);

    const opt = new AdamW(moco.trainableVariables, { lr: 1e-2 });
    for (let step = 0; step < 2; step++) {
      const keyBefore = snapshot(moco.keyEncoder.namedParameters());
      baselineTrainStep(moco, batch, opt);
      const queryAfter = snapshot(moco.queryEncoder.namedParameters());
      const keyAfter = snapshot(moco.keyEncoder.namedParameters());
      let moved = 0;
      for (const [n, k] of keyAfter) {
        const kb = keyBefore.get(n)!;
        const q = queryAfter.get(n)!;
        k.forEach((v, i) => expect(v).toBeCloseTo(m * kb[i] + (1 - m) * q[i], 6));
        moved = Math.max(moved, ...k.map((v, i) => Math.abs(v - kb[i])));
      }
      expect(moved).toBeGreaterThan(1e-5);
    }
    moco.dispose();
  });

  it('enqueues each step\'s normalised keys FIFO and wraps around', () => {
    const K = 20; // not a multiple of B, so the third step wraps
    const moco = tinyMoco(K);
    const opt = new AdamW(moco.trainableVariables, { lr: 1e-3 });
    const d = BASELINE_ENCODER_CONFIGS.tiny.outputDim;
    for (let step = 0; step < 3; step++) {
      const before = Float32Array.from(moco.queueLightCurve.dataSync());
      const start = moco.queuePosition;
      // Keys are computed from the key encoder as it is before the step.
      const keys = moco.keyEncoder.forward(batch.lightCurveFeatures, batch.latent);
      const expected = tf.tidy(() => tf.div(keys, tf.norm(keys, 'euclidean', 1, true))).arraySync() as number[][];
      keys.dispose();
      baselineTrainStep(moco, batch, opt);
      const after = moco.queueLightCurve.arraySync() as number[][];
      const written = new Set(Array.from({ length: B }, (_, i) => (start + i) % K));
      for (let i = 0; i < B; i++) after[(start + i) % K].forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 5));
      for (let row = 0; row < K; row++) {
        if (!written.has(row)) expect(after[row]).toEqual(Array.from(before.subarray(row * d, (row + 1) * d)));
      }
      expect(moco.queuePosition).toBe((start + B) % K);
    }
    expect(moco.queuePosition).toBe((3 * B) % K);
    moco.dispose();
  });

  it('has correct loss gradients w.r.t. the query encoder (finite differences)', () => {
    const moco = tinyMoco();
    const result = checkVariableGrads(() => moco.loss(batch, false), moco.trainableVariables.slice(0, 6), { maxProbes: 4 });
    expect(result.worstRatio).toBeLessThanOrEqual(1);
    moco.dispose();
  });
});

describe('memory', () => {
  it('MoCo training steps leave no tensors behind (after the optimiser has its slots)', () => {
    const moco = tinyMoco();
    const opt = new AdamW(moco.trainableVariables);
    baselineTrainStep(moco, batch, opt);
    const before = tf.memory().numTensors;
    baselineTrainStep(moco, batch, opt);
    baselineTrainStep(moco, batch, opt);
    expect(tf.memory().numTensors).toBe(before);
    moco.dispose();
  });
});

describe('unique-star sampler (MoCo-clean)', () => {
  const ids = ['a', 'b', 'a', 'c', 'd', 'b', 'a', 'e', 'f', 'c', 'g'];

  it('draws every star exactly once per epoch, from its own rows', () => {
    const batches = uniqueStarBatches(ids, 3, { seed: 1 });
    const rows = batches.flat();
    expect(rows).toHaveLength(7);
    expect(new Set(rows.map((r) => ids[r])).size).toBe(7);
    expect(batches.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(uniqueStarBatches(ids, 3, { seed: 1, dropLast: true }).map((b) => b.length)).toEqual([3, 3]);
  });

  it('varies the chosen rows and their order between epochs, reproducibly per seed', () => {
    const epochs = Array.from({ length: 8 }, (_, e) => uniqueStarBatches(ids, 4, { seed: e }).flat());
    expect(new Set(epochs.map((e) => e.join(','))).size).toBeGreaterThan(1);
    const rowsOfA = new Set(epochs.map((e) => e.find((r) => ids[r] === 'a')));
    expect(rowsOfA.size).toBeGreaterThan(1);
    expect(uniqueStarBatches(ids, 4, { seed: 3 })).toEqual(uniqueStarBatches(ids, 4, { seed: 3 }));
  });
});

describe('every baseline', () => {
  it('moco: learns to align the modalities on paired data (retrieval gap grows)', () => {
    // 32 stars whose light-curve features are a fixed linear function of their spectra features;
    // batches of 8, queue of 8, so a star's own key is never in the queue when it comes back.
    setInitSeed(23);
    const n = 32;
    const spectra = tf.randomNormal([n, 12], 0, 1, 'float32', 31);
    const mixing = tf.randomNormal([12, 7], 0, 0.5, 'float32', 32);
    const lightCurves = tf.add(tf.matMul(spectra, mixing), tf.randomNormal([n, 7], 0, 0.1, 'float32', 33));
    const latent = tf.randomUniform([n, 6], -1, 1, 'float32', 34);
    const moco = new MultimodalMoco({ encoder: BASELINE_ENCODER_CONFIGS.tiny, queueSize: 8, momentum: 0.9, temperature: 0.1 });
    /** mean cos(own partner) − mean cos(other stars), from the query encoder. */
    const gap = (): number =>
      tf.tidy(() => {
        const unit = (x: tf.Tensor) => tf.div(x, tf.norm(x, 'euclidean', 1, true));
        const sim = tf.matMul(unit(moco.queryEncoder.forward(spectra, latent)), unit(moco.queryEncoder.forward(lightCurves, latent)), false, true);
        const diag = tf.mean(tf.mul(sim, tf.eye(n))).dataSync()[0] * n;
        const off = (tf.sum(sim).dataSync()[0] - diag * n) / (n * n - n);
        return diag - off;
      });
    const before = gap();
    const opt = new AdamW(moco.trainableVariables, { lr: 3e-3, weightDecay: 0 });
    for (let epoch = 0; epoch < 4; epoch++) {
      for (let start = 0; start < n; start += B) {
        const rows = tf.range(start, start + B, 1, 'int32');
        const step = { spectraFeatures: tf.gather(spectra, rows), lightCurveFeatures: tf.gather(lightCurves, rows), latent: tf.gather(latent, rows) };
        baselineTrainStep(moco, step, opt);
        tf.dispose([rows, step.spectraFeatures, step.lightCurveFeatures, step.latent]);
      }
    }
    expect(gap()).toBeGreaterThan(before + 0.05);
    tf.dispose([spectra, mixing, lightCurves, latent]);
    moco.dispose();
  });

  it('moco: receives the conditioning labels', () => {
    setInitSeed(17);
    const { model } = createBaseline('moco', 'tiny');
    const other = { ...batch, latent: tf.neg(batch.latent!) };
    const f1 = model.features(batch);
    const f2 = model.features(other);
    expect(tf.max(tf.abs(tf.sub(f1, f2))).dataSync()[0]).toBeGreaterThan(1e-4);
    tf.dispose([f1, f2, other.latent]);
    model.dispose();
  });

  // SimSiam and VICReg have no queue, so their objective on one fixed batch must go down.
  for (const kind of ['simsiam', 'vicreg'] as const) {
    it(`${kind}: receives the conditioning labels and lowers its loss on a fixed batch`, () => {
      setInitSeed(17);
      const { model } = createBaseline(kind, 'tiny');
      const other = { ...batch, latent: tf.neg(batch.latent!) };
      const f1 = model.features(batch);
      const f2 = model.features(other);
      expect(tf.max(tf.abs(tf.sub(f1, f2))).dataSync()[0]).toBeGreaterThan(1e-4);
      tf.dispose([f1, f2, other.latent]);

      const opt = new AdamW(model.trainableVariables, { lr: 3e-3, weightDecay: 0 });
      const losses = Array.from({ length: 12 }, () => baselineTrainStep(model, batch, opt));
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
      model.dispose();
    });
  }

  it('moco-clean is MoCo with unique-star sampling; unconditioned ignores the labels', () => {
    const clean = createBaseline('moco-clean', 'tiny');
    expect(clean.uniqueStarSampling).toBe(true);
    expect(clean.model).toBeInstanceOf(MultimodalMoco);
    clean.model.dispose();
    const plain = createBaseline('vicreg', 'tiny', { unconditioned: true }).model;
    const f = plain.features({ ...batch, latent: null });
    expect(f.shape).toEqual([B, 2 * BASELINE_ENCODER_CONFIGS.tiny.outputDim]);
    f.dispose();
    plain.dispose();
  });
});
