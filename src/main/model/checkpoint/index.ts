/**
 * Checkpoint import and our weights-folder format. The CLI command
 * `desa import-checkpoint FILE.pth --out DIR` calls {@link importCheckpointToDir}.
 */
export { CheckpointError } from './errors.js';
export { importCheckpoint, importCheckpointToDir, type ImportSummary } from './import-checkpoint.js';
export { readWeightsDir, writeWeightsDir, type ReadWeightsOptions, type WeightsManifest, type WeightsManifestEntry } from './weights-dir.js';
export type { StateDict, WeightData, WeightDType, WeightTensor } from './tensor.js';
