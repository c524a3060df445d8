/**
 * The fused dropout must draw exactly tf.dropout's mask from the same seed (seedrandom's Alea stream, replayed in C)
 * and give the same values bit for bit; the fused Linear must equal matMul + bias add, forward and through gradients
 * for x, weight and bias. Without the native kernels both return null and the layers use the tfjs ops.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { tf } from '../../../src/main/model/tf';
import type { Tensor } from '../../../src/main/model/tf';
import { fusedDropout, fusedLinear } from '../../../src/main/model/backend/fused-layers';
import { dropout } from '../../../src/main/model/layers/dropout';
import { Linear } from '../../../src/main/model/layers/linear';
import { setInitSeed } from '../../../src/main/model/params';
import { expectClose, valueAndGrads, withNative } from './native-compare';

await tf.setBackend('cpu');

describe('fused dropout and Linear', () => {
  it('return null without the native kernels', () => {
    const x = tf.ones([4, 3]);
    expect(fusedDropout(x, 0.5, 1)).toBeNull();
    expect(fusedLinear(x, tf.ones([2, 3]), tf.zeros([2]))).toBeNull();
    withNative(true, () => {
      expect(fusedDropout(x, 0.5, 1)).not.toBeNull();
      expect(fusedLinear(x, tf.ones([2, 3]), null)).not.toBeNull();
    });
  });

  for (const [rate, seed] of [[0.2, 7], [0.5, 123456789], [0.9, 'a string seed'], [0.3, 0.123456789]] as const) {
    it(`dropout(rate ${rate}, seed ${JSON.stringify(seed)}) equals tf.dropout bit for bit, and its gradient is dy·mask`, () => {
      const x = tf.randomNormal([3, 50, 17], 0, 2, 'float32', 3);
      const dy = tf.randomNormal([3, 50, 17], 0, 1, 'float32', 4);
      const reference = tf.dropout(x, rate, undefined, seed).dataSync();
      const [y, dx] = withNative(true, () => {
        const fused = fusedDropout(x, rate, seed)!;
        const grad = tf.grad((t: Tensor) => fusedDropout(t, rate, seed)!)(x, dy);
        return [fused.dataSync().slice(), grad.dataSync().slice()];
      });
      expect(Array.from(y)).toEqual(Array.from(reference));
      // tfjs's gradient of x·multiplier is dy·multiplier, multiplier = reference / x where kept.
      const multiplier = tf.div(tf.floor(tf.add(tf.randomUniform(x.shape, 0, 1, 'float32', seed), 1 - rate)), 1 - rate);
      expect(Array.from(dx)).toEqual(Array.from(tf.mul(dy, multiplier).dataSync()));
      const kept = y.filter((v) => v !== 0).length / y.length;
      expect(Math.abs(kept - (1 - rate))).toBeLessThan(0.06);
    });
  }

  it('the dropout layer gives the same masks with and without native kernels (seeded)', () => {
    const x = tf.randomNormal([8, 33], 0, 1, 'float32', 5);
    const [plain, native] = [false, true].map((on) => withNative(on, () => dropout(x, 0.25, true, 42).dataSync().slice()));
    expect(Array.from(native)).toEqual(Array.from(plain));
  });

  for (const [rows, inF, outF, bias] of [[7, 5, 3, true], [64, 32, 48, true], [4, 6, 2, false], [1, 3, 9, true]] as const) {
    it(`Linear(${inF}→${outF}${bias ? '' : ', no bias'}) on ${rows} rows: output and gradients for x, weight, bias`, () => {
      setInitSeed(3);
      const layer = new Linear(inF, outF, { bias });
      const x = tf.randomNormal([rows, inF], 0, 1, 'float32', 6);
      const plain = valueAndGrads(false, (t) => layer.forward(t), [x]);
      const native = valueAndGrads(true, (t) => layer.forward(t), [x]);
      plain.forEach((p, i) => expectClose(p, native[i], 1e-5));
      const vars = bias ? [layer.weight, layer.bias!] : [layer.weight];
      const varGrads = (on: boolean) => withNative(on, () => {
        const w = tf.randomNormal([rows, outF], 0, 1, 'float32', 8);
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.forward(x), w)) as tf.Scalar, vars);
        return vars.map((v) => grads[v.name].dataSync().slice());
      });
      const p = varGrads(false), n = varGrads(true);
      p.forEach((g, i) => expectClose(g, n[i], 1e-5));
      layer.dispose();
    });
  }

  it('Linear on (B, T, in) tokens reshapes around the fused GEMM', () => {
    setInitSeed(4);
    const layer = new Linear(6, 4);
    const x = tf.randomNormal([2, 5, 6], 0, 1, 'float32', 9);
    const [plain, native] = [false, true].map((on) => withNative(on, () => layer.forward(x)));
    expect(native.shape).toEqual([2, 5, 4]);
    expectClose(plain.dataSync(), native.dataSync(), 1e-5);
    layer.dispose();
  });
});

afterAll(() => tf.disposeVariables());
