/**
 * `RandomMasking`, the spectra self-supervision mask (digest §3.3), ported by specification (it is random,
 * so no fixture covers it): each position of the unpadded spectrum is masked with probability
 * `maskProb` (0.15); a masked position becomes 0 with probability `zeroProb` (0.8), otherwise a value
 * drawn uniformly from [0, randomHigh). `randomHigh` is the maximum of the FIRST spectrum this instance
 * ever masks and then stays fixed (the reference's sticky state). Padding is never masked.
 */

import { mulberry32 } from '../../../shared/random';

export { mulberry32 };

export interface RandomMaskingOptions {
  maskProb?: number;
  zeroProb?: number;
  /** Seed of the instance's random stream (mulberry32); reproducible masks for tests and resumes. */
  seed?: number;
  /** Switch masking off (the model then sees the spectrum unchanged, as in parity runs). */
  enabled?: boolean;
}

export interface MaskedSpectrum {
  /** The spectrum the encoder sees. */
  masked: Float32Array;
  /** 1 where a position was masked (0 in the padding). */
  mask: Uint8Array;
}


export class RandomMasking {
  readonly maskProb: number;
  readonly zeroProb: number;
  readonly enabled: boolean;
  private readonly random: () => number;
  private randomHigh: number | null = null;

  constructor(opts: RandomMaskingOptions = {}) {
    this.maskProb = opts.maskProb ?? 0.15;
    this.zeroProb = opts.zeroProb ?? 0.8;
    this.enabled = opts.enabled ?? true;
    for (const [name, p] of [['maskProb', this.maskProb], ['zeroProb', this.zeroProb]] as const) {
      if (!(p >= 0 && p <= 1)) throw new Error(`RandomMasking: ${name} must be in [0, 1], got ${p}`);
    }
    this.random = mulberry32(opts.seed ?? 0);
  }

  /** The sticky upper bound of random replacement values (null until the first spectrum). */
  get high(): number | null {
    return this.randomHigh;
  }

  /**
   * Masks the first `validLength` values of `spectrum` (default: all of it); values beyond are
   * padding and are copied unchanged with mask 0.
   */
  apply(spectrum: Float32Array, validLength = spectrum.length): MaskedSpectrum {
    if (validLength > spectrum.length) throw new Error(`RandomMasking: validLength ${validLength} exceeds spectrum length ${spectrum.length}`);
    const masked = Float32Array.from(spectrum);
    const mask = new Uint8Array(spectrum.length);
    if (!this.enabled) return { masked, mask };
    if (this.randomHigh === null) {
      let mx = -Infinity;
      for (let i = 0; i < validLength; i++) if (spectrum[i] > mx) mx = spectrum[i];
      this.randomHigh = mx;
    }
    for (let i = 0; i < validLength; i++) {
      if (this.random() >= this.maskProb) continue;
      mask[i] = 1;
      masked[i] = this.random() < this.zeroProb ? 0 : this.random() * this.randomHigh;
    }
    return { masked, mask };
  }
}
