/**
 * The fused SiLU, BatchNorm1d (training) and LayerNorm passes must equal the layers' op-by-op formulas,
 * forward and through gradients, and their analytic gradients must match central finite differences of
 * a float64 reference. The last test runs DESA's tiny spectra encoder (which uses all three) through a
 * training step with plain and with native kernels and compares the loss and every gradient.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { tf } from '../../../src/main/model/tf';
import type { Tensor, Variable } from '../../../src/main/model/tf';
import { fusedChannelNorm, fusedSilu } from '../../../src/main/model/backend/fused-layers';
import { silu } from '../../../src/main/model/layers/activations';
import { BatchNorm1d, LayerNorm } from '../../../src/main/model/layers/norm';
import { setInitSeed } from '../../../src/main/model/params';
import { setDropoutRng } from '../../../src/main/model/layers/dropout';
import { SpectraEncoderModel } from '../../../src/main/model/spectra/multitask-regressor';
import { SPECTRA_ENCODER_CONFIGS } from '../../../src/main/model/configs';
import { expectClose, valueAndGrads, withNative } from './native-compare';

await tf.setBackend('cpu');

describe('fused layers', () => {
  it('are used only when the native kernels are active', () => {
    const x = tf.ones([2, 3]);
    expect(fusedSilu(x)).toBeNull();
    expect(fusedChannelNorm('layer', x, tf.ones([3]), tf.zeros([3]), 1e-5)).toBeNull();
    withNative(true, () => expect(fusedSilu(x)).not.toBeNull());
  });

  it('SiLU equals x·sigmoid(x), with gradients', () => {
    const x = tf.randomNormal([5, 7, 3], 0, 3, 'float32', 1);
    const [plain, native] = [false, true].map((n) => valueAndGrads(n, (t) => silu(t), [x]));
    plain.forEach((p, i) => expectClose(p, native[i], 2e-6));
  });

  for (const shape of [[6, 4], [3, 9, 5]]) {
    it(`BatchNorm1d on ${JSON.stringify(shape)}: training and eval outputs, gradients and running statistics`, () => {
      const x = tf.randomNormal(shape, 0.5, 2, 'float32', 2);
      const c = shape[shape.length - 1];
      const run = (native: boolean) => withNative(native, () => {
        const bn = new BatchNorm1d(c);
        bn.weight.assign(tf.randomNormal([c], 1, 0.3, 'float32', 3));
        bn.bias.assign(tf.randomNormal([c], 0, 0.3, 'float32', 4));
        const w = tf.randomNormal(shape, 0, 1, 'float32', 5);
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(bn.forward(x, true), w)) as tf.Scalar, [bn.weight, bn.bias]);
        const dx = tf.grad((t: Tensor) => tf.sum(tf.mul(bn.forward(t, true), w)))(x);
        // eval mode (running statistics), as when embedding or fine-tuning on a frozen encoder
        const evalGrads = tf.variableGrads(() => tf.sum(tf.mul(bn.forward(x, false), w)) as tf.Scalar, [bn.weight, bn.bias]);
        const evalDx = tf.grad((t: Tensor) => tf.sum(tf.mul(bn.forward(t, false), w)))(x);
        const out = [value, grads[bn.weight.name], grads[bn.bias.name], dx, bn.runningMean, bn.runningVar, bn.forward(x, false),
          evalGrads.value, evalGrads.grads[bn.weight.name], evalGrads.grads[bn.bias.name], evalDx].map((t) => t.dataSync().slice());
        bn.dispose();
        return out;
      });
      const plain = run(false), native = run(true);
      plain.forEach((p, i) => expectClose(p, native[i], 2e-5));
    });
  }

  for (const shape of [[6, 4], [3, 9, 5], [2, 40, 3]]) {
    it(`BatchNorm1d → SiLU fused on ${JSON.stringify(shape)} equals SiLU(BatchNorm1d) with plain kernels: training and eval outputs, gradients, running statistics`, () => {
      const x = tf.randomNormal(shape, 0.5, 2, 'float32', 12);
      const c = shape[shape.length - 1];
      const run = (native: boolean) => withNative(native, () => {
        const bn = new BatchNorm1d(c);
        bn.weight.assign(tf.randomNormal([c], 1, 0.3, 'float32', 13));
        bn.bias.assign(tf.randomNormal([c], 0, 0.3, 'float32', 14));
        const w = tf.randomNormal(shape, 0, 1, 'float32', 15);
        // plain: the two layers one after the other; native: the fused pass
        const f = (t: Tensor) => (native ? bn.forward(t, true, 'silu') : silu(bn.forward(t, true)));
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(x), w)) as tf.Scalar, [bn.weight, bn.bias]);
        const dx = tf.grad((t: Tensor) => tf.sum(tf.mul(f(t), w)))(x);
        // eval mode (running statistics), fused affine + SiLU, with its op-based gradients
        const g = (t: Tensor) => (native ? bn.forward(t, false, 'silu') : silu(bn.forward(t, false)));
        const evalGrads = tf.variableGrads(() => tf.sum(tf.mul(g(x), w)) as tf.Scalar, [bn.weight, bn.bias]);
        const evalDx = tf.grad((t: Tensor) => tf.sum(tf.mul(g(t), w)))(x);
        const out = [f(x), value, grads[bn.weight.name], grads[bn.bias.name], dx, bn.runningMean, bn.runningVar, g(x),
          evalGrads.grads[bn.weight.name], evalGrads.grads[bn.bias.name], evalDx].map((t) => t.dataSync().slice());
        bn.dispose();
        return out;
      });
      const plain = run(false), native = run(true);
      plain.forEach((p, i) => expectClose(p, native[i], 2e-5));
    });
  }

  it('LayerNorm: output and gradients w.r.t. x, weight and bias', () => {
    const x = tf.randomNormal([4, 6, 16], 1, 3, 'float32', 6);
    const ln = new LayerNorm(16);
    ln.weight.assign(tf.randomNormal([16], 1, 0.3, 'float32', 7));
    ln.bias.assign(tf.randomNormal([16], 0, 0.3, 'float32', 8));
    const f = (t: Tensor, w: Tensor, b: Tensor) => {
      (ln as unknown as { weight: Tensor }).weight = w;
      (ln as unknown as { bias: Tensor }).bias = b;
      return ln.forward(t);
    };
    const [wv, bv] = [ln.weight as Tensor, ln.bias as Tensor];
    const [plain, native] = [false, true].map((n) => valueAndGrads(n, f, [x, wv, bv]));
    plain.forEach((p, i) => expectClose(p, native[i], 2e-5));
    (ln as unknown as { weight: Variable }).weight = wv as Variable;
    (ln as unknown as { bias: Variable }).bias = bv as Variable;
    ln.dispose();
  });

  for (const kind of ['batch', 'layer'] as const) {
    it(`${kind} norm gradients equal central finite differences of a float64 reference`, () => {
      const rows = 5, c = 3, eps = 1e-5;
      const xs = Array.from({ length: rows * c }, (_, i) => Math.sin(2.3 * i) * 2 + (i % 3));
      const ws = [1.2, 0.7, -0.4], bs = [0.1, -0.2, 0.3];
      const probe = Array.from({ length: rows * c }, (_, i) => Math.cos(1.1 * i));
      // loss(x, w, b) = Σ probe · norm(x)·w + b, in float64
      const loss = (x: number[], w: number[], b: number[]) => {
        let total = 0;
        const stat = (idx: number[]) => {
          const m = idx.reduce((s, i) => s + x[i], 0) / idx.length;
          const v = idx.reduce((s, i) => s + (x[i] - m) ** 2, 0) / idx.length;
          idx.forEach((i) => { total += probe[i] * (((x[i] - m) / Math.sqrt(v + eps)) * w[i % c] + b[i % c]); });
        };
        const groups = kind === 'batch'
          ? [...Array(c).keys()].map((ch) => [...Array(rows).keys()].map((r) => r * c + ch))
          : [...Array(rows).keys()].map((r) => [...Array(c).keys()].map((ch) => r * c + ch));
        groups.forEach(stat);
        return total;
      };
      const h = 1e-6;
      const numeric = (which: 0 | 1 | 2, n: number) => Array.from({ length: n }, (_, i) => {
        const args = [xs, ws, bs].map((a) => [...a]);
        const up = args.map((a) => [...a]), down = args.map((a) => [...a]);
        up[which][i] += h;
        down[which][i] -= h;
        return (loss(up[0], up[1], up[2]) - loss(down[0], down[1], down[2])) / (2 * h);
      });
      withNative(true, () => {
        const p = tf.tensor2d(probe, [rows, c]);
        const [gx, gw, gb] = tf.grads((x: Tensor, w: Tensor, b: Tensor) =>
          tf.sum(tf.mul(fusedChannelNorm(kind, x, w, b, eps)!.y, p)))([tf.tensor2d(xs, [rows, c]), tf.tensor1d(ws), tf.tensor1d(bs)]);
        expectClose(numeric(0, rows * c), gx.dataSync(), 2e-4);
        expectClose(numeric(1, c), gw.dataSync(), 2e-5);
        expectClose(numeric(2, c), gb.dataSync(), 2e-5);
      });
    });
  }

  it("DESA's tiny spectra encoder: one training step gives the same loss and gradients with native kernels", () => {
    const run = (native: boolean) => withNative(native, () => {
      setInitSeed(77);
      let state = 12345; // the same dropout masks in both runs
      setDropoutRng(() => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
      const model = new SpectraEncoderModel(SPECTRA_ENCODER_CONFIGS.tiny);
      const x = tf.randomNormal([3, 1024], 0, 1, 'float32', 9);
      const vars = model.trainableVariables;
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
        const out = model.forward({ x }, { training: true });
        return tf.add(tf.mean(tf.square(tf.sub(out.reconstruction, x))), tf.mean(tf.square(out.regressor))) as tf.Scalar;
      }), vars);
      const out = [value.dataSync()[0], ...vars.map((v) => grads[v.name]?.dataSync().slice() ?? new Float32Array(0))];
      const stats = model.namedState().filter(([n]) => n.endsWith('running_var')).map(([, v]) => v.dataSync().slice());
      model.dispose();
      setDropoutRng(null);
      return { out, stats };
    });
    const plain = run(false), native = run(true);
    expect(Math.abs((native.out[0] as number) - (plain.out[0] as number))).toBeLessThan(1e-4 * Math.max(1, Math.abs(plain.out[0] as number)));
    for (let i = 1; i < plain.out.length; i++) expectClose(plain.out[i] as Float32Array, native.out[i] as Float32Array, 2e-3);
    plain.stats.forEach((s, i) => expectClose(s, native.stats[i], 1e-5));
  });
});

afterAll(() => tf.disposeVariables());
