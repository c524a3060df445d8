import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/main/synth/random';

describe('Rng (xoshiro128** seeded by SplitMix64)', () => {
  it('gives the same stream for the same keys and different streams otherwise', () => {
    const a = new Rng(42, 7, 1);
    const b = new Rng(42, 7, 1);
    const c = new Rng(42, 8, 1);
    const xa = Array.from({ length: 8 }, () => a.nextUint32());
    const xb = Array.from({ length: 8 }, () => b.nextUint32());
    const xc = Array.from({ length: 8 }, () => c.nextUint32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('has the moments of U(0,1), N(0,1) and Poisson within sampling error', () => {
    const r = new Rng(1);
    const n = 200_000;
    let su = 0, su2 = 0, sn = 0, sn2 = 0, sn4 = 0, sp = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      su += u; su2 += u * u;
      const g = r.normal();
      sn += g; sn2 += g * g; sn4 += g ** 4;
      sp += r.poisson(3.5);
    }
    // Standard errors: mean(U) 0.00065, mean(N) 0.0022, var(N) 0.0032, kurtosis 0.012.
    expect(Math.abs(su / n - 0.5)).toBeLessThan(0.003);
    expect(Math.abs(su2 / n - 1 / 3)).toBeLessThan(0.003);
    expect(Math.abs(sn / n)).toBeLessThan(0.01);
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(0.015);
    expect(Math.abs(sn4 / n - 3)).toBeLessThan(0.06);
    expect(Math.abs(sp / n - 3.5)).toBeLessThan(0.03);
  });
});
