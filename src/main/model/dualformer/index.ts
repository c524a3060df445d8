/** DualFormer, the DESA alignment module, and its configurations. */
export { DualFormer, finalFeatures, labelsToLatent, type DualFormerOutput, type DualFormerForwardOptions } from './dualformer';
export { DUALFORMER_CONFIGS, type DualFormerConfig } from './config';
