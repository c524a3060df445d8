/**
 * The fused native AdamW step (one call per variable) must give what the op-by-op update gives, and
 * both must match torch.optim.AdamW; it must never change tensors or exported state in place.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { tf } from '../../../src/main/model/tf';
import type { Tensor } from '../../../src/main/model/tf';
import { AdamW } from '../../../src/main/model/optim/adamw';
import { runTorchAdamWCase, TORCH_ADAMW, TORCH_ADAMW_AMSGRAD } from '../../helpers/adamw-reference';
import { activeNativeAddon, loadNativeKernelAddon, registerNativeKernels } from '../../../src/main/model/backend/native-kernels';

await tf.setBackend('cpu');
const addon = loadNativeKernelAddon();

async function withNative<T>(on: boolean, f: () => T | Promise<T>): Promise<T> {
  const reg = on ? registerNativeKernels(addon) : null;
  try {
    return await f();
  } finally {
    reg?.unregister();
  }
}

/** Trains a small two-variable problem; returns the parameters and the moments after `steps` steps. */
function train(native: boolean, amsgrad: boolean, steps: number) {
  return withNative(native, async () => {
    expect(activeNativeAddon() !== null).toBe(native);
    const w = tf.variable(tf.randomNormal([6, 4], 0, 1, 'float32', 21));
    const b = tf.variable(tf.randomNormal([4], 0, 1, 'float32', 22));
    const x = tf.randomNormal([9, 6], 0, 1, 'float32', 23);
    const opt = new AdamW([w, b], { lr: 0.03, betas: [0.8, 0.95], eps: 1e-7, weightDecay: 0.05, amsgrad });
    for (let t = 0; t < steps; t++) {
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sin(tf.add(tf.matMul(x, w), b)))) as tf.Scalar, [w, b]);
      opt.step(grads as Record<string, Tensor>);
      Object.values(grads).forEach((g) => g.dispose());
    }
    const out = { w: w.dataSync().slice() as Float32Array, b: b.dataSync().slice() as Float32Array, state: await opt.exportState() };
    opt.dispose();
    [w, b, x].forEach((t) => t.dispose());
    return out;
  });
}

describe('fused native AdamW', () => {
  for (const amsgrad of [false, true]) {
    it(`matches torch.optim.AdamW${amsgrad ? ' (AMSGrad)' : ''} with the native kernels active`, async () => {
      const got = await withNative(true, () => runTorchAdamWCase(amsgrad).params);
      (amsgrad ? TORCH_ADAMW_AMSGRAD : TORCH_ADAMW).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    });

    it(`gives the op-by-op update's parameters and moments${amsgrad ? ' (AMSGrad)' : ''}`, async () => {
      const plain = await train(false, amsgrad, 6), native = await train(true, amsgrad, 6);
      const close = (a: Float32Array, b: Float32Array) => a.forEach((v, i) => expect(Math.abs(b[i] - v)).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(v))));
      close(plain.w, native.w);
      close(plain.b, native.b);
      plain.state.slots.forEach((s, i) => {
        close(s!.m, native.state.slots[i]!.m);
        close(s!.v, native.state.slots[i]!.v);
        if (amsgrad) close(s!.vMax!, native.state.slots[i]!.vMax!);
      });
    });
  }

  it('writes fresh tensors: a view of the old parameter and exported state keep their values', async () => {
    await withNative(true, async () => {
      const p = tf.variable(tf.tensor1d([1, 2, 3]));
      const alias = tf.reshape(p, [3, 1]); // shares p's buffer on the cpu backend
      const opt = new AdamW([p], { lr: 0.1 });
      const step = () => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(p)) as tf.Scalar, [p]);
        opt.step(grads as Record<string, Tensor>);
      };
      step();
      const saved = await opt.exportState();
      const m0 = saved.slots[0]!.m.slice();
      step();
      expect(Array.from(alias.dataSync())).toEqual([1, 2, 3]);
      expect(Array.from(saved.slots[0]!.m)).toEqual(Array.from(m0));
      expect(p.dataSync()[0]).not.toBe(1);
      opt.dispose();
      p.dispose();
      alias.dispose();
    });
  });
});

afterAll(() => tf.disposeVariables());
