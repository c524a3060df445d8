import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSurveyFile } from '../../../src/main/survey/index';
import { getColumn, idValues, numericValues, readCatalog } from '../../../src/main/catalog/index';
import { lamostWavelengths, modelSpectrum } from '../../../src/main/synth/spectrum';
import { drawStar } from '../../../src/main/synth/star';
import type { Spectrum } from '../../../src/shared/survey';
import type { StarTruth } from '../../../src/main/synth/truth';
import { sharedDir } from '../../helpers/paths';

const LINES = { 'H-alpha': 6564.61, 'H-beta': 4862.68, 'Ca II K': 3934.78, 'Mg b': 5174.1, 'Na D': 5891.6 } as const;

/** Core depth: minimum flux within ±3 Å of the (shifted) line over the median flux within ±40 Å. */
function depth(wave: ArrayLike<number>, flux: ArrayLike<number>, center: number): number {
  let min = Infinity;
  const around: number[] = [];
  for (let i = 0; i < wave.length; i++) {
    const d = Math.abs(wave[i] - center);
    if (d < 3) min = Math.min(min, flux[i]);
    if (d < 40) around.push(flux[i]);
  }
  around.sort((a, b) => a - b);
  return min / around[around.length >> 1];
}

describe('synthetic spectra against real LAMOST DR10 spectra of the same Teff, log g, [Fe/H]', () => {
  it('reproduces the observed line depths of Balmer, Ca II K, Mg b and Na D within 0.12', async () => {
    const dir = path.join(sharedDir(), 'data/real/lamost');
    const labels = await readCatalog(path.join(sharedDir(), 'data/real/other/AFG_merged_params.csv'));
    const byObsid = new Map<string, number>();
    idValues(getColumn(labels, 'obsid')).forEach((id, i) => byObsid.set(id!, i));
    const teff = numericValues(getColumn(labels, 'teff'));
    const logg = numericValues(getColumn(labels, 'logg'));
    const feh = numericValues(getColumn(labels, 'feh'));
    const wave = lamostWavelengths();
    const base = drawStar(1, 0);
    const diffs: Record<string, number[]> = Object.fromEntries(Object.keys(LINES).map((k) => [k, []]));
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.fits.gz') && f.startsWith('spec-')).sort()) {
      const rec = await readSurveyFile(path.join(dir, name));
      if (rec.kind !== 'spectrum' || rec.layout !== 'coadd-table') continue;
      const real = rec as Spectrum;
      const row = real.obsid === null ? undefined : byObsid.get(real.obsid);
      if (row === undefined || !(real.snr.g! > 40) || !Number.isFinite(teff[row])) continue;
      const star: StarTruth = {
        ...base, feh: feh[row], av: 0, vsini: 5, flareRate: 0, secondary: null, orbit: null, lightFraction2: 0,
        primary: { ...base.primary, teff: teff[row], logg: logg[row], radius: 1, stage: 'MS' },
      };
      const epoch = { ...base.spectra[0] ?? {}, rv1: 0, rv2: null, layout: 'dr10' as const } as StarTruth['spectra'][number];
      const model = modelSpectrum(star, epoch, wave).flux;
      const shift = 1 + (real.z ?? 0);
      for (const [line, lambda] of Object.entries(LINES)) {
        diffs[line].push(depth(real.wavelength, real.flux, lambda * shift) - depth(wave, model, lambda));
      }
    }
    for (const [line, d] of Object.entries(diffs)) {
      expect(d.length, line).toBeGreaterThan(20);
      const sorted = [...d].sort((a, b) => a - b);
      const median = sorted[sorted.length >> 1];
      expect(Math.abs(median), line).toBeLessThan(0.12);
    }
  });
});
