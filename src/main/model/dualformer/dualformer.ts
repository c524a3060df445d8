/**
 * `DualFormer` (nn/DualFormer/dual_attention.py), the DESA alignment module (digest §6):
 *
 * 1. every scalar of each feature vector becomes a token through one shared Linear(1 → E);
 * 2. `numLayers` dual blocks (cross + self attention, RoPE per modality, FFN);
 * 3. final LayerNorm per modality, mean pooling over tokens;
 * 4. the conditioning labels `latent` (B, latentDim) are appended to BOTH pooled vectors → z1, z2;
 * 5. one bias-free square matrix A: p1 = A z1 and p2 = Aᵀ z2 (`transpose`) or A z2 (`normal`).
 *
 * Branch 1 is the spectrum, branch 2 the light curve (as DualNet calls it).
 */
import { tf } from '../tf';
import type { Tensor, Variable } from '../tf';
import { Module, ModuleList } from '../params';
import { dropout, gelu, LayerNorm, Linear } from '../layers';
import { eigenspaceOf, type Eigenspace } from '../eigen/eigenspace';
import type { DualFormerConfig } from './config';
import { DualFormerBlock } from './dual-block';
import { disposeDualTables, DualRotaryEmbedding } from './rotary';

/** What one forward pass returns (all tensors owned by the caller). */
export interface DualFormerOutput {
  /** emb1 = [pooled spectra tokens, latent] (B, E + latentDim). */
  z1: Tensor;
  /** emb2 = [pooled light-curve tokens, latent] (B, E + latentDim). */
  z2: Tensor;
  /** proj1 = A z1 per sample. */
  p1: Tensor;
  /** proj2 = Aᵀ z2 (or A z2 with `projectionType: 'normal'`). */
  p2: Tensor;
  /** Token states after the final LayerNorms, (B, L1, E) and (B, L2, E); only with `returnTokens`. */
  tokens1?: Tensor;
  tokens2?: Tensor;
}

export interface DualFormerForwardOptions {
  training?: boolean;
  /** Also return the token states before pooling (for inspection and parity tests). */
  returnTokens?: boolean;
}

/** The reference's unused `prediction_head{1,2}`: Linear → LayerNorm → Dropout → GELU → Linear. */
class PredictionHead extends ModuleList {
  private readonly first: Linear;
  private readonly norm: LayerNorm;
  private readonly last: Linear;
  constructor(embedDim: number, outputDim: number) {
    super();
    const hidden = Math.floor(embedDim / 2);
    this.first = this.add('0', new Linear(embedDim, hidden));
    this.norm = this.add('1', new LayerNorm(hidden));
    this.last = this.add('4', new Linear(hidden, outputDim));
  }
  forward(x: Tensor, training: boolean): Tensor {
    return tf.tidy(() => this.last.forward(gelu(dropout(this.norm.forward(this.first.forward(x)), 0.1, training))));
  }
}

export class DualFormer extends Module {
  private readonly embedding: Linear;
  /** Kept for state-dict compatibility; DESA runs with `use_prediction_head: False`. */
  readonly predictionHead1: PredictionHead;
  readonly predictionHead2: PredictionHead;
  private readonly projectionHead: Linear;
  private readonly pe: DualRotaryEmbedding | null;
  private readonly layers: ModuleList<DualFormerBlock>;
  private readonly norm1: LayerNorm;
  private readonly norm2: LayerNorm;

  constructor(readonly config: DualFormerConfig) {
    super();
    const e = config.embedDim;
    this.embedding = this.child('embedding', new Linear(1, e));
    this.predictionHead1 = this.child('prediction_head1', new PredictionHead(e, config.outputDim));
    this.predictionHead2 = this.child('prediction_head2', new PredictionHead(e, config.outputDim));
    this.projectionHead = this.child('projection_head', new Linear(e + config.latentDim, e + config.latentDim, { bias: false }));
    this.pe = config.usePositionalEncoding ? this.child('pe', new DualRotaryEmbedding(Math.trunc((e / config.numHeads) * 0.5))) : null;
    this.layers = this.child('layers', new ModuleList(Array.from({ length: config.numLayers }, () => new DualFormerBlock(config))));
    this.norm1 = this.child('norm1', new LayerNorm(e));
    this.norm2 = this.child('norm2', new LayerNorm(e));
  }

  /** The shared projection A = `projection_head.weight`, (E + latentDim) × (E + latentDim). */
  get projection(): Variable {
    return this.projectionHead.weight;
  }

  /** Width of z1, z2, p1, p2 (E + latentDim). */
  get outputWidth(): number {
    return this.config.embedDim + this.config.latentDim;
  }

  /**
   * @param x1 spectra feature (B, L1): each scalar becomes a token.
   * @param x2 light-curve feature (B, L2).
   * @param latent conditioning labels (B, latentDim) with missing values already filled
   *   (see `labelsToLatent`); required when `latentDim > 0`.
   */
  forward(x1: Tensor, x2: Tensor, latent: Tensor | null, opts: DualFormerForwardOptions = {}): DualFormerOutput {
    const training = opts.training ?? false;
    const { latentDim } = this.config;
    if (x1.rank !== 2 || x2.rank !== 2 || x1.shape[0] !== x2.shape[0]) {
      throw new Error(`DualFormer: x1 and x2 must be (B, L) feature matrices with the same B; got [${x1.shape}] and [${x2.shape}]`);
    }
    if (latentDim > 0 && (!latent || latent.rank !== 2 || latent.shape[0] !== x1.shape[0] || latent.shape[1] !== latentDim)) {
      throw new Error(`DualFormer: latent must be (B, ${latentDim}) conditioning labels; got ${latent ? `[${latent.shape}]` : 'none'}`);
    }
    const rope = this.pe ? this.pe.tables(x1.shape[1] as number, x2.shape[1] as number) : null;
    try {
      return tf.tidy(() => {
        let h1 = this.embedding.forward(tf.expandDims(x1, -1));
        let h2 = this.embedding.forward(tf.expandDims(x2, -1));
        for (const layer of this.layers.items) [h1, h2] = layer.forward(h1, h2, rope, training);
        const tokens1 = this.norm1.forward(h1);
        const tokens2 = this.norm2.forward(h2);
        const pool = (t: Tensor) => (this.config.pooling === 'mean' ? tf.mean(t, 1) : tf.max(t, 1));
        let z1 = pool(tokens1);
        let z2 = pool(tokens2);
        if (latentDim > 0 && latent) {
          z1 = tf.concat([z1, latent], -1);
          z2 = tf.concat([z2, latent], -1);
        }
        const a = this.projectionHead.weight;
        const p1 = tf.matMul(z1, a, false, true);
        const p2 = this.config.projectionType === 'transpose' ? tf.matMul(z2, a) : tf.matMul(z2, a, false, true);
        const out: DualFormerOutput = { z1, z2, p1, p2 };
        if (opts.returnTokens) Object.assign(out, { tokens1, tokens2 });
        return out as unknown as Record<string, Tensor>;
      }) as unknown as DualFormerOutput;
    } finally {
      if (rope) disposeDualTables(rope);
    }
  }

  /** The eigen-basis of the current A (float64), for the eigen-embedding f (digest §6.10). */
  eigenspace(): Eigenspace {
    return eigenspaceOf(this.projectionHead.weight.dataSync(), this.outputWidth);
  }
}

/**
 * The fine-tune head's input, cat(p1, p2) (B, 2(E + latentDim)); the reference's "final_features".
 */
export function finalFeatures(out: DualFormerOutput): Tensor {
  return tf.concat([out.p1, out.p2], -1);
}

/**
 * Conditioning labels → the `latent` the DualFormer expects: missing (NaN) labels become `fill`
 * (−1 in DESA pretraining, `y.nan_to_num(-1)`; the fine-tune code uses 0).
 */
export function labelsToLatent(labels: Tensor, fill = -1): Tensor {
  return tf.tidy(() => tf.where(tf.isNaN(labels), tf.fill(labels.shape, fill), labels));
}
