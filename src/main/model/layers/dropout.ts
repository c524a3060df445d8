/** Inverted dropout, active only in training (nn.Dropout). */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { fusedDropout } from '../backend/fused-layers';

/** Zeroes each element with probability `rate` and rescales by 1/(1−rate) when `training`; identity otherwise. */
export function dropout(x: Tensor, rate: number, training: boolean, seed?: number): Tensor {
  if (!training || rate <= 0) return x;
  if (rate >= 1) throw new Error(`dropout rate must be < 1, got ${rate}`);
  const $seed = seed ?? (dropoutRng ? Math.floor(dropoutRng() * 2 ** 31) : undefined);
  // The fused native pass draws the same mask as tf.dropout from the same seed (bit for bit).
  return fusedDropout(x, rate, $seed) ?? tf.dropout(x, rate, undefined, $seed);
}

let dropoutRng: (() => number) | null = null;

/**
 * Makes every unseeded dropout draw its mask seed from `rng` (null restores tfjs's own randomness).
 * The trainer sets a per-step generator so a resumed run draws the same masks as an uninterrupted one.
 */
export function setDropoutRng(rng: (() => number) | null): void {
  dropoutRng = rng;
}
