/**
 * The native transposed convolution, the in-kernel conv padding, the fused max-pool and the fused rotary embedding
 * must compute what the layers' plain formulations compute with tfjs's own cpu kernels (dilate + conv, pad + conv,
 * max over a reshaped axis, slice/neg/concat/mul), forward and through gradients w.r.t. every input. Without the
 * native kernels the fused functions return null and the layers take the plain path.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { tf } from '../../../src/main/model/tf';
import type { Tensor } from '../../../src/main/model/tf';
import { fusedConv1d, fusedConvTranspose1d, fusedMaxPool1d, fusedRotary } from '../../../src/main/model/backend/fused-layers';
import { Conv1d, ConvTranspose1d, conv1dNWC, maxPool1d } from '../../../src/main/model/layers/conv';
import { applyPartialRotary, rotaryInvFreq, rotaryTables } from '../../../src/main/model/layers/rope';
import { setInitSeed } from '../../../src/main/model/params';
import { expectClose, valueAndGrads, withNative } from './native-compare';

await tf.setBackend('cpu');

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** Plain-kernel and native-kernel values + gradients of `f` must agree to `tol`. */
function expectSameWithGradients(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], tol = 2e-5) {
  const plain = valueAndGrads(false, f, inputs);
  const native = valueAndGrads(true, f, inputs);
  expect(native.length).toBe(plain.length);
  plain.forEach((p, i) => expectClose(p, native[i], tol));
}

describe('native transposed convolution, conv padding, max-pool and RoPE', () => {
  it('return null without the native kernels, so the layers use their plain formulas', () => {
    const x = rand([2, 8, 3], 1);
    expect(fusedConv1d(x, rand([3, 3, 4], 2), 1, 1, 1)).toBeNull();
    expect(fusedConvTranspose1d(x, rand([3, 4, 4], 3), 2, 1)).toBeNull();
    expect(fusedMaxPool1d(x, 2)).toBeNull();
    const { cos, sin } = rotaryTables(8, rotaryInvFreq(2));
    expect(fusedRotary(x, cos, sin)).toBeNull();
    withNative(true, () => {
      expect(fusedConvTranspose1d(x, rand([3, 4, 4], 3), 2, 1)).not.toBeNull();
      expect(fusedMaxPool1d(x, 2)).not.toBeNull();
      expect(fusedRotary(x, cos, sin)).not.toBeNull();
    });
  });

  // [in, out, kernel, stride, padding, length]: the decoder's up-block (k4 s2 p1) and final conv (k3 p1), and others.
  for (const [cin, cout, k, stride, padding, len] of [[5, 3, 4, 2, 1, 9], [4, 1, 3, 1, 1, 11], [3, 6, 5, 3, 0, 4], [2, 2, 2, 2, 0, 6], [3, 4, 7, 2, 3, 5]]) {
    it(`ConvTranspose1d(${cin}→${cout}, k${k}, s${stride}, p${padding}) on length ${len}: output and gradients for x, weight, bias`, () => {
      setInitSeed(5);
      const layer = new ConvTranspose1d(cin, cout, k, { stride, padding, impl: 'native' });
      const x = rand([3, len, cin], 11);
      const plain = valueAndGrads(false, (xi) => layer.forward(xi), [x]);
      const native = valueAndGrads(true, (xi) => layer.forward(xi), [x]);
      expect(native[0].length).toBe(3 * ((len - 1) * stride - 2 * padding + k) * cout);
      plain.forEach((p, i) => expectClose(p, native[i], 2e-5));
      const varGrads = (on: boolean) => withNative(on, () => {
        const w = tf.randomNormal([3, (len - 1) * stride - 2 * padding + k, cout], 0, 1, 'float32', 4);
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.forward(x), w)) as tf.Scalar, [layer.weight, layer.bias!]);
        return [grads[layer.weight.name], grads[layer.bias!.name]].map((g) => g.dataSync().slice());
      });
      const [pw, pb] = varGrads(false), [nw, nb] = varGrads(true);
      expectClose(pw, nw, 2e-5);
      expectClose(pb, nb, 2e-5);
      layer.dispose();
    });
  }

  // [length, in, out, kernel, stride, padLeft, padRight]
  for (const [len, cin, cout, k, stride, pl, pr] of [[16, 3, 4, 3, 1, 1, 1], [16, 2, 5, 4, 1, 1, 2], [15, 3, 2, 3, 2, 1, 1], [9, 1, 3, 5, 1, 0, 0]]) {
    it(`conv1d with padding (${pl}, ${pr}) inside the kernel, k${k} s${stride}: output and gradients for x and kernel`, () => {
      expectSameWithGradients((x, w) => conv1dNWC(x as tf.Tensor3D, w as tf.Tensor3D, stride, pl, pr, 'native'),
        [rand([2, len, cin], 21), rand([k, cin, cout], 22)]);
    });
  }

  it("Conv1d 'same' (the CNN encoder's layer) gives the same output with and without native kernels", () => {
    setInitSeed(9);
    const layer = new Conv1d(3, 4, 4, { padding: 'same', impl: 'native' });
    const x = rand([2, 10, 3], 23);
    const [plain, native] = [false, true].map((on) => withNative(on, () => layer.forward(x).dataSync().slice()));
    expectClose(plain, native, 2e-5);
    layer.dispose();
  });

  for (const [len, size] of [[12, 2], [13, 2], [14, 3], [5, 5]]) {
    it(`max-pool size ${size} over length ${len}: output and gradient`, () => {
      // Distinct values (no ties), where every rule for ties agrees.
      expectSameWithGradients((x) => maxPool1d(x, size), [rand([3, len, 4], 31)], 1e-6);
    });
  }

  it('max-pool gradient goes to the first maximum of a window and NaN propagates, as in PyTorch', () => {
    // torch.nn.functional.max_pool1d([1, 1, 3, 2, nan, 5, 7], 2) = [1, 3, nan]; with upstream [10, 20, 30] its input
    // gradient is [10, 0, 20, 0, 30, 0, 0] (checked with PyTorch 1.13).
    const x = tf.tensor3d([1, 1, 3, 2, NaN, 5, 7], [1, 7, 1]);
    withNative(true, () => {
      const y = maxPool1d(x, 2).dataSync();
      expect(Array.from(y.slice(0, 2))).toEqual([1, 3]);
      expect(Number.isNaN(y[2])).toBe(true);
      const dx = tf.grad((t: Tensor) => tf.sum(tf.mul(maxPool1d(t, 2), tf.tensor3d([10, 20, 30], [1, 3, 1]))))(x);
      expect(Array.from(dx.dataSync())).toEqual([10, 0, 20, 0, 30, 0, 0]);
    });
  });

  // [heads, T, headDim, rotary dims, table length]
  for (const [heads, t, headDim, r, tableLen] of [[2, 6, 8, 4, 6], [3, 5, 6, 6, 9], [1, 4, 10, 2, 4]]) {
    it(`rotary embedding on ${r} of ${headDim} features, T=${t} (tables of ${tableLen}): output and gradient`, () => {
      const tables = rotaryTables(tableLen, rotaryInvFreq(r));
      expectSameWithGradients((x) => applyPartialRotary(x, tables), [rand([2, heads, t, headDim], 41)], 1e-5);
    });
  }
});

afterAll(() => tf.disposeVariables());
