/**
 * Masked-filling reconstruction loss of the spectra encoder (digest §3.3, §3.6).
 */
import { tf, type Tensor } from '../model/tf.js';
import { expectSameShape } from './util.js';

export interface MaskedFillMseOptions {
  /**
   * Which positions count:
   * - `masked` (default, the paper: the loss scores how well the masked positions are filled in),
   *   needs `mask`;
   * - `all` (the authors' code): every position of the (B, 4096) output, masked, unmasked and padding.
   */
  positions?: 'masked' | 'all';
  /** 1 where the input was masked, same shape as the spectra. */
  mask?: Tensor | null;
}

/**
 * MSE between the decoder's reconstruction and the *unmasked* spectrum. With `positions: 'masked'`
 * the squared errors are averaged over masked positions only (0 when nothing was masked).
 */
export function maskedFillMse(reconstruction: Tensor, target: Tensor, opts: MaskedFillMseOptions = {}): Tensor {
  const positions = opts.positions ?? 'masked';
  expectSameShape('maskedFillMse', reconstruction, target);
  return tf.tidy(() => {
    const sq = tf.squaredDifference(reconstruction, target);
    if (positions === 'all') return tf.mean(sq);
    if (positions !== 'masked') throw new Error(`maskedFillMse: unknown positions '${String(positions)}'`);
    if (!opts.mask) throw new Error("maskedFillMse: positions 'masked' needs the mask (or choose positions 'all', the authors' code)");
    expectSameShape('maskedFillMse mask', reconstruction, opts.mask);
    const m = tf.cast(opts.mask, 'float32');
    const count = tf.maximum(tf.sum(m), 1);
    return tf.div(tf.sum(tf.mul(sq, m)), count);
  });
}
