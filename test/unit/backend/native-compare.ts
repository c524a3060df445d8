/** Helpers shared by the backend tests: run code with plain or native kernels and compare the results. */
import { expect } from 'vitest';
import { tf } from '../../../src/main/model/tf';
import type { Tensor } from '../../../src/main/model/tf';
import { loadNativeKernelAddon, registerNativeKernels } from '../../../src/main/model/backend/native-kernels';

/** Runs `f` with the native kernels registered (`on`) or with tfjs's plain cpu kernels. */
export function withNative<T>(on: boolean, f: () => T): T {
  const reg = on ? registerNativeKernels(loadNativeKernelAddon()) : null;
  try {
    return f();
  } finally {
    reg?.unregister();
  }
}

/** |a − b| ≤ tol · max(1, max |a|), element by element. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number) {
  expect(b.length).toBe(a.length);
  let scale = 1;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]));
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * scale);
}

/** Values and gradients (w.r.t. every input) of Σ f(inputs)·weights, with plain or native kernels. */
export function valueAndGrads(native: boolean, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): Float32Array[] {
  return withNative(native, () => {
    const y = f(...inputs);
    const w = tf.randomNormal(y.shape, 0, 1, 'float32', 99);
    const grads = tf.grads((...xs: Tensor[]) => tf.sum(tf.mul(f(...xs), w)))(inputs);
    return [y, ...grads].map((t) => t.dataSync().slice() as Float32Array);
  });
}
