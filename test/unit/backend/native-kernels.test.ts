/**
 * The native kernels must compute what the tfjs cpu kernels compute, forward and through
 * gradients, on seeded random inputs covering every supported layout, and fall back for the rest.
 */
import { describe, it, expect, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { loadNativeKernelAddon, nativeKernelLoadError, registerNativeKernels } from '../../../src/main/model/backend/native-kernels';

await tf.setBackend('cpu');
const addon = loadNativeKernelAddon();

function rand(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

/** Runs `f` with plain tfjs kernels and with native ones; returns both results as flat arrays. */
function both(f: () => tf.Tensor | tf.Tensor[]): { plain: Float32Array[]; native: Float32Array[] } {
  const run = () => {
    const out = f();
    const list = Array.isArray(out) ? out : [out];
    const data = list.map((t) => t.dataSync().slice() as Float32Array);
    list.forEach((t) => t.dispose());
    return data;
  };
  const plain = run();
  const reg = registerNativeKernels(addon)!;
  try {
    return { plain, native: run() };
  } finally {
    reg.unregister();
  }
}

function expectClose(a: Float32Array[], b: Float32Array[], relTol = 2e-5) {
  expect(b.length).toBe(a.length);
  for (let i = 0; i < a.length; i++) {
    expect(b[i].length).toBe(a[i].length);
    let maxAbs = 0, maxErr = 0;
    for (let j = 0; j < a[i].length; j++) {
      maxAbs = Math.max(maxAbs, Math.abs(a[i][j]));
      if (Number.isNaN(a[i][j])) expect(Number.isNaN(b[i][j])).toBe(true);
      else maxErr = Math.max(maxErr, Math.abs(a[i][j] - b[i][j]));
    }
    expect(maxErr).toBeLessThanOrEqual(relTol * Math.max(1, maxAbs));
  }
}

describe('native cpu kernels', () => {
  it('the addon is built and loads (npm run build:native)', () => {
    expect(addon, nativeKernelLoadError() ?? '').not.toBeNull();
  });

  const matmulShapes: [number[], number[]][] = [
    [[7, 5], [5, 3]], [[2, 7, 5], [2, 5, 3]], [[2, 3, 7, 5], [2, 3, 5, 4]], [[4, 7, 5], [5, 3]],
    [[7, 5], [3, 5, 2]], [[1, 6, 0], [1, 0, 4]],
  ];
  for (const [sa, sb] of matmulShapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        // tfjs's own BatchMatMul gradient does not reduce broadcast batch dims, so gradients are compared only
        // where both operands have the same batch shape.
        const sameBatch = JSON.stringify(sa.slice(0, -2)) === JSON.stringify(sb.slice(0, -2));
        it(`matMul ${JSON.stringify(sa)} x ${JSON.stringify(sb)} tA=${ta} tB=${tb}${sameBatch ? ' with gradients' : ''}`, () => {
          const a0 = ta ? [...sa.slice(0, -2), sa[sa.length - 1], sa[sa.length - 2]] : sa;
          const b0 = tb ? [...sb.slice(0, -2), sb[sb.length - 1], sb[sb.length - 2]] : sb;
          const a = rand(a0, 1), b = rand(b0, 2);
          const { plain, native } = both(() => {
            if (!sameBatch) return [tf.matMul(a, b, ta, tb)];
            const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, ta, tb).square().sum())([a, b]);
            return [tf.matMul(a, b, ta, tb), ga, gb];
          });
          expectClose(plain, native);
        });
      }
    }
  }

  const convCases = [
    { w: 64, cin: 3, cout: 8, k: 7, stride: 2, pad: 'same' as const, dil: 1 },
    { w: 33, cin: 4, cout: 5, k: 3, stride: 1, pad: 'valid' as const, dil: 1 },
    { w: 40, cin: 2, cout: 6, k: 5, stride: 3, pad: 'same' as const, dil: 1 },
    { w: 50, cin: 3, cout: 4, k: 3, stride: 1, pad: 'same' as const, dil: 2 },
    { w: 17, cin: 1, cout: 3, k: 4, stride: 1, pad: 'same' as const, dil: 1 },
  ];
  for (const c of convCases) {
    it(`conv1d ${JSON.stringify(c)} forward, dx and dw`, () => {
      const x = rand([3, c.w, c.cin], 3), f = rand([c.k, c.cin, c.cout], 4);
      const { plain, native } = both(() => {
        const y = tf.conv1d(x as tf.Tensor3D, f as tf.Tensor3D, c.stride, c.pad, 'NWC', c.dil);
        if (c.dil !== 1) return [y]; // tfjs has no conv gradient for dilation > 1
        const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.conv1d(a as tf.Tensor3D, b as tf.Tensor3D, c.stride, c.pad).square().sum())([x, f]);
        return [y, gx, gf];
      });
      expectClose(plain, native, 5e-5);
    });
  }

  const broadcastPairs: [number[], number[]][] = [
    [[4, 5], [4, 5]], [[4, 5], [4, 1]], [[4, 5], [5]], [[2, 3, 4], [3, 1]], [[1, 5], [4, 1]], [[3, 1, 4], [1, 2, 1]], [[], [6]], [[], []],
  ];
  for (const [sa, sb] of broadcastPairs) {
    it(`broadcast binary ops ${JSON.stringify(sa)} ∘ ${JSON.stringify(sb)} with gradients`, () => {
      const a = rand(sa, 5), b = rand(sb, 6).abs().add(0.5);
      const { plain, native } = both(() => {
        const outs = [tf.add(a, b), tf.sub(a, b), tf.mul(a, b), tf.div(a, b), tf.maximum(a, b), tf.minimum(a, b),
          tf.squaredDifference(a, b)];
        const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.div(tf.mul(x, y).sub(y), y).sum())([a, b]);
        return [...outs, ga, gb];
      });
      expectClose(plain, native);
    });
  }

  const reduceCases: [number[], number | number[], boolean][] = [
    [[4, 5, 6], -1, false], [[4, 5, 6], 0, true], [[4, 5, 6], [1, 2], false], [[4, 5, 6], 1, false],
    [[4, 5, 6], [0, 2], false], [[7], 0, false], [[3, 4], [0, 1], true],
  ];
  for (const [shape, axis, keepDims] of reduceCases) {
    it(`sum/mean/max over ${JSON.stringify(axis)} of ${JSON.stringify(shape)} keepDims=${keepDims}`, () => {
      const x = rand(shape, 7);
      const { plain, native } = both(() => [tf.sum(x, axis, keepDims), tf.mean(x, axis, keepDims), tf.max(x, axis, keepDims)]);
      expectClose(plain, native);
    });
  }

  it('softmax, relu, step and transpose with gradients', () => {
    const x = rand([3, 4, 9], 8);
    const { plain, native } = both(() => {
      const g = tf.grad((t: tf.Tensor) => tf.softmax(t).mul(tf.relu(t)).sum())(x);
      return [tf.softmax(x), tf.relu(x), tf.step(x, 0.3), tf.transpose(x, [2, 0, 1]), tf.transpose(x, [1, 0, 2]), g,
        tf.exp(x), tf.neg(x), tf.square(x), tf.sqrt(x.abs()), tf.rsqrt(x.abs().add(1))];
    });
    expectClose(plain, native);
  });

  it('slice, pad, split, reverse and concat (float32 and int32) with gradients', () => {
    const x = rand([3, 5, 4], 9);
    const xi = tf.tensor3d(Array.from({ length: 60 }, (_, i) => i - 20), [3, 5, 4], 'int32');
    const { plain, native } = both(() => {
      const copies = (t: tf.Tensor) => [
        tf.slice(t, [1, 1, 1], [2, 3, 2]), tf.slice(t, [0, 2, 0], [3, 2, 4]), tf.slice(t, [1, 0, 0], [1, 5, 4]),
        tf.pad(t, [[0, 1], [2, 0], [1, 3]]), tf.pad(t, [[1, 1], [0, 0], [0, 0]], 2.5),
        ...tf.split(t, [1, 3], 2), ...tf.split(t, 5, 1), tf.reverse(t, [0, 2]), tf.reverse(t, 1),
        tf.concat([t, t], 1), tf.concat([t, tf.slice(t, [0, 0, 0], [3, 5, 2])], 2), tf.concat([t, t, t], 0),
        tf.concat([t, tf.zeros([3, 0, 4], t.dtype)], 1),
      ].map((r) => tf.cast(r, 'float32'));
      const [g] = tf.grads((a: tf.Tensor) => tf.add(tf.slice(tf.pad(a, [[0, 0], [1, 1], [0, 2]]), [0, 1, 1], [3, 4, 3]).square().sum(),
        tf.reverse(tf.split(a, [1, 3], 2)[1], 1).mul(tf.concat([a, a], 2).slice([0, 0, 1], [3, 5, 3])).sum()))([x]);
      return [...copies(x), ...copies(xi), g];
    });
    expectClose(plain, native);
  });

  it('sigmoid, erf, sin, cos, abs, tanh, log, floor, reciprocal with gradients', () => {
    const x = rand([4, 33], 10);
    const pos = x.abs().add(0.1);
    const { plain, native } = both(() => {
      const g = tf.grad((t: tf.Tensor) => tf.addN([tf.sigmoid(t), tf.erf(t), tf.sin(t), tf.cos(t), tf.tanh(t), tf.abs(t)]).sum())(x);
      const gp = tf.grad((t: tf.Tensor) => tf.add(tf.log(t), tf.reciprocal(t)).sum())(pos);
      return [tf.sigmoid(x), tf.sin(x), tf.cos(x), tf.abs(x), tf.tanh(x), tf.log(pos), tf.floor(x.mul(3)), tf.reciprocal(pos), g, gp];
    });
    expectClose(plain, native);
    // tfjs's JS erf is a 1.5e-7-accurate approximation; ours is the C library's: compare looser.
    const erf = both(() => tf.erf(x));
    expectClose(erf.plain, erf.native, 5e-7);
  });

  it('comparisons broadcast like tfjs, treat NaN like JavaScript, and casting their result keeps float32 native', () => {
    const a = tf.tensor2d([[1, 2, NaN], [4, 5, 6]]);
    const b = tf.tensor1d([1, 5, NaN]);
    const { plain, native } = both(() => {
      const cmps = [tf.equal(a, b), tf.notEqual(a, b), tf.greater(a, b), tf.greaterEqual(a, b), tf.less(a, b), tf.lessEqual(a, b)];
      expect(cmps.every((c) => c.dtype === 'bool')).toBe(true);
      const asFloat = cmps.map((c) => tf.cast(c, 'float32'));
      return [...asFloat, tf.mul(asFloat[0], tf.fill([2, 3], 3)), tf.cast(tf.tensor1d([3, -1], 'int32'), 'float32')];
    });
    expectClose(plain, native);
    expect(Array.from(native[0])).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it('max over an axis and its gradient (the max-pool path)', () => {
    const x = rand([2, 6, 2, 5], 15);
    const { plain, native } = both(() => {
      const [g] = tf.grads((t: tf.Tensor) => tf.max(t, 2).mul(tf.range(0, 60).reshape([2, 6, 5])).sum())([x]);
      return [tf.max(x, 2), g];
    });
    expectClose(plain, native);
  });

  it('the fused softmax gradient equals central finite differences of softmax (float64 reference)', () => {
    const rows = 3, cols = 7;
    const xs = Array.from({ length: rows * cols }, (_, i) => Math.sin(1.7 * i) * 2);
    const ws = Array.from({ length: rows * cols }, (_, i) => Math.cos(0.9 * i + 0.3));
    // loss(x) = Σ w · softmax(x) per row, evaluated in float64.
    const loss = (v: number[]) => {
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const row = v.slice(r * cols, (r + 1) * cols);
        const m = Math.max(...row);
        const e = row.map((z) => Math.exp(z - m));
        const s = e.reduce((p, q) => p + q, 0);
        e.forEach((z, c) => { total += ws[r * cols + c] * z / s; });
      }
      return total;
    };
    const h = 1e-5;
    const numeric = xs.map((_, i) => {
      const up = [...xs], down = [...xs];
      up[i] += h;
      down[i] -= h;
      return (loss(up) - loss(down)) / (2 * h);
    });
    const reg = registerNativeKernels(addon)!;
    try {
      const w = tf.tensor2d(ws, [rows, cols]);
      const g = tf.grad((t: tf.Tensor) => tf.softmax(t).mul(w).sum())(tf.tensor2d(xs, [rows, cols]));
      const got = g.dataSync();
      numeric.forEach((n, i) => expect(Math.abs(got[i] - n)).toBeLessThan(1e-6));
    } finally {
      reg.unregister();
    }
  });

  it('falls back to the original kernel for int32 and unsupported layouts', () => {
    const reg = registerNativeKernels(addon)!;
    try {
      const a = tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32');
      expect(Array.from(tf.add(a, a).dataSync())).toEqual([2, 4, 6, 8]);
      expect(tf.add(a, a).dtype).toBe('int32');
      // A true 2-D convolution is not a conv1d: the original kernel must run.
      const img = tf.ones([1, 3, 3, 1]), k = tf.ones([2, 2, 1, 1]);
      expect(Array.from(tf.conv2d(img as tf.Tensor4D, k as tf.Tensor4D, 1, 'valid').dataSync())).toEqual([4, 4, 4, 4]);
    } finally {
      reg.unregister();
    }
  });

  it('a small conv + attention model trains to the same losses with native and plain kernels', () => {
    const losses = (useNative: boolean) => {
      const reg = useNative ? registerNativeKernels(addon) : null;
      try {
        const w1 = tf.variable(tf.randomNormal([5, 2, 8], 0, 0.3, 'float32', 11));
        const wq = tf.variable(tf.randomNormal([8, 8], 0, 0.3, 'float32', 12));
        const wo = tf.variable(tf.randomNormal([8, 3], 0, 0.3, 'float32', 13));
        const x = tf.randomNormal([4, 32, 2], 0, 1, 'float32', 14);
        const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
        const opt = tf.train.adam(1e-2);
        const out: number[] = [];
        for (let step = 0; step < 5; step++) {
          const loss = opt.minimize(() => {
            const h = tf.relu(tf.conv1d(x as tf.Tensor3D, w1 as tf.Tensor3D, 2, 'same'));
            const q = tf.matMul(h, tf.tile(wq.expandDims(0), [4, 1, 1]));
            const att = tf.softmax(tf.matMul(q, h, false, true).div(Math.sqrt(8)));
            const pooled = tf.matMul(att, h).mean(1);
            return tf.losses.softmaxCrossEntropy(y, tf.matMul(pooled, wo)) as tf.Scalar;
          }, true)!;
          out.push(loss.dataSync()[0]);
          loss.dispose();
        }
        [w1, wq, wo].forEach((v) => v.dispose());
        return out;
      } finally {
        reg?.unregister();
      }
    };
    const plain = losses(false), native = losses(true);
    expect(plain[4]).toBeLessThan(plain[0]);
    for (let i = 0; i < plain.length; i++) expect(Math.abs(native[i] - plain[i])).toBeLessThan(1e-4);
  });
});

afterAll(() => tf.disposeVariables());
