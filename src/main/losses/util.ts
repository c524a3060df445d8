/** Small tensor helpers shared by the losses. */
import { tf, type Tensor } from '../model/tf.js';

const stopGradientOp = tf.customGrad((...args: unknown[]) => {
  const x = args[0] as Tensor;
  return { value: x.clone(), gradFunc: (dy: Tensor) => tf.zerosLike(dy) };
});

/**
 * Identity in the forward pass, zero gradient in the backward pass (PyTorch's `.detach()`;
 * tfjs-core has no stop-gradient op of its own).
 */
export function stopGradient(x: Tensor): Tensor {
  return stopGradientOp(x);
}

/** Throws a clear error when a tensor's rank or a dimension is not what a loss expects. */
export function expectShape(name: string, t: Tensor, rank: number, dims: Record<number, number> = {}): void {
  if (t.rank !== rank) throw new Error(`${name}: expected a rank-${rank} tensor, got shape [${t.shape.join(', ')}]`);
  for (const [axis, size] of Object.entries(dims)) {
    if (t.shape[Number(axis)] !== size) {
      throw new Error(`${name}: axis ${axis} should have size ${size}, got shape [${t.shape.join(', ')}]`);
    }
  }
}

/** Throws unless two tensors have the same shape. */
export function expectSameShape(name: string, a: Tensor, b: Tensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`${name}: shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] differ`);
  }
}

/** Sum of squared off-diagonal entries of a square (d, d) matrix. */
export function offDiagonalSquaredSum(m: Tensor): Tensor {
  return tf.tidy(() => {
    const d = m.shape[0];
    const offMask = tf.sub(tf.onesLike(m), tf.eye(d));
    return tf.sum(tf.mul(tf.square(m), offMask));
  });
}

/** Centres a (B, d) batch over the batch axis. */
export function centre(x: Tensor): Tensor {
  return tf.sub(x, tf.mean(x, 0, true));
}
