/** The configured tfjs namespace: cpu backend selected, gradients registered (under vite/vitest). */
import { describe, it, expect } from 'vitest';
import { tf, gradientsAvailable, requireGradients, tfReady, DEFAULT_BACKEND } from '../../../src/main/model/tf';

describe('model tf configuration', () => {
  it('selects the cpu backend and registers gradients', async () => {
    await tfReady;
    expect(tf.getBackend()).toBe(DEFAULT_BACKEND);
    expect(gradientsAvailable).toBe(true);
    expect(() => requireGradients()).not.toThrow();
    // d/dx Σ x·sin(x) = sin(x) + x·cos(x)
    const g = tf.grad((x) => tf.sum(tf.mul(x, tf.sin(x))))(tf.tensor1d([0.5, 2])).dataSync();
    expect(g[0]).toBeCloseTo(Math.sin(0.5) + 0.5 * Math.cos(0.5), 5);
    expect(g[1]).toBeCloseTo(Math.sin(2) + 2 * Math.cos(2), 5);
  });
});
