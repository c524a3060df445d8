/** Baselines of the paper (MoCo, MoCo-clean, SimSiam, VICReg) over the frozen encoders' features. */
export { baselineTrainStep, type BaselineBatch, type BaselineModel, type Optimiser } from './baseline';
export { BASELINE_ENCODER_CONFIGS, createBaseline, type BaselineKind, type BaselineSetup } from './config';
export { MultimodalMoco, type MocoConfig } from './moco';
export { MultimodalSimSiam, type SimSiamBaselineConfig } from './simsiam';
export { MultimodalVicReg, type VicRegBaselineConfig } from './vicreg';
export { ScalarTokenTransformer, type ScalarTokenTransformerConfig } from './scalar-token-transformer';
export { uniqueStarBatches, type UniqueStarOptions } from './unique-star-sampler';
