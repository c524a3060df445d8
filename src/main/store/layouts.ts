/** The binary record layouts of each array kind (see arrays.ts). 8-byte types come first. */
import type { Layout } from './arrays';

export const SPECTRUM_FILE = 'spectra.bin';
export const LIGHTCURVE_FILE = 'lightcurves.bin';
export const EMBEDDING_FILE = 'embeddings.bin';

export type SpectrumArrayKey = 'wavelength' | 'flux' | 'ivar' | 'andMask' | 'orMask';
export const SPECTRUM_LAYOUT: Layout<SpectrumArrayKey> = [
  ['wavelength', Float64Array],
  ['flux', Float32Array],
  ['ivar', Float32Array],
  ['andMask', Int32Array],
  ['orMask', Int32Array],
];

export type LightCurveArrayKey =
  | 'time' | 'pdcsapFlux' | 'pdcsapFluxErr' | 'sapFlux' | 'sapFluxErr' | 'quality' | 'cadenceNo';
export const LIGHTCURVE_LAYOUT: Layout<LightCurveArrayKey> = [
  ['time', Float64Array],
  ['pdcsapFlux', Float32Array],
  ['pdcsapFluxErr', Float32Array],
  ['sapFlux', Float32Array],
  ['sapFluxErr', Float32Array],
  ['quality', Int32Array],
  ['cadenceNo', Int32Array],
];

export type EmbeddingArrayKey = 'vector';
export const EMBEDDING_LAYOUT: Layout<EmbeddingArrayKey> = [['vector', Float32Array]];
