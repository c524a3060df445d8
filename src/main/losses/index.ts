/**
 * DESA's losses (tfjs, differentiable) and CQR conformal calibration (plain float64).
 * Where paper and code differ, the paper is the default and the code's behaviour is an option.
 */
export * from './reconstruction.js';
export * from './cqr.js';
export * from './conformal.js';
export * from './contrastive.js';
export * from './dual.js';
export { stopGradient } from './util.js';
