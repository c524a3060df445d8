/**
 * Finite-difference gradient checks: tf.grads of a float32 tfjs loss against central differences of
 * an independent float64 reference.
 */
import { expect } from 'vitest';
import { tf } from '../../../src/main/model/tf.js';

export interface GradInput {
  data: Float64Array;
  shape: number[];
}

/** A seeded uniform(−1, 1) generator. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

export function randomInput(shape: number[], rand: () => number, scale = 1): GradInput {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float64Array.from({ length: n }, () => rand() * scale), shape };
}

/**
 * Checks value and gradient with respect to each input in `wrt`:
 * |g_tf − g_fd| ≤ rtol·max|g_fd| + atol elementwise, and |L_tf − L_64| ≤ vtol·max(1, |L_64|).
 */
export function checkGradients(
  tfLoss: (...xs: tf.Tensor[]) => tf.Tensor,
  ref64: (...xs: Float64Array[]) => number,
  inputs: GradInput[],
  wrt: number[],
  { rtol = 2e-3, atol = 1e-5, vtol = 1e-5, h = 1e-6 } = {},
): void {
  const tensors = inputs.map((x) => tf.tensor(Array.from(x.data), x.shape, 'float32'));
  // Reference at the float32-rounded inputs, so both sides see the same point.
  const base = inputs.map((x) => Float64Array.from(x.data, (v) => Math.fround(v)));
  const value = tfLoss(...tensors).dataSync()[0];
  const refValue = ref64(...base);
  expect(Math.abs(value - refValue)).toBeLessThanOrEqual(vtol * Math.max(1, Math.abs(refValue)));

  const grads = tf.grads((...xs: tf.Tensor[]) => tfLoss(...tensors.map((t, i) => (wrt.includes(i) ? xs[wrt.indexOf(i)] : t))) as tf.Scalar);
  const g = grads(wrt.map((i) => tensors[i]));
  wrt.forEach((inputIndex, gi) => {
    const analytic = g[gi].dataSync();
    const x = base[inputIndex];
    const fd = new Float64Array(x.length);
    for (let j = 0; j < x.length; j++) {
      const step = h * Math.max(1, Math.abs(x[j]));
      const keep = x[j];
      x[j] = keep + step; const up = ref64(...base);
      x[j] = keep - step; const down = ref64(...base);
      x[j] = keep;
      fd[j] = (up - down) / (2 * step);
    }
    const scale = fd.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    let worst = 0;
    for (let j = 0; j < fd.length; j++) worst = Math.max(worst, Math.abs(analytic[j] - fd[j]) - rtol * scale);
    expect(worst, `gradient w.r.t. input ${inputIndex}`).toBeLessThanOrEqual(atol);
  });
}
