/**
 * Baseline sizes and a factory. Every baseline gets the same conditioning labels as DESA
 * (`latentDim` 6) and is trained with `baselineTrainStep` for the same step budget.
 */
import type { ModelSize } from '../configs';
import { MultimodalMoco } from './moco';
import { MultimodalSimSiam } from './simsiam';
import { MultimodalVicReg } from './vicreg';
import type { ScalarTokenTransformerConfig } from './scalar-token-transformer';

export type BaselineKind = 'moco' | 'moco-clean' | 'simsiam' | 'vicreg';

/** The shared encoder by size (paper: the reference's Transformer_lightspec, E 512, 4 layers, 8 heads). */
export const BASELINE_ENCODER_CONFIGS: Record<ModelSize, ScalarTokenTransformerConfig> = {
  tiny: { embedDim: 16, numLayers: 1, numHeads: 2, mlpRatio: 2, outputDim: 16, dropout: 0, latentDim: 6 },
  small: { embedDim: 64, numLayers: 2, numHeads: 4, mlpRatio: 4, outputDim: 64, dropout: 0, latentDim: 6 },
  paper: { embedDim: 512, numLayers: 4, numHeads: 8, mlpRatio: 4, outputDim: 512, dropout: 0, latentDim: 6 },
};

/** A baseline model plus how its batches must be drawn. */
export interface BaselineSetup {
  model: MultimodalMoco | MultimodalSimSiam | MultimodalVicReg;
  /** MoCo-clean: draw batches with `uniqueStarBatches` (one row per star per epoch). */
  uniqueStarSampling: boolean;
}

/** Builds a baseline of a named size with the reference's hyperparameters (MoCo K 4096, m 0.9, T 0.05). */
export function createBaseline(kind: BaselineKind, size: ModelSize, opts: { unconditioned?: boolean } = {}): BaselineSetup {
  const encoder = { ...BASELINE_ENCODER_CONFIGS[size], latentDim: opts.unconditioned ? 0 : BASELINE_ENCODER_CONFIGS[size].latentDim };
  switch (kind) {
    case 'moco':
    case 'moco-clean':
      return {
        model: new MultimodalMoco({ encoder, queueSize: size === 'tiny' ? 256 : 4096, momentum: 0.9, temperature: 0.05 }),
        uniqueStarSampling: kind === 'moco-clean',
      };
    case 'simsiam':
      return { model: new MultimodalSimSiam({ encoder, projectorHidden: 64, projectorOutput: 32, predictorHidden: 16 }), uniqueStarSampling: false };
    case 'vicreg':
      return { model: new MultimodalVicReg({ encoder, predictorHidden: 128 }), uniqueStarSampling: false };
    default:
      throw new Error(`unknown baseline '${String(kind)}' (expected moco, moco-clean, simsiam or vicreg)`);
  }
}
