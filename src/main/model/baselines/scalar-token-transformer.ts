/**
 * The encoder shared by the baselines (`Transformer` of nn/models.py, digest §7): like the
 * DualFormer, every feature scalar is a token (Linear(1 → E)), but each modality is encoded on its
 * own, with plain pre-norm blocks [RMSNorm → MHA (fused Wqkv, no positional encoding) → RMSNorm →
 * MLP(GELU)], a final RMSNorm, mean pooling and an MLP head.
 *
 * Conditioning: the reference feeds the labels only to VICReg; to give every baseline the same
 * information as DESA (as the paper states), the labels are appended to the pooled vector before
 * the head here, exactly where DESA appends them (`conditioned: false` reproduces the code).
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module, ModuleList } from '../params';
import { dropout, gelu, Linear, mergeHeads, scaledDotProductAttention, splitHeads } from '../layers';
import { RmsNorm } from '../layers/rms-norm';

export interface ScalarTokenTransformerConfig {
  embedDim: number;
  numLayers: number;
  numHeads: number;
  /** MLP hidden width = mlpRatio · embedDim (4 in the reference). */
  mlpRatio: number;
  /** Output width of the head MLP. */
  outputDim: number;
  dropout: number;
  /** Number of conditioning labels appended before the head (0 = unconditioned, like the code). */
  latentDim: number;
}

class Mlp extends Module {
  private readonly fc1: Linear;
  private readonly fc2: Linear;
  constructor(inDim: number, hidden: number, outDim: number) {
    super();
    this.fc1 = this.child('fc1', new Linear(inDim, hidden));
    this.fc2 = this.child('fc2', new Linear(hidden, outDim));
  }
  forward(x: Tensor): Tensor {
    return tf.tidy(() => this.fc2.forward(gelu(this.fc1.forward(x))));
  }
}

class Block extends Module {
  private readonly norm1: RmsNorm;
  private readonly wqkv: Linear;
  private readonly outProj: Linear;
  private readonly norm2: RmsNorm;
  private readonly mlp: Mlp;
  constructor(private readonly config: ScalarTokenTransformerConfig) {
    super();
    const e = config.embedDim;
    this.norm1 = this.child('norm1', new RmsNorm(e));
    this.wqkv = this.child('Wqkv', new Linear(e, 3 * e));
    this.outProj = this.child('out_proj', new Linear(e, e));
    this.norm2 = this.child('norm2', new RmsNorm(e));
    this.mlp = this.child('mlp', new Mlp(e, config.mlpRatio * e, e));
  }
  forward(x: Tensor, training: boolean): Tensor {
    return tf.tidy(() => {
      const e = this.config.embedDim;
      const [q, k, v] = tf.split(this.wqkv.forward(this.norm1.forward(x)), [e, e, e], -1).map((t) => splitHeads(t, this.config.numHeads));
      const attended = this.outProj.forward(mergeHeads(scaledDotProductAttention(q, k, v)));
      const h = tf.add(x, dropout(attended, this.config.dropout, training));
      return tf.add(h, dropout(this.mlp.forward(this.norm2.forward(h)), this.config.dropout, training));
    });
  }
}

export class ScalarTokenTransformer extends Module {
  private readonly embedding: Linear;
  private readonly blocks: ModuleList<Block>;
  private readonly norm: RmsNorm;
  private readonly head: Mlp;

  constructor(readonly config: ScalarTokenTransformerConfig) {
    super();
    const e = config.embedDim;
    this.embedding = this.child('embedding', new Linear(1, e));
    this.blocks = this.child('blocks', new ModuleList(Array.from({ length: config.numLayers }, () => new Block(config))));
    this.norm = this.child('norm', new RmsNorm(e));
    this.head = this.child('head', new Mlp(e + config.latentDim, config.mlpRatio * e, config.outputDim));
  }

  /** features (B, L) [+ latent (B, latentDim)] → (B, outputDim). */
  forward(features: Tensor, latent: Tensor | null, training = false): Tensor {
    if (this.config.latentDim > 0 && (!latent || latent.shape[1] !== this.config.latentDim)) {
      throw new Error(`baseline encoder: expected (B, ${this.config.latentDim}) conditioning labels, got ${latent ? `[${latent.shape}]` : 'none'}`);
    }
    return tf.tidy(() => {
      let h = this.embedding.forward(tf.expandDims(features, -1));
      for (const block of this.blocks.items) h = block.forward(h, training);
      let pooled = tf.mean(this.norm.forward(h), 1);
      if (this.config.latentDim > 0 && latent) pooled = tf.concat([pooled, latent], -1);
      return this.head.forward(pooled);
    });
  }
}
