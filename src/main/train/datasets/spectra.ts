/**
 * Turns LAMOST spectra (and whatever labels are known for them) into the encoder's training set:
 * each spectrum preprocessed (paper defaults: rest frame from Z, continuum, 3σ clipping, padding to
 * 4096), then block-averaged to the model size's input length when that is shorter (the `tiny` size).
 */
import type { Spectrum } from '../../../shared/survey';
import { preprocessSpectrum, type SpectrumPreprocessOptions } from '../../preprocess';
import type { SpectraDataset } from '../stages/spectra';

export interface SpectrumLabels {
  teff: number | null;
  logg: number | null;
  feh: number | null;
}

/** Averages blocks of `factor` pixels: 4096 → 1024 for `tiny`. */
export function blockAverage(x: Float32Array, length: number): Float32Array {
  if (x.length === length) return x;
  const factor = x.length / length;
  if (!Number.isInteger(factor)) throw new Error(`cannot reduce a ${x.length}-pixel spectrum to ${length} pixels`);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    let s = 0;
    for (let j = 0; j < factor; j++) s += x[i * factor + j];
    out[i] = s / factor;
  }
  return out;
}

function zscore(values: number[]): { mean: number; std: number } {
  const known = values.filter((v) => Number.isFinite(v));
  if (known.length === 0) return { mean: 0, std: 1 };
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  const sd = Math.sqrt(known.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, known.length - 1));
  return { mean, std: sd > 0 ? sd : 1 };
}

export function buildSpectraDataset(
  spectra: readonly Spectrum[],
  labelsOf: (s: Spectrum) => SpectrumLabels | null,
  length: number,
  preprocess: SpectrumPreprocessOptions = {},
): SpectraDataset {
  const n = spectra.length;
  const inputs = new Float32Array(n * length);
  const raw: number[][] = [[], [], []];
  const snrg = new Float32Array(n);
  spectra.forEach((s, i) => {
    const p = preprocessSpectrum({ wavelength: s.wavelength, flux: s.flux, z: s.z, heliocentricCorrection: s.heliocentricCorrection, sourcePath: s.sourcePath }, preprocess);
    inputs.set(blockAverage(p.modelInput, length), i * length);
    const l = labelsOf(s);
    raw[0].push(l?.teff ?? NaN);
    raw[1].push(l?.logg ?? NaN);
    raw[2].push(l?.feh ?? NaN);
    snrg[i] = s.snr.g ?? 0;
  });
  const stats = raw.map(zscore);
  const labels = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) labels[i * 3 + k] = (raw[k][i] - stats[k].mean) / stats[k].std;
  return { inputs, length, n, labels, labelStats: { mean: stats.map((s) => s.mean), std: stats.map((s) => s.std) }, snrg };
}
