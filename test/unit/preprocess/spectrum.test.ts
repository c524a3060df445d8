/**
 * Spectrum preprocessing behaviour not covered by the fixtures: the paper's clipping (the default),
 * presets and option resolution, and clear errors for bad input. Inputs are the authors' real
 * fixture spectra.
 */
import { describe, it, expect } from 'vitest';
import { loadFixture } from '../../helpers/fixtures.js';
import {
  meanFloat64, preprocessSpectrum, resolveSpectrumOptions, shiftWavelength, sigmaClipNormalise, stdFloat64, C_KMS,
} from '../../../src/main/preprocess/index.js';

const fx = loadFixture('preprocessing/lamost');
const input = (id: string) => ({
  wavelength: fx.f32(`${id}/raw_wavelength`),
  flux: fx.f32(`${id}/raw_flux`),
  z: fx.scalar(`${id}/z`),
  heliocentricCorrection: fx.scalar(`${id}/helio_rv`),
  sourcePath: `${id}.fits`,
});

describe('paper clipping (default)', () => {
  // The low-SNR spectrum has many 3σ outliers (README §1.5, item 6).
  const s = fx.f64('dr10_g5_lowsnr/code/red_continuum_normalized');

  it('removes the same pixels the code replaces, and z-scores the kept pixels exactly', () => {
    const paper = sigmaClipNormalise(s, 'paper');
    const code = sigmaClipNormalise(s, 'code');
    expect(paper.clip.clipped).toBe(code.clip.clipped);
    expect(paper.clip.clipped).toBeGreaterThan(0);
    const mu = meanFloat64(s), sd = stdFloat64(s);
    const kept: number[] = [];
    for (let i = 0; i < s.length; i++) {
      const outlier = Math.abs(s[i] - mu) > 3 * sd;
      if (outlier) {
        expect(paper.normalised[i]).toBe(0);
        expect(code.normalised[i]).toBe(0); // the code's μ replacement also lands on 0 after z-scoring
      } else kept.push(paper.normalised[i]);
    }
    expect(Math.abs(meanFloat64(kept))).toBeLessThan(1e-12);
    expect(Math.abs(stdFloat64(kept) - 1)).toBeLessThan(1e-12);
    // The code's output is not unit-variance on this spectrum (README: std ≈ 0.3–0.4).
    expect(stdFloat64(code.normalised)).toBeLessThan(0.6);
  });

  it('the default preset is restframe_z + paper clipping; presets resolve to the fixture variants', () => {
    expect(resolveSpectrumOptions()).toMatchObject({ rvCorrection: 'restframe_z', clipping: 'paper' });
    expect(resolveSpectrumOptions('code')).toMatchObject({ rvCorrection: 'code', clipping: 'code' });
    expect(resolveSpectrumOptions('paper_rv')).toMatchObject({ rvCorrection: 'paper_rv', clipping: 'code' });
    expect(resolveSpectrumOptions({ clipping: 'code' })).toMatchObject({ rvCorrection: 'restframe_z', clipping: 'code' });
  });

  it('a default run gives 4096 values: 1790 blue, 1810 red, then zero padding', () => {
    const out = preprocessSpectrum(input('dr10_g8'));
    expect(out.modelInput.length).toBe(4096);
    expect(out.blue.normalised.length).toBe(1790);
    expect(out.red.normalised.length).toBe(1810);
    expect(Array.from(out.modelInput.subarray(3600)).every((v) => v === 0)).toBe(true);
    expect(out.shift.velocityKms).toBeCloseTo(fx.scalar('dr10_g8/z') * C_KMS, 9);
  });
});

describe('rest-frame shift', () => {
  it('restframe_z divides by 1 + Z: a line at λ(1+Z) lands back on λ within float32 rounding', () => {
    const z = 2e-4;
    const rest = 6562.8;
    const { restWavelength } = shiftWavelength([rest * (1 + z)], 'restframe_z', { z, heliocentricCorrection: null });
    expect(Math.abs(restWavelength[0] - rest)).toBeLessThan(rest * 2 ** -23);
  });
  it('code multiplies by 1 + HELIO_RV/c and paper_rv divides by it', () => {
    const rv = 30;
    const code = shiftWavelength([5000], 'code', { z: null, heliocentricCorrection: rv }).restWavelength[0];
    const paper = shiftWavelength([5000], 'paper_rv', { z: null, heliocentricCorrection: rv }).restWavelength[0];
    expect(code).toBeCloseTo(5000 * (1 + rv / C_KMS), 3);
    expect(paper).toBeCloseTo(5000 / (1 + rv / C_KMS), 3);
  });
});

describe('bad input gives clear errors naming the file', () => {
  it('missing Z for restframe_z, missing HELIO_RV for code', () => {
    expect(() => preprocessSpectrum({ ...input('dr1_f9'), z: null })).toThrow(/dr1_f9\.fits.*redshift Z/);
    expect(() => preprocessSpectrum({ ...input('dr1_f9'), heliocentricCorrection: null }, 'code')).toThrow(/dr1_f9\.fits.*HELIO_RV/);
  });
  it('mismatched lengths and an arm without pixels', () => {
    const bad = input('dr1_f9');
    expect(() => preprocessSpectrum({ ...bad, flux: bad.flux.subarray(1) })).toThrow(/dr1_f9\.fits.*wavelength has 3904 pixels but flux has 3903/);
    const blueOnly = { ...bad, wavelength: bad.wavelength.map((w) => w * 0.6) };
    expect(() => preprocessSpectrum(blueOnly)).toThrow(/dr1_f9\.fits.*arm; cannot resample/);
  });
  it('an unknown preset', () => {
    expect(() => preprocessSpectrum(input('dr1_f9'), 'nonsense' as never)).toThrow(/unknown spectrum preset 'nonsense'/);
  });
});
