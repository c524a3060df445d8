/**
 * Finite-difference gradient checks (float32, central differences) for every custom layer and op of
 * the model code: attention, RoPE, im2col and native conv1d, transposed and depthwise conv, BatchNorm
 * (train mode), LayerNorm, Linear, activations, and whole Conformer blocks.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '../../../src/main/model/tf';
import type { Tensor } from '../../../src/main/model/tf';
import {
  Linear, Conv1d, ConvTranspose1d, DepthwiseConv1d, BatchNorm1d, LayerNorm, RotaryMultiHeadAttention,
  applyPartialRotary, rotaryTables, rotaryInvFreq, scaledDotProductAttention, gelu, silu, sine,
  ConformerEncoder, conv1dNWC, FeedForward, maxPool1d,
} from '../../../src/main/model/layers';
import { setInitSeed } from '../../../src/main/model/params';
import { checkInputGrads, checkVariableGrads } from './gradcheck';

const rand = (shape: number[], seed: number, scale = 1): Tensor => tf.randomUniform(shape, -scale, scale, 'float32', seed);

beforeAll(async () => {
  await tf.setBackend('cpu');
  setInitSeed(42);
});

describe('gradient checks (finite differences)', () => {
  it('activations: GELU (exact erf form), SiLU, sine', () => {
    const x = rand([2, 5], 1, 2);
    expect(checkInputGrads((a) => gelu(a), [x]).worstRatio).toBeLessThanOrEqual(1);
    expect(checkInputGrads((a) => silu(a), [x]).worstRatio).toBeLessThanOrEqual(1);
    expect(checkInputGrads((a) => sine(a, 1.5), [x]).worstRatio).toBeLessThanOrEqual(1);
  });

  it('Linear: input, weight and bias', () => {
    const lin = new Linear(4, 3);
    const x = rand([2, 5, 4], 2);
    expect(checkInputGrads((a) => lin.forward(a), [x]).worstRatio).toBeLessThanOrEqual(1);
    expect(checkVariableGrads(() => lin.forward(x), lin.trainableVariables).worstRatio).toBeLessThanOrEqual(1);
  });

  for (const impl of ['im2col', 'native'] as const) {
    it(`Conv1d (${impl}): 'same' padding and the stride = kernel patch embedding`, () => {
      const same = new Conv1d(3, 4, 3, { padding: 'same', bias: false, impl });
      const x = rand([2, 7, 3], 3);
      expect(checkInputGrads((a) => same.forward(a), [x]).worstRatio).toBeLessThanOrEqual(1);
      expect(checkVariableGrads(() => same.forward(x), same.trainableVariables).worstRatio).toBeLessThanOrEqual(1);
      const patch = new Conv1d(2, 3, 4, { stride: 4, bias: true, impl });
      const y = rand([2, 12, 2], 4);
      expect(checkInputGrads((a) => patch.forward(a), [y]).worstRatio).toBeLessThanOrEqual(1);
      expect(checkVariableGrads(() => patch.forward(y), patch.trainableVariables).worstRatio).toBeLessThanOrEqual(1);
    });

    it(`ConvTranspose1d (${impl}): k4 s2 p1 and k3 s1 p1 with bias`, () => {
      const up = new ConvTranspose1d(3, 2, 4, { stride: 2, padding: 1, bias: false, impl });
      const x = rand([2, 5, 3], 5);
      expect(checkInputGrads((a) => up.forward(a), [x]).worstRatio).toBeLessThanOrEqual(1);
      expect(checkVariableGrads(() => up.forward(x), up.trainableVariables).worstRatio).toBeLessThanOrEqual(1);
      const fin = new ConvTranspose1d(2, 1, 3, { stride: 1, padding: 1, bias: true, impl });
      expect(checkVariableGrads(() => fin.forward(rand([1, 6, 2], 6)), fin.trainableVariables).worstRatio).toBeLessThanOrEqual(1);
    });
  }

  it('max pooling (odd length, floor mode): finite differences and tfjs-cpu MaxPool kernel gradients', () => {
    const x = rand([2, 9, 3], 19);
    expect(checkInputGrads((a) => maxPool1d(a, 2), [x], { eps: 1e-3 }).worstRatio).toBeLessThanOrEqual(1);
    const w = rand([2, 4, 3], 20);
    const ours = tf.grad((a: Tensor) => tf.sum(tf.mul(maxPool1d(a, 2), w)))(x).dataSync();
    const kernel = tf.grad((a: Tensor) => {
      const pooled = tf.maxPool(tf.reshape(a, [2, 1, 9, 3]) as tf.Tensor4D, [1, 2], [1, 2], 'valid');
      return tf.sum(tf.mul(tf.reshape(pooled, [2, 4, 3]), w));
    })(x).dataSync();
    let m = 0;
    for (let i = 0; i < ours.length; i++) m = Math.max(m, Math.abs(ours[i] - kernel[i]));
    expect(m).toBeLessThan(1e-6);
  });

  it('DepthwiseConv1d', () => {
    const dw = new DepthwiseConv1d(3, 3, { padding: 1, bias: true });
    const x = rand([2, 6, 3], 7);
    expect(checkInputGrads((a) => dw.forward(a), [x]).worstRatio).toBeLessThanOrEqual(1);
    expect(checkVariableGrads(() => dw.forward(x), dw.trainableVariables).worstRatio).toBeLessThanOrEqual(1);
  });

  it('BatchNorm1d in training mode (batch statistics) and LayerNorm', () => {
    const bn = new BatchNorm1d(3);
    const x = rand([4, 5, 3], 8, 2);
    expect(checkInputGrads((a) => bn.forward(a, true), [x]).worstRatio).toBeLessThanOrEqual(1);
    expect(checkVariableGrads(() => bn.forward(x, true), bn.trainableVariables).worstRatio).toBeLessThanOrEqual(1);
    const ln = new LayerNorm(6);
    const y = rand([2, 3, 6], 9, 2);
    expect(checkInputGrads((a) => ln.forward(a), [y]).worstRatio).toBeLessThanOrEqual(1);
    expect(checkVariableGrads(() => ln.forward(y), ln.trainableVariables).worstRatio).toBeLessThanOrEqual(1);
  });

  it('partial RoPE (rotate-half on the first features of each head)', () => {
    const tables = rotaryTables(5, rotaryInvFreq(4));
    const x = rand([2, 2, 5, 8], 10);
    expect(checkInputGrads((a) => applyPartialRotary(a, tables), [x]).worstRatio).toBeLessThanOrEqual(1);
  });

  it('scaled dot-product attention w.r.t. q, k and v', () => {
    const q = rand([1, 2, 4, 3], 11);
    const k = rand([1, 2, 5, 3], 12);
    const v = rand([1, 2, 5, 3], 13);
    expect(checkInputGrads((a, b, c) => scaledDotProductAttention(a, b, c), [q, k, v]).worstRatio).toBeLessThanOrEqual(1);
  });

  it('RoPE multi-head attention (MHA_rotary) w.r.t. input and all projections', () => {
    const mha = new RotaryMultiHeadAttention({ dim: 8, numHeads: 2 });
    const tables = rotaryTables(5, rotaryInvFreq(mha.rotaryDims));
    const x = rand([2, 5, 8], 14);
    expect(checkInputGrads((a) => mha.forward(a, tables), [x]).worstRatio).toBeLessThanOrEqual(1);
    expect(checkVariableGrads(() => mha.forward(x, tables), mha.trainableVariables).worstRatio).toBeLessThanOrEqual(1);
  });

  it('Conformer FFN and whole post-norm Conformer blocks', () => {
    const ffn = new FeedForward(6, 0);
    const x = rand([2, 4, 6], 15);
    expect(checkInputGrads((a) => ffn.forward(a, false), [x]).worstRatio).toBeLessThanOrEqual(1);
    const tables = rotaryTables(6, rotaryInvFreq(2));
    const y = rand([3, 6, 8], 16);
    const cfg = { numLayers: 1, encoderDim: 8, numHeads: 2, kernelSize: 3, dropout: 0, norm: 'postnorm' as const };
    // The DESA block in training mode (BatchNorm on batch statistics; dropout 0 keeps it deterministic).
    const desa = new ConformerEncoder({ ...cfg, blocks: ['mhsa_pro', 'conv', 'ffn'] });
    expect(checkInputGrads((a) => desa.forward(a, tables, true), [y]).worstRatio).toBeLessThanOrEqual(1);
    expect(checkVariableGrads(() => desa.forward(y, tables, true), desa.trainableVariables, { maxProbes: 6 }).worstRatio).toBeLessThanOrEqual(1);
    // Gulati's conv module hard-codes dropout 0.1 as the reference does, so it is checked in eval mode.
    const gulati = new ConformerEncoder({ ...cfg, blocks: ['conformerconv'] });
    expect(checkInputGrads((a) => gulati.forward(a, tables, false), [y]).worstRatio).toBeLessThanOrEqual(1);
    expect(checkVariableGrads(() => gulati.forward(y, tables, false), gulati.trainableVariables, { maxProbes: 6 }).worstRatio).toBeLessThanOrEqual(1);
  });

  it('conv1dNWC: im2col and tf.conv1d have the same gradients', () => {
    const x = rand([2, 9, 3], 17);
    const k = rand([3, 3, 4], 18);
    const g = (impl: 'im2col' | 'native') => tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.square(conv1dNWC(a as tf.Tensor3D, b as tf.Tensor3D, 1, 1, 1, impl))))([x, k]);
    const [gi, gn] = [g('im2col'), g('native')];
    for (let i = 0; i < 2; i++) {
      const a = gi[i].dataSync();
      const b = gn[i].dataSync();
      let m = 0;
      for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j] - b[j]));
      expect(m).toBeLessThan(1e-4);
    }
  });
});
