/** Survey readers: LAMOST LRS spectra and Kepler/K2 light curves into the shared data model. */
export { readSurveyFile } from './read.js';
export { stitchLightCurves, type StitchOptions } from './stitch.js';
export {
  KeplerQualityBits,
  DEFAULT_QUALITY_BITMASK,
  HARD_QUALITY_BITMASK,
  HARDEST_QUALITY_BITMASK,
  qualityBitmask,
  type QualityMask,
} from './quality.js';
export { detectProduct, type DetectedProduct } from './detect.js';
export { lamostDataRelease, kicFromTargetComment } from './lamost.js';
export { SurveyError } from './errors.js';
