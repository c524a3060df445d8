/** Inverted dropout, active only in training (nn.Dropout). */
import { tf } from '../tf';
import type { Tensor } from '../tf';

/** Zeroes each element with probability `rate` and rescales by 1/(1−rate) when `training`; identity otherwise. */
export function dropout(x: Tensor, rate: number, training: boolean, seed?: number): Tensor {
  if (!training || rate <= 0) return x;
  if (rate >= 1) throw new Error(`dropout rate must be < 1, got ${rate}`);
  return tf.dropout(x, rate, undefined, seed);
}
