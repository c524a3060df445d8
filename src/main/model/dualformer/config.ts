/**
 * DualFormer sizes (digest §6.3, §12.2). Kept next to the model rather than in ../configs.ts so the
 * encoder and DualFormer configs can evolve independently; both use the same size names.
 */
import type { ModelSize } from '../configs';

/** Hyperparameters of `DualFormer` (config section `dual_former` of the reference). */
export interface DualFormerConfig {
  embedDim: number;
  numLayers: number;
  numHeads: number;
  ffnDim: number;
  /** Residual/FFN dropout. */
  dropout: number;
  /** Dropout on the attention weights. */
  attentionDropout: number;
  activation: 'gelu' | 'relu' | 'silu';
  /** Pre-norm blocks (the reference's `norm_first: True`) or post-norm. */
  normFirst: boolean;
  /** RoPE on half of each head, with separate position grids per modality. */
  usePositionalEncoding: boolean;
  /** `cross_self` (DESA): the same query attends to both modalities and the results are summed. */
  attentionType: 'cross' | 'self' | 'cross_self';
  /** `transpose` (DESA): p2 = Aᵀ z2; `normal` (ablation): p2 = A z2. */
  projectionType: 'transpose' | 'normal';
  pooling: 'mean' | 'max';
  /** Conditioning labels appended to both pooled vectors before A (6 in DESA). */
  latentDim: number;
  /** Output size of the (unused in DESA) prediction heads, kept so state dicts match. */
  outputDim: number;
}

const common = {
  dropout: 0.1,
  attentionDropout: 0.1,
  activation: 'gelu',
  normFirst: true,
  usePositionalEncoding: true,
  attentionType: 'cross_self',
  projectionType: 'transpose',
  pooling: 'mean',
  latentDim: 6,
  outputDim: 3,
} as const;

/** DualFormer configurations by size; `small` is the fixture's configuration (A is 70 × 70). */
export const DUALFORMER_CONFIGS: Record<ModelSize, DualFormerConfig> = {
  tiny: { ...common, embedDim: 16, numLayers: 1, numHeads: 2, ffnDim: 64 },
  small: { ...common, embedDim: 64, numLayers: 2, numHeads: 4, ffnDim: 256 },
  paper: { ...common, embedDim: 256, numLayers: 4, numHeads: 8, ffnDim: 2048 },
};
