/** Spectra encoder of stage 1 (MultiTaskRegressor) and its self-supervision mask. */
export { SpectraEncoderModel, type SpectraInputs, type SpectraOutputs } from './multitask-regressor';
export { MultiEncoder, type MultiEncoderOutput } from './multi-encoder';
export { CnnDecoder } from './decoder';
export { RandomMasking, mulberry32, type RandomMaskingOptions, type MaskedSpectrum } from './random-masking';
