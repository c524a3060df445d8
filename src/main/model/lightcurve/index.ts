/** Light-curve encoder of stage 2 (MultiTaskSimSiam over DoubleInputRegressor(CNN, Astroconformer)). */
export {
  LightCurveEncoderModel,
  type LightCurveInputs,
  type LightCurveOutputs,
  type LightCurveViewOutput,
} from './multitask-simsiam';
export { DoubleInputBackbone, type BackboneOutput } from './double-input';
export { Astroconformer, type AstroconformerOutput } from './astroconformer';
export { ProjectionMlp, PredictionMlp } from './simsiam';
