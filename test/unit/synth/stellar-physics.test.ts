import { describe, expect, it } from 'vitest';
import { evolve, mainSequenceLifetime } from '../../../src/main/synth/physics/evolution';
import { absoluteG, bolometricCorrectionG } from '../../../src/main/synth/physics/photometry';
import { drawImfMass } from '../../../src/main/synth/physics/population';
import { Rng } from '../../../src/main/synth/random';
import { drawStar } from '../../../src/main/synth/star';

describe('stellar parameters', () => {
  it('puts the Sun at 1 Msun, 4.57 Gyr, [Fe/H]=0 near its measured values', () => {
    const sun = evolve(1, 4.57, 0)!;
    expect(sun.stage).toBe('MS');
    expect(Math.abs(sun.teff - 5772)).toBeLessThan(100); // IAU 2015 B3
    expect(Math.abs(sun.logg - 4.438)).toBeLessThan(0.05);
    expect(Math.abs(sun.luminosity - 1)).toBeLessThan(0.1);
    // Gaia: M_G(Sun) = 4.67 (Casagrande & VandenBerg 2018), BC_G(Sun) ≈ +0.06 (Andrae et al. 2018).
    expect(Math.abs(bolometricCorrectionG(5772) - 0.06)).toBeLessThan(1e-9);
    expect(Math.abs(absoluteG(sun.luminosity, sun.teff) - 4.67)).toBeLessThan(0.12);
  });

  it('evolves a 1.2 Msun star through subgiant, red giant and clump phases', () => {
    const tMs = mainSequenceLifetime(1.2, 0);
    const stages = [0.5, 1.1, 1.2, 1.3].map((f) => evolve(1.2, f * tMs, 0)!);
    expect(stages.map((s) => s.stage)).toEqual(['MS', 'SG', 'RGB', 'RC']);
    expect(stages[3].logg).toBeLessThan(3); // clump giants: log g ≈ 2.4
    expect(stages[3].logg).toBeGreaterThan(2);
    expect(evolve(1.2, 1.5 * tMs, 0)).toBeNull();
    // Metal-poor stars are hotter at fixed mass and age.
    expect(evolve(0.9, 3, -0.5)!.teff).toBeGreaterThan(evolve(0.9, 3, 0.3)!.teff);
  });

  it('samples the Kroupa (2001) IMF slope above 0.5 Msun', () => {
    const rng = new Rng(3);
    const masses = Array.from({ length: 100_000 }, () => drawImfMass(rng, 0.5, 2.5));
    // Maximum-likelihood index of a power law truncated to [0.5, 2.5], by a grid search.
    const meanLog = masses.reduce((sum, m) => sum + Math.log(m), 0) / masses.length;
    const logLikelihood = (a: number) => -a * meanLog - Math.log((Math.pow(2.5, 1 - a) - Math.pow(0.5, 1 - a)) / (1 - a));
    let alpha = 1.5;
    for (let a = 1.5; a <= 3.5; a += 0.001) if (logLikelihood(a) > logLikelihood(alpha)) alpha = a;
    expect(Math.abs(alpha - 2.3)).toBeLessThan(0.03);
  });

  it('gives a Kepler-like target mix (Berger et al. 2018: ~2/3 dwarfs, ~1/5 subgiants, ~1/10 giants)', () => {
    const stages = { MS: 0, SG: 0, RGB: 0, RC: 0 };
    const n = 3000;
    let binaries = 0;
    for (let i = 0; i < n; i++) {
      const s = drawStar(11, i);
      stages[s.primary.stage]++;
      if (s.secondary) binaries++;
      expect(s.kepmag).toBeGreaterThanOrEqual(8.5);
      expect(s.kepmag).toBeLessThanOrEqual(16);
    }
    expect(stages.MS / n).toBeGreaterThan(0.6);
    expect(stages.MS / n).toBeLessThan(0.85);
    expect(stages.SG / n).toBeGreaterThan(0.08);
    expect((stages.RGB + stages.RC) / n).toBeGreaterThan(0.05);
    expect((stages.RGB + stages.RC) / n).toBeLessThan(0.2);
    expect(binaries / n).toBeGreaterThan(0.35);
    expect(binaries / n).toBeLessThan(0.5);
  });
});
