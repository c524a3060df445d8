/**
 * DualFormer behaviour beyond the fixture configuration: finite-difference gradient checks, the
 * structural properties of each option (self/cross attention, RoPE vs permutation invariance,
 * A vs Aᵀ projection, post-norm), label handling, dropout, and input validation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUALFORMER_CONFIGS, type DualFormerConfig } from '../../../src/main/model/dualformer/config';
import { DualFormer, labelsToLatent } from '../../../src/main/model/dualformer/dualformer';
import { setInitSeed } from '../../../src/main/model/params';
import { tf } from '../../../src/main/model/tf';
import type { Tensor } from '../../../src/main/model/tf';
import { checkInputGrads, checkVariableGrads } from '../model/gradcheck';

const base: DualFormerConfig = { ...DUALFORMER_CONFIGS.tiny, embedDim: 8, numHeads: 2, ffnDim: 16, numLayers: 1, latentDim: 2 };
const B = 2;
const L1 = 6;
const L2 = 5;
const rand = (shape: number[], seed: number): Tensor => tf.randomUniform(shape, -1, 1, 'float32', seed);

let x1: Tensor;
let x2: Tensor;
let latent: Tensor;
beforeAll(() => {
  setInitSeed(11);
  x1 = rand([B, L1], 1);
  x2 = rand([B, L2], 2);
  latent = rand([B, 2], 3);
});
afterAll(() => tf.dispose([x1, x2, latent]));

/** Runs a fresh model of `config` and returns z1, z2, p1, p2 and A as plain arrays. */
function run(config: Partial<DualFormerConfig>, a = x1, b = x2, seed = 5) {
  setInitSeed(seed);
  const model = new DualFormer({ ...base, ...config });
  const out = model.forward(a, b, latent);
  const result = {
    z1: out.z1.arraySync() as number[][],
    z2: out.z2.arraySync() as number[][],
    p1: out.p1.arraySync() as number[][],
    p2: out.p2.arraySync() as number[][],
    A: model.projection.arraySync() as number[][],
  };
  tf.dispose(Object.values(out));
  model.dispose();
  return result;
}

const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i][j]))));
const matVec = (m: number[][], v: number[], transpose: boolean) => m.map((_, i) => v.reduce((s, x, j) => s + (transpose ? m[j][i] : m[i][j]) * x, 0));

describe('DualFormer gradients (finite differences)', () => {
  it('d[p1, p2]/d inputs and /d every weight that reaches them', () => {
    setInitSeed(21);
    const model = new DualFormer(base);
    const forward = (a: Tensor, b: Tensor) => {
      const out = model.forward(a, b, latent);
      return tf.concat([out.p1, out.p2], -1);
    };
    expect(checkInputGrads(forward, [x1, x2]).worstRatio).toBeLessThanOrEqual(1);
    // The prediction heads are dead weights in DESA (no gradient reaches them), as in the reference.
    const live = model.namedParameters().filter(([name]) => !name.startsWith('prediction_head')).map(([, v]) => v);
    expect(live.length).toBeGreaterThan(20);
    expect(checkVariableGrads(() => forward(x1, x2), live, { maxProbes: 4 }).worstRatio).toBeLessThanOrEqual(1);
    model.dispose();
  });
});

describe('DualFormer options', () => {
  it('p1 = A z1 and p2 = Aᵀ z2 (transpose), p2 = A z2 (normal)', () => {
    for (const projectionType of ['transpose', 'normal'] as const) {
      const r = run({ projectionType });
      for (let b = 0; b < B; b++) {
        matVec(r.A, r.z1[b], false).forEach((v, i) => expect(r.p1[b][i]).toBeCloseTo(v, 5));
        matVec(r.A, r.z2[b], projectionType === 'transpose').forEach((v, i) => expect(r.p2[b][i]).toBeCloseTo(v, 5));
      }
    }
  });

  it('appends the latent labels to both pooled vectors', () => {
    const r = run({});
    const labels = latent.arraySync() as number[][];
    for (let b = 0; b < B; b++) {
      expect(r.z1[b].slice(-2)).toEqual(labels[b]);
      expect(r.z2[b].slice(-2)).toEqual(labels[b]);
    }
  });

  it("'self' attention keeps the branches apart; 'cross_self' mixes them", () => {
    const other = rand([B, L2], 99);
    const self = [run({ attentionType: 'self' }), run({ attentionType: 'self' }, x1, other)];
    expect(maxDiff(self[0].z1, self[1].z1)).toBe(0);
    expect(maxDiff(self[0].z2, self[1].z2)).toBeGreaterThan(1e-4);
    const mixed = [run({ attentionType: 'cross_self' }), run({ attentionType: 'cross_self' }, x1, other)];
    expect(maxDiff(mixed[0].z1, mixed[1].z1)).toBeGreaterThan(1e-4);
    other.dispose();
  });

  it('without RoPE, feature order is invisible (mean pooling); with RoPE it matters', () => {
    const reversed = tf.reverse(x1, 1);
    const plain = [run({ usePositionalEncoding: false }), run({ usePositionalEncoding: false }, reversed)];
    expect(maxDiff(plain[0].z1, plain[1].z1)).toBeLessThan(1e-5);
    const rope = [run({}), run({}, reversed)];
    expect(maxDiff(rope[0].z1, rope[1].z1)).toBeGreaterThan(1e-4);
    reversed.dispose();
  });

  it('post-norm blocks and the other configs build and run', () => {
    const r = run({ normFirst: false, attentionType: 'cross', pooling: 'max' });
    expect(r.z1[0]).toHaveLength(base.embedDim + base.latentDim);
    for (const size of ['tiny', 'small'] as const) {
      const m = new DualFormer(DUALFORMER_CONFIGS[size]);
      expect(m.outputWidth).toBe(DUALFORMER_CONFIGS[size].embedDim + 6);
      m.dispose();
    }
  });

  it('dropout acts in training only', () => {
    setInitSeed(3);
    const model = new DualFormer({ ...base, dropout: 0.5, attentionDropout: 0.5 });
    const evalRuns = [model.forward(x1, x2, latent), model.forward(x1, x2, latent)];
    expect(maxDiff(evalRuns[0].z1.arraySync() as number[][], evalRuns[1].z1.arraySync() as number[][])).toBe(0);
    const train = model.forward(x1, x2, latent, { training: true });
    expect(maxDiff(evalRuns[0].z1.arraySync() as number[][], train.z1.arraySync() as number[][])).toBeGreaterThan(1e-4);
    tf.dispose([...evalRuns.flatMap((o) => Object.values(o)), ...Object.values(train)]);
    model.dispose();
  });
});

describe('memory', () => {
  it('a forward pass leaves no tensors behind once its outputs are disposed', () => {
    const model = new DualFormer(base);
    const before = tf.memory().numTensors;
    const out = model.forward(x1, x2, latent, { returnTokens: true });
    tf.dispose(Object.values(out));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('labels and input validation', () => {
  it('labelsToLatent fills missing labels (NaN) with −1, or the given value', () => {
    const y = tf.tensor2d([[1.2, NaN, 0.5], [NaN, NaN, 3]]);
    expect(labelsToLatent(y).arraySync()).toEqual([[expect.closeTo(1.2, 6), -1, 0.5], [-1, -1, 3]]);
    expect(labelsToLatent(y, 0).arraySync()).toEqual([[expect.closeTo(1.2, 6), 0, 0.5], [0, 0, 3]]);
    y.dispose();
  });

  it('rejects mismatched batches and missing labels with clear errors', () => {
    const model = new DualFormer(base);
    const short = rand([1, L2], 4);
    expect(() => model.forward(x1, short, latent)).toThrow(/same B/);
    expect(() => model.forward(x1, x2, null)).toThrow(/latent must be \(B, 2\)/);
    short.dispose();
    model.dispose();
  });
});
