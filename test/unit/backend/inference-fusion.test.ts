/**
 * The inference fast path (no gradient tape, eval mode) must compute what the layers compute one by one with tfjs's
 * plain cpu kernels: Conv1d → eval BatchNorm1d (running statistics) → SiLU → MaxPool1d as one native kernel with the
 * BatchNorm folded into the conv. Checked per geometry, for the NaN rule of max-pool, after weights change (no stale
 * folding), for the whole CNN + Conformer encoder of DESA's tiny spectra model, and for the fallbacks: no native
 * kernels, or a recording gradient tape (a frozen eval-mode encoder under a trained head keeps its gradients).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { tf } from '../../../src/main/model/tf';
import type { Tensor } from '../../../src/main/model/tf';
import { inferenceAttention, inferenceConvBlock } from '../../../src/main/model/backend/fused-layers';
import { RotaryMultiHeadAttention } from '../../../src/main/model/layers/attention';
import { Linear } from '../../../src/main/model/layers/linear';
import { FeedForward } from '../../../src/main/model/layers/feed-forward';
import { inferenceResidualLayerNorm } from '../../../src/main/model/backend/fused-layers';
import { LayerNorm } from '../../../src/main/model/layers/norm';
import { rotaryInvFreq, rotaryTables } from '../../../src/main/model/layers/rope';
import { Conv1d, maxPool1d } from '../../../src/main/model/layers/conv';
import { BatchNorm1d } from '../../../src/main/model/layers/norm';
import { silu, sine } from '../../../src/main/model/layers/activations';
import { setInitSeed } from '../../../src/main/model/params';
import { SpectraEncoderModel } from '../../../src/main/model/spectra/multitask-regressor';
import { LIGHT_CURVE_ENCODER_CONFIGS, SPECTRA_ENCODER_CONFIGS } from '../../../src/main/model/configs';
import { LightCurveEncoderModel } from '../../../src/main/model/lightcurve/multitask-simsiam';
import { loadStateDict, type StateDict } from '../../../src/main/model/params';
import { loadFixture, maxAbsDiff } from '../../helpers/fixtures';
import { expectClose, withNative } from './native-compare';

await tf.setBackend('cpu');

const rand = (shape: number[], seed: number, mean = 0, std = 1) => tf.randomNormal(shape, mean, std, 'float32', seed);

/** A BatchNorm1d with non-trivial running statistics and affine parameters (as after training). */
function trainedNorm(c: number, seed: number): BatchNorm1d {
  const bn = new BatchNorm1d(c);
  bn.weight.assign(rand([c], seed, 1, 0.3));
  bn.bias.assign(rand([c], seed + 1, 0, 0.5));
  bn.runningMean.assign(rand([c], seed + 2, 0, 0.7));
  bn.runningVar.assign(tf.abs(rand([c], seed + 3, 1, 0.5)));
  return bn;
}

/** The block op by op with tfjs's plain kernels. */
function plainBlock(x: Tensor, conv: Conv1d, bn: BatchNorm1d | null, act: boolean | { sine: number }, pool: number): Float32Array {
  return withNative(false, () => tf.tidy(() => {
    let h: Tensor = conv.forward(x);
    if (bn) h = bn.forward(h, false);
    if (act === true) h = silu(h);
    else if (act) h = sine(h, act.sine);
    if (pool > 1) h = maxPool1d(h, pool);
    return h.dataSync().slice() as Float32Array;
  }));
}

function fusedBlock(x: Tensor, conv: Conv1d, bn: BatchNorm1d | null, act: boolean | { sine: number }, pool: number): Tensor | null {
  const [padLeft, padRight] = conv.paddingLeftRight();
  return inferenceConvBlock(x, {
    weight: conv.weight, bias: conv.bias, padLeft, padRight, norm: bn?.evalParameters() ?? null,
    act: act === true ? 'silu' : act || null, pool,
  });
}

describe('inference conv block (Conv1d → eval BatchNorm → SiLU → MaxPool1d in one native kernel)', () => {
  it('returns null without the native kernels and while a gradient tape records', () => {
    setInitSeed(1);
    const conv = new Conv1d(3, 4, 3, { padding: 'same', bias: false });
    const x = rand([2, 8, 3], 1);
    expect(fusedBlock(x, conv, null, true, 1)).toBeNull();
    withNative(true, () => {
      expect(fusedBlock(x, conv, null, true, 1)).not.toBeNull();
      let insideTape: Tensor | null | undefined;
      tf.grad((t: Tensor) => {
        insideTape = fusedBlock(t, conv, null, true, 1);
        return tf.sum(conv.forward(t));
      })(x);
      expect(insideTape).toBeNull();
    });
    conv.dispose();
  });

  // [batch, length, Cin, Cout, k, padding, bias, norm, act, pool]
  const cases: [number, number, number, number, number, 'same' | number, boolean, boolean, boolean, number][] = [
    [3, 64, 1, 16, 3, 'same', false, true, true, 2], // the CNN stem
    [2, 37, 5, 7, 3, 'same', false, true, true, 2], // odd length: the last row is dropped by the pool
    [4, 16, 8, 8, 4, 'same', true, true, true, 3], // even kernel: asymmetric 'same' padding, pool 3 over 16
    [2, 300, 16, 32, 3, 'same', false, true, true, 2], // several tiles, tiles crossing batch elements
    [3, 9, 6, 5, 5, 0, true, false, false, 1], // valid conv, bias only: a plain Conv1d
    [2, 11, 4, 6, 3, 2, true, true, false, 1], // wider padding, norm without activation
    [2, 20, 3, 4, 1, 0, false, false, true, 2], // pointwise conv → SiLU → pool
  ];
  for (const [b, len, cin, cout, k, padding, bias, norm, act, pool] of cases) {
    it(`B${b} L${len} ${cin}→${cout} k${k} padding ${padding}${bias ? ' bias' : ''}${norm ? ' BN' : ''}${act ? ' SiLU' : ''} pool ${pool} equals the layers`, () => {
      setInitSeed(len + cin);
      const conv = new Conv1d(cin, cout, k, { padding, bias });
      const bn = norm ? trainedNorm(cout, len) : null;
      const x = rand([b, len, cin], 7, 0, 2);
      const expected = plainBlock(x, conv, bn, act, pool);
      const got = withNative(true, () => fusedBlock(x, conv, bn, act, pool));
      expect(got!.shape).toEqual([b, Math.floor(((padding === 'same' ? len : len + 2 * padding - k + 1)) / pool), cout]);
      expectClose(expected, got!.dataSync(), 2e-6);
      conv.dispose();
      bn?.dispose();
    });
  }

  for (const w0 of [1, 2.5]) {
    it(`sin(${w0}·x) activation (the light-curve CNN) equals the layers`, () => {
      setInitSeed(9);
      const conv = new Conv1d(2, 16, 3, { padding: 'same', bias: false });
      const bn = trainedNorm(16, 30);
      const x = rand([3, 41, 2], 10, 0, 2);
      const got = withNative(true, () => fusedBlock(x, conv, bn, { sine: w0 }, 2));
      // sin(w0·x) scales the folding's float32 rounding in x by up to w0
      expectClose(plainBlock(x, conv, bn, { sine: w0 }, 2), got!.dataSync(), 2e-6 * w0);
      conv.dispose();
      bn.dispose();
    });
  }

  it('max-pool propagates NaN and ±Infinity as the plain max does', () => {
    setInitSeed(3);
    const conv = new Conv1d(1, 2, 1, { bias: false });
    conv.weight.assign(tf.tensor3d([[[1]], [[-1]]]));
    const x = tf.tensor3d([[[1], [NaN], [2], [3], [-Infinity], [-Infinity], [Infinity], [5]]]);
    const got = withNative(true, () => fusedBlock(x, conv, null, false, 2))!.dataSync();
    // windows (1, NaN), (2, 3), (−∞, −∞), (∞, 5) on channel w = 1 and on the negated channel
    expect(Array.from(got)).toEqual([NaN, NaN, 3, -2, -Infinity, Infinity, Infinity, -5]);
    expect(Array.from(plainBlock(x, conv, null, false, 2))).toEqual(Array.from(got));
    conv.dispose();
  });

  it('follows new weights and statistics at once (the folding is never cached)', () => {
    setInitSeed(4);
    const conv = new Conv1d(4, 6, 3, { padding: 'same', bias: false });
    const bn = trainedNorm(6, 10);
    const x = rand([2, 12, 4], 8);
    const before = withNative(true, () => fusedBlock(x, conv, bn, true, 2)!.dataSync().slice());
    conv.weight.assign(rand([6, 4, 3], 11));
    bn.runningVar.assign(tf.abs(rand([6], 12, 2, 1)));
    const after = withNative(true, () => fusedBlock(x, conv, bn, true, 2)!.dataSync());
    expect(Array.from(after)).not.toEqual(Array.from(before));
    expectClose(plainBlock(x, conv, bn, true, 2), after, 2e-6);
    conv.dispose();
    bn.dispose();
  });
});

describe('inference attention (q/k/v, RoPE, softmax, heads and output projection in one native call)', () => {
  // [batch, T, D, heads, rotary fraction, table length]
  const cases: [number, number, number, number, number, number][] = [
    [2, 10, 32, 4, 0.5, 10], // the Conformer's layout: RoPE on half of each head
    [3, 7, 24, 2, 1, 16], // RoPE over the whole head, tables longer than T, D not a multiple of 16 (OpenBLAS path)
    [2, 5, 16, 1, 0.25, 5], // one head
  ];
  for (const [b, t, dim, heads, fraction, tableLen] of cases) {
    it(`B${b} T${t} D${dim} ${heads} heads, RoPE fraction ${fraction}: equals the op-by-op module`, () => {
      setInitSeed(dim + t);
      const mha = new RotaryMultiHeadAttention({ dim, numHeads: heads, rotaryFraction: fraction });
      for (const lin of [mha.query, mha.key, mha.value, mha.output]) lin.bias!.assign(rand([dim], dim + 1, 0, 0.2));
      const rope = rotaryTables(tableLen, rotaryInvFreq(mha.rotaryDims));
      const x = rand([b, t, dim], 9);
      const expected = withNative(false, () => tf.tidy(() => mha.forward(x, rope).dataSync().slice()));
      const got = withNative(true, () => inferenceAttention(x, mha, rope.cos, rope.sin, heads));
      expect(got!.shape).toEqual([b, t, dim]);
      expectClose(expected, got!.dataSync(), 2e-6);
      mha.dispose();
    });
  }

  it('steps aside for a key mask and while a gradient tape records', () => {
    setInitSeed(5);
    const mha = new RotaryMultiHeadAttention({ dim: 16, numHeads: 2 });
    const rope = rotaryTables(6, rotaryInvFreq(mha.rotaryDims));
    const x = rand([2, 6, 16], 3);
    const mask = tf.tensor2d([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]]);
    const masked = (native: boolean) => withNative(native, () => tf.tidy(() => mha.forward(x, rope, mask).dataSync().slice()));
    expectClose(masked(false), masked(true), 2e-6);
    withNative(true, () => {
      let insideTape: Tensor | null | undefined;
      tf.grad((t: Tensor) => {
        insideTape = inferenceAttention(t, mha, rope.cos, rope.sin, 2);
        return tf.sum(mha.forward(t, rope));
      })(x);
      expect(insideTape).toBeNull();
    });
    mha.dispose();
  });
});

describe('Linear on the AVX-512 GEMM (output width a multiple of 16)', () => {
  it('equals matMul + bias with the plain kernels, with gradients', () => {
    setInitSeed(6);
    const lin = new Linear(40, 48);
    lin.bias!.assign(rand([48], 2, 0, 0.5));
    const x = rand([37, 40], 4);
    const run = (native: boolean) => withNative(native, () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(lin.forward(x))) as tf.Scalar, [lin.weight, lin.bias!]);
      return [lin.forward(x), value, grads[lin.weight.name], grads[lin.bias!.name]].map((t) => t.dataSync().slice());
    });
    const plain = run(false), native = run(true);
    plain.forEach((p, i) => expectClose(p, native[i], 2e-5));
    lin.dispose();
  });
});

describe('feed-forward inference (Linear → SiLU in one pass)', () => {
  it('eval-mode FeedForward equals the op-by-op module, and training mode still differentiates', () => {
    setInitSeed(8);
    const ffn = new FeedForward(16, 0.2);
    const x = rand([3, 5, 16], 4);
    const evalOut = (native: boolean) => withNative(native, () => tf.tidy(() => ffn.forward(x, false).dataSync().slice()));
    expectClose(evalOut(false), evalOut(true), 2e-6);
    const grad = (native: boolean) => withNative(native, () => tf.grad((t: Tensor) => tf.sum(tf.square(ffn.forward(t, false))))(x).dataSync().slice());
    expectClose(grad(false), grad(true), 2e-5);
    ffn.dispose();
  });
});

describe('post-norm residual inference (LayerNorm(f + x·factor) in one pass)', () => {
  it('equals add, mul and the LayerNorm with plain kernels, and steps aside while a tape records', () => {
    const norm = new LayerNorm(24);
    norm.weight.assign(rand([24], 1, 1, 0.3));
    norm.bias.assign(rand([24], 2, 0, 0.3));
    const f = rand([3, 7, 24], 3), x = rand([3, 7, 24], 4, 0.5, 2), factor = tf.scalar(1.7);
    const expected = withNative(false, () => tf.tidy(() => norm.forward(tf.add(f, tf.mul(x, factor))).dataSync().slice()));
    const got = withNative(true, () => inferenceResidualLayerNorm(f, x, factor, norm.weight, norm.bias, norm.eps));
    expectClose(expected, got!.dataSync(), 2e-6);
    withNative(true, () => {
      let insideTape: Tensor | null | undefined;
      tf.grad((t: Tensor) => {
        insideTape = inferenceResidualLayerNorm(f, t, factor, norm.weight, norm.bias, norm.eps);
        return tf.sum(t);
      })(x);
      expect(insideTape).toBeNull();
    });
    norm.dispose();
  });
});

describe('training GEMMs on the AVX-512 kernel (widths that are multiples of 16)', () => {
  for (const [tA, m, k, n] of [[false, 19, 23, 32], [true, 21, 9, 48], [false, 8, 40, 16], [true, 33, 17, 16]] as [boolean, number, number, number][]) {
    it(`matMul ${tA ? 'aᵀ' : 'a'}·b, ${m}×${k} by ${k}×${n}, with gradients`, () => {
      const a = rand(tA ? [3, k, m] : [3, m, k], 1), b = rand([3, k, n], 2);
      const f = (x: Tensor, y: Tensor) => tf.matMul(x, y, tA, false);
      const run = (native: boolean) => withNative(native, () => {
        const w = rand([3, m, n], 3);
        const grads = tf.grads((x: Tensor, y: Tensor) => tf.sum(tf.mul(f(x, y), w)))([a, b]);
        return [f(a, b), ...grads].map((t) => t.dataSync().slice());
      });
      const plain = run(false), native = run(true);
      plain.forEach((p, i) => expectClose(p, native[i], 2e-5));
    });
  }

  it("Conv1d 16→32, k3 'same' (a CNN block's shapes): output and gradients for x and weight", () => {
    setInitSeed(7);
    const conv = new Conv1d(16, 32, 3, { padding: 'same', bias: false });
    const x = rand([3, 29, 16], 5);
    const run = (native: boolean) => withNative(native, () => {
      const w = rand([3, 29, 32], 6);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(conv.forward(x), w)) as tf.Scalar, [conv.weight]);
      const dx = tf.grad((t: Tensor) => tf.sum(tf.mul(conv.forward(t), w)))(x);
      return [value, grads[conv.weight.name], dx].map((t) => t.dataSync().slice());
    });
    const plain = run(false), native = run(true);
    plain.forEach((p, i) => expectClose(p, native[i], 2e-5));
    conv.dispose();
  });
});

describe("DESA's spectra encoder in eval mode", () => {
  /** The tiny model with every BatchNorm given trained-like statistics. */
  function model(): SpectraEncoderModel {
    setInitSeed(21);
    const m = new SpectraEncoderModel(SPECTRA_ENCODER_CONFIGS.tiny);
    let seed = 100;
    for (const mod of m.modules()) {
      if (!(mod instanceof BatchNorm1d)) continue;
      const c = mod.numFeatures;
      mod.runningMean.assign(rand([c], seed++, 0, 0.3));
      mod.runningVar.assign(tf.abs(rand([c], seed++, 1, 0.3)));
      mod.weight.assign(rand([c], seed++, 1, 0.2));
    }
    return m;
  }

  it('embeds the same features with the fused inference path as with plain kernels', () => {
    const m = model();
    const x = rand([3, SPECTRA_ENCODER_CONFIGS.tiny.inputLength], 5);
    const plain = withNative(false, () => tf.tidy(() => m.encode(x, false)).dataSync().slice());
    const fused = withNative(true, () => tf.tidy(() => m.encode(x, false)).dataSync().slice());
    expectClose(plain, fused, 2e-5);
    m.dispose();
  });

  it('keeps gradients through the eval-mode encoder (frozen encoder under a trained head)', () => {
    const m = model();
    const x = rand([2, SPECTRA_ENCODER_CONFIGS.tiny.inputLength], 6);
    const gradOf = (native: boolean) => withNative(native, () => {
      const g = tf.grad((t: Tensor) => tf.sum(tf.square(m.encode(t, false))))(x);
      return g.dataSync().slice();
    });
    const plain = gradOf(false);
    expect(plain.some((v) => v !== 0)).toBe(true);
    expectClose(plain, gradOf(true), 1e-4);
    m.dispose();
  });
});

describe("the authors' spectra encoder fixture through the native inference path", () => {
  it('reproduces the fixture CNN tokens, Conformer tokens and features within the parity tolerances', () => {
    const fx = loadFixture('models/spectra_encoder');
    const prefix = 'state_dict/';
    const stateDict: StateDict = new Map(fx.names().filter((n) => n.startsWith(prefix)).map((n) => [n.slice(prefix.length), fx.array(n)]));
    const m = new SpectraEncoderModel(SPECTRA_ENCODER_CONFIGS.small, { convImpl: 'native' });
    loadStateDict(m, stateDict, { source: 'models/spectra_encoder' });
    const x = tf.tensor(fx.f32('input/x'), fx.shape('input/x'));
    const [cnnTokens, conformerTokens, features] = withNative(true, () => tf.tidy(() => {
      const out = m.encoder.forward(x, false);
      return [out.cnnTokens, out.conformerTokens, out.features].map((t) => t.dataSync().slice() as Float32Array);
    }));
    // the tolerances of test/parity/model-spectra.test.ts (shared/fixtures/reference/README.md §3.5)
    expect(maxAbsDiff(cnnTokens, fx.f32('output/cnn_tokens'))).toBeLessThan(5e-5);
    expect(maxAbsDiff(conformerTokens, fx.f32('output/conformer_tokens'))).toBeLessThan(2e-4);
    expect(maxAbsDiff(features, fx.f32('output/features'))).toBeLessThan(5e-3);
    m.dispose();
  });
});

describe("the authors' light-curve encoder fixture through the native inference path", () => {
  it('reproduces the fixture CNN features (sine activation), Astroconformer tokens and z within the parity tolerances', () => {
    const fx = loadFixture('models/lc_encoder');
    const prefix = 'state_dict/';
    const stateDict: StateDict = new Map(fx.names().filter((n) => n.startsWith(prefix)).map((n) => [n.slice(prefix.length), fx.array(n)]));
    const m = new LightCurveEncoderModel(LIGHT_CURVE_ENCODER_CONFIGS.small, { convImpl: 'native' });
    loadStateDict(m, stateDict, { source: 'models/lc_encoder' });
    const view = (name: string) => tf.tensor(fx.f32(name), fx.shape(name));
    const [cnn, tokens, z1] = withNative(true, () => tf.tidy(() => {
      const out = m.forward({ view1: view('input/view1'), view2: view('input/view2') }, { training: false });
      return [out.view1.cnnFeatures, out.view1.astroconformerTokens, out.z1].map((t) => t.dataSync().slice() as Float32Array);
    }));
    // the tolerances of test/parity/model-lc.test.ts
    expect(maxAbsDiff(cnn, fx.f32('output/cnn_features_view1'))).toBeLessThan(1e-5);
    expect(maxAbsDiff(tokens, fx.f32('output/astroconformer_tokens_view1'))).toBeLessThan(5e-4);
    expect(maxAbsDiff(z1, fx.f32('output/z1'))).toBeLessThan(5e-4);
    m.dispose();
  });
});

afterAll(() => tf.disposeVariables());
