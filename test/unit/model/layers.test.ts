/**
 * Forward semantics of the layers against independent references: PyTorch numbers for BatchNorm1d
 * (train/eval, running statistics), and float64 JavaScript evaluations of the textbook definitions for
 * convolution, transposed convolution, attention and LayerNorm.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '../../../src/main/model/tf';
import type { Tensor } from '../../../src/main/model/tf';
import {
  BatchNorm1d, Conv1d, ConvTranspose1d, LayerNorm, RotaryMultiHeadAttention, rotaryInvFreq, rotaryTables, gelu, ConformerEncoder,
} from '../../../src/main/model/layers';
import { setInitSeed } from '../../../src/main/model/params';

beforeAll(async () => {
  await tf.setBackend('cpu');
  setInitSeed(3);
});

const values = (t: Tensor): Float64Array => Float64Array.from(t.dataSync());
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('BatchNorm1d matches torch.nn.BatchNorm1d', () => {
  // Produced by PyTorch 1.13: BatchNorm1d(2), weight [1.5, −0.5], bias [0.1, 0.2], x[n,c,l] =
  // sin(1 + 7n + 3c + l)·(c+1) for N=3, C=2, L=2; train() forward, forward(2x), then eval().
  const Y_TRAIN = [0.9835647, 1.2179378, 0.3485821, 0.610709, 1.4945867, -0.5000554, 0.6639664, 0.0629716, 0.3229347, -2.9189689, 0.3410404, -0.8272693];
  const RM1 = [0.05857716128230095, -0.12844666838645935];
  const RV1 = [0.9226111769676208, 0.9713471531867981];
  const RM2 = [0.16987377405166626, -0.3724953532218933];
  const RV2 = [0.9207947254180908, 1.1596012115478516];
  const Y_EVAL = [1.1498237, 1.2558483, 0.7298356, 0.9175325, 1.3809973, 0.4786708, 0.9556676, 0.5253233, 0.8509711, -0.6155855, 0.7244354, -0.1121364];

  // (N, C, L) as PyTorch lays it out; our layers are channels-last, so transpose in and out.
  const ncl = tf.tensor3d(
    Array.from({ length: 12 }, (_, idx) => {
      const n = Math.floor(idx / 4), c = Math.floor(idx / 2) % 2, l = idx % 2;
      return Math.sin(1 + n * 7 + c * 3 + l) * (c + 1);
    }),
    [3, 2, 2],
  );
  const run = (bn: BatchNorm1d, x: Tensor, training: boolean) => values(tf.transpose(bn.forward(tf.transpose(x, [0, 2, 1]), training), [0, 2, 1]));

  it('train mode normalises with batch statistics and updates running stats with the unbiased variance', () => {
    const bn = new BatchNorm1d(2);
    bn.weight.assign(tf.tensor1d([1.5, -0.5]));
    bn.bias.assign(tf.tensor1d([0.1, 0.2]));
    expect(maxDiff(run(bn, ncl, true), Y_TRAIN)).toBeLessThan(2e-6);
    expect(maxDiff(values(bn.runningMean), RM1)).toBeLessThan(1e-6);
    expect(maxDiff(values(bn.runningVar), RV1)).toBeLessThan(1e-6);
    expect(bn.numBatchesTracked.dataSync()[0]).toBe(1);
    run(bn, tf.mul(ncl, 2), true);
    expect(maxDiff(values(bn.runningMean), RM2)).toBeLessThan(1e-6);
    expect(maxDiff(values(bn.runningVar), RV2)).toBeLessThan(1e-6);
    expect(maxDiff(run(bn, ncl, false), Y_EVAL)).toBeLessThan(2e-6);
  });
});

/** PyTorch Conv1d by definition, float64, x (B, L, Cin) channels-last, w (out, in, k). */
function conv1dRef(x: Float64Array, [b, len, cin]: number[], w: Float64Array, cout: number, k: number, stride: number, pad: number): Float64Array {
  const lout = Math.floor((len + 2 * pad - k) / stride) + 1;
  const y = new Float64Array(b * lout * cout);
  for (let n = 0; n < b; n++)
    for (let t = 0; t < lout; t++)
      for (let o = 0; o < cout; o++) {
        let s = 0;
        for (let j = 0; j < k; j++) {
          const src = t * stride + j - pad;
          if (src < 0 || src >= len) continue;
          for (let i = 0; i < cin; i++) s += x[(n * len + src) * cin + i] * w[(o * cin + i) * k + j];
        }
        y[(n * lout + t) * cout + o] = s;
      }
  return y;
}

/** PyTorch ConvTranspose1d by definition (scatter form), float64, w (in, out, k). */
function convTransposeRef(x: Float64Array, [b, len, cin]: number[], w: Float64Array, cout: number, k: number, stride: number, pad: number): Float64Array {
  const lout = (len - 1) * stride - 2 * pad + k;
  const y = new Float64Array(b * lout * cout);
  for (let n = 0; n < b; n++)
    for (let t = 0; t < len; t++)
      for (let i = 0; i < cin; i++)
        for (let j = 0; j < k; j++) {
          const dst = t * stride + j - pad;
          if (dst < 0 || dst >= lout) continue;
          for (let o = 0; o < cout; o++) y[(n * lout + dst) * cout + o] += x[(n * len + t) * cin + i] * w[(i * cout + o) * k + j];
        }
  return y;
}

describe('convolutions match their definitions', () => {
  for (const impl of ['im2col', 'native'] as const) {
    it(`Conv1d ${impl}: same padding, stride-16 patches`, () => {
      const c1 = new Conv1d(3, 5, 3, { padding: 'same', bias: false, impl });
      const x = tf.randomNormal([2, 11, 3], 0, 1, 'float32', 1);
      expect(maxDiff(values(c1.forward(x)), conv1dRef(values(x), x.shape, values(c1.weight), 5, 3, 1, 1))).toBeLessThan(1e-5);
      const patch = new Conv1d(2, 4, 16, { stride: 16, bias: false, impl });
      const y = tf.randomNormal([2, 64, 2], 0, 1, 'float32', 2);
      expect(maxDiff(values(patch.forward(y)), conv1dRef(values(y), y.shape, values(patch.weight), 4, 16, 16, 0))).toBeLessThan(1e-5);
    });

    it(`ConvTranspose1d ${impl}: k4 s2 p1 doubles the length`, () => {
      const up = new ConvTranspose1d(3, 2, 4, { stride: 2, padding: 1, bias: false, impl });
      const x = tf.randomNormal([2, 7, 3], 0, 1, 'float32', 3);
      const y = up.forward(x);
      expect(y.shape).toEqual([2, 14, 2]);
      expect(maxDiff(values(y), convTransposeRef(values(x), x.shape, values(up.weight), 2, 4, 2, 1))).toBeLessThan(1e-5);
    });
  }
});

describe('normalisation, activation and attention match float64 definitions', () => {
  it('LayerNorm uses the biased variance and eps 1e-5', () => {
    const ln = new LayerNorm(4);
    ln.weight.assign(tf.tensor1d([1, 2, 3, 4]));
    ln.bias.assign(tf.tensor1d([0.5, 0, -0.5, 1]));
    const row = [1, 2, 4, 8];
    const mean = 3.75;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / 4;
    const expected = row.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-5)) * (i + 1) + [0.5, 0, -0.5, 1][i]);
    expect(maxDiff(values(ln.forward(tf.tensor2d([row]))), expected)).toBeLessThan(1e-5);
  });

  it('GELU is the exact erf form (not the tanh approximation)', () => {
    // Reference values of 0.5·x·(1 + erf(x/√2)) (PyTorch nn.GELU()).
    expect(maxDiff(values(gelu(tf.tensor1d([-2, -0.5, 0.5, 1, 3]))), [-0.04550026, -0.15426877, 0.34573123, 0.84134475, 2.99595031])).toBeLessThan(1e-6);
  });

  it('rotary inverse frequencies are 10000^(−2i/d)', () => {
    const f = rotaryInvFreq(16);
    expect(f.length).toBe(8);
    for (let i = 0; i < 8; i++) expect(f[i]).toBeCloseTo(Math.pow(10000, (-2 * i) / 16), 7);
  });

  it('MHA_rotary: float64 reference with RoPE on the first half of each head', () => {
    const dim = 8, heads = 2, hs = 4, rot = 2, T = 3;
    const mha = new RotaryMultiHeadAttention({ dim, numHeads: heads });
    expect(mha.rotaryDims).toBe(rot);
    const x = tf.randomNormal([1, T, dim], 0, 1, 'float32', 4);
    const tables = rotaryTables(T, rotaryInvFreq(rot));
    const got = values(mha.forward(x, tables));

    const X = values(x);
    const lin = (l: { weight: Tensor; bias: Tensor | null }, v: number[]) => {
      const W = values(l.weight), b = values(l.bias!);
      return Array.from({ length: dim }, (_, o) => v.reduce((s, xi, i) => s + xi * W[o * dim + i], b[o]));
    };
    const rows = [...Array(T).keys()].map((t) => Array.from(X.subarray(t * dim, (t + 1) * dim)));
    const inv = rotaryInvFreq(rot);
    const rope = (v: number[], t: number) => {
      // rotate-half on [v0, v1] with angle t·inv[0]; v2, v3 pass through
      const a = t * inv[0];
      return [v[0] * Math.cos(a) - v[1] * Math.sin(a), v[1] * Math.cos(a) + v[0] * Math.sin(a), v[2], v[3]];
    };
    const Q = rows.map((r) => lin(mha.query, r)), K = rows.map((r) => lin(mha.key, r)), V = rows.map((r) => lin(mha.value, r));
    const merged = rows.map(() => new Array(dim).fill(0));
    for (let h = 0; h < heads; h++) {
      const head = (M: number[][], t: number) => M[t].slice(h * hs, (h + 1) * hs);
      for (let t = 0; t < T; t++) {
        const q = rope(head(Q, t), t);
        const scores = [...Array(T).keys()].map((s) => rope(head(K, s), s).reduce((acc, kv, i) => acc + kv * q[i], 0) / Math.sqrt(hs));
        const mx = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - mx));
        const z = e.reduce((a, b) => a + b, 0);
        for (let s = 0; s < T; s++) head(V, s).forEach((vv, i) => (merged[t][h * hs + i] += (e[s] / z) * vv));
      }
    }
    const expected = merged.flatMap((r) => lin(mha.output, r));
    expect(maxDiff(got, expected)).toBeLessThan(1e-5);
  });
});

describe('initialisation follows the reference (deepnorm_init, Conformer Linear wrapper)', () => {
  const std = (t: Tensor) => {
    const v = Array.from(t.dataSync());
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
  };

  it('attention q/k get xavier_normal(1), v/output xavier_normal(β), zero biases; FFN xavier_uniform', () => {
    const d = 128;
    const beta = 0.913;
    const enc = new ConformerEncoder({ blocks: ['mhsa_pro', 'ffn'], numLayers: 1, encoderDim: d, numHeads: 4, kernelSize: 3, dropout: 0, norm: 'postnorm', deepNormBeta: beta });
    const sd = enc.stateDict();
    const w = (k: string) => sd.get(`blocks.0.modlist.${k}`)!;
    const xavier = Math.sqrt(2 / (2 * d));
    expect(std(w('0.module.query.weight')) / xavier).toBeCloseTo(1, 1);
    expect(std(w('0.module.key.weight')) / xavier).toBeCloseTo(1, 1);
    expect(std(w('0.module.value.weight')) / (beta * xavier)).toBeCloseTo(1, 1);
    expect(std(w('0.module.output.weight')) / (beta * xavier)).toBeCloseTo(1, 1);
    for (const b of ['query', 'key', 'value', 'output']) expect(w(`0.module.${b}.bias`).dataSync().every((x) => x === 0)).toBe(true);
    const ffnBound = Math.sqrt(6 / (d + 4 * d));
    expect(w('1.module.sequential.1.linear.weight').dataSync().every((x) => Math.abs(x) <= ffnBound)).toBe(true);
    expect(std(w('1.module.sequential.1.linear.weight')) / (ffnBound / Math.sqrt(3))).toBeCloseTo(1, 1);
    expect(w('1.module.sequential.4.linear.bias').dataSync().every((x) => x === 0)).toBe(true);
    enc.dispose();
  });
});
