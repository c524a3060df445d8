/**
 * Preprocessing of LAMOST spectra and Kepler light curves into DESA model inputs: pure typed-array
 * functions (no tfjs), named after the steps of the reference digest (§1, §2).
 */
export * from './interpolate.js';
export * from './reductions.js';
export * from './medianFilter.js';
export * from './polynomialFit.js';
export * from './spectrum.js';
export * from './fft.js';
export * from './lightCurve.js';
export * from './json.js';
export { preprocessFile, preprocessFiles, type PreprocessFileOptions, type PreprocessFileResult } from './file.js';
