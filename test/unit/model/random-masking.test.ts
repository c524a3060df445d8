/** RandomMasking by its specification (digest §3.3): rates, replacement values, sticky high, padding. */
import { describe, it, expect } from 'vitest';
import { RandomMasking } from '../../../src/main/model/spectra/random-masking';

const spectrum = (n: number, scale: number) => Float32Array.from({ length: n }, (_, i) => scale * (1 + Math.sin(i / 7)));

describe('RandomMasking', () => {
  it('masks about 15 % of the valid positions, 80 % of them to zero, the rest within [0, high)', () => {
    const m = new RandomMasking({ seed: 1 });
    const x = spectrum(4096, 2);
    const valid = 3600;
    const { masked, mask } = m.apply(x, valid);
    let n = 0, zeros = 0;
    for (let i = 0; i < valid; i++) {
      if (!mask[i]) {
        expect(masked[i]).toBe(x[i]);
        continue;
      }
      n++;
      if (masked[i] === 0) zeros++;
      else {
        expect(masked[i]).toBeGreaterThanOrEqual(0);
        expect(masked[i]).toBeLessThan(m.high!);
      }
    }
    // Binomial(3600, 0.15): mean 540, sd ≈ 21; zero share: mean 0.8, sd ≈ 0.017.
    expect(Math.abs(n - 540)).toBeLessThan(5 * 21.4);
    expect(Math.abs(zeros / n - 0.8)).toBeLessThan(5 * 0.0172);
    for (let i = valid; i < x.length; i++) {
      expect(mask[i]).toBe(0);
      expect(masked[i]).toBe(x[i]);
    }
  });

  it('keeps the maximum of the first spectrum as the replacement bound (sticky state)', () => {
    const m = new RandomMasking({ seed: 2 });
    m.apply(spectrum(100, 1));
    expect(m.high).toBeCloseTo(2, 2);
    m.apply(spectrum(100, 50));
    expect(m.high).toBeCloseTo(2, 2);
  });

  it('is reproducible for a seed and can be switched off', () => {
    const x = spectrum(500, 1);
    expect(new RandomMasking({ seed: 9 }).apply(x).mask).toEqual(new RandomMasking({ seed: 9 }).apply(x).mask);
    const off = new RandomMasking({ enabled: false }).apply(x);
    expect(off.masked).toEqual(x);
    expect(off.mask.every((v) => v === 0)).toBe(true);
  });

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => new RandomMasking({ maskProb: 1.5 })).toThrow(/maskProb/);
  });
});
