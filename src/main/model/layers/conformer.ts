/**
 * The reference Conformer (nn/Modules/conformer.py): each block applies its sub-modules in order, each
 * wrapped post-norm, y = LayerNorm(f(x) + x·input_factor), or as a plain residual ('shortcut').
 * Sub-modules: 'mhsa_pro' (RoPE attention), 'conv' (full Conv1d k + BN + SiLU over tokens), 'ffn', and
 * 'conformerconv' (Gulati's pointwise/GLU/depthwise module; available, unused by DESA's configs).
 */
import { tf } from '../tf';
import type { Tensor, Variable } from '../tf';
import { Module, ModuleList } from '../params';
import { LayerNorm, BatchNorm1d } from './norm';
import { Conv1d, DepthwiseConv1d, type ConvImpl } from './conv';
import { RotaryMultiHeadAttention, deepNormInit } from './attention';
import type { RotaryTables } from './rope';
import { FeedForward } from './feed-forward';
import { silu } from './activations';
import { dropout } from './dropout';
import { inferenceResidualLayerNorm } from '../backend/fused-layers';

export type ConformerSubmodule = 'mhsa_pro' | 'conv' | 'ffn' | 'conformerconv';

export interface ConformerConfig {
  /** Sub-modules of every block, in order (reference `encoder` list). */
  blocks: ConformerSubmodule[];
  numLayers: number;
  encoderDim: number;
  numHeads: number;
  kernelSize: number;
  dropout: number;
  norm: 'postnorm' | 'shortcut';
  /** β of the DeepNorm initialisation of the attention projections (reference `deepnorm_init`); default 1. */
  deepNormBeta?: number;
}

interface SequenceLayer extends Module {
  forward(x: Tensor, training: boolean, rope: RotaryTables): Tensor;
}

/** `ConvBlock` of nn/Modules/cnn.py: Conv1d(D→D, k, same, no bias) → BatchNorm1d → SiLU along tokens. */
export class TokenConvBlock extends Module implements SequenceLayer {
  readonly conv: Conv1d;
  readonly bn: BatchNorm1d;
  constructor(dim: number, kernelSize: number, impl: ConvImpl = 'auto') {
    super();
    const layers = this.child('layers', new ModuleList());
    this.conv = layers.add('0', new Conv1d(dim, dim, kernelSize, { padding: 'same', bias: false, impl }));
    this.bn = layers.add('1', new BatchNorm1d(dim));
  }
  forward(x: Tensor, training: boolean): Tensor {
    return tf.tidy(() => (training ? null : this.conv.forwardInference(x, { norm: this.bn.evalParameters(), act: 'silu', pool: 1 }))
      ?? this.bn.forward(this.conv.forward(x), training, 'silu'));
  }
}

/** Gulati's conv module: LN → pointwise(D→2D) → GLU → depthwise(k) → BN → SiLU → pointwise → Dropout. */
export class ConformerConvModule extends Module implements SequenceLayer {
  private readonly norm: LayerNorm;
  private readonly pointwise1: Conv1d;
  private readonly depthwise: DepthwiseConv1d;
  private readonly bn: BatchNorm1d;
  private readonly pointwise2: Conv1d;
  constructor(readonly dim: number, kernelSize: number, readonly dropoutRate = 0.1) {
    super();
    if (kernelSize % 2 !== 1) throw new Error(`ConformerConvModule needs an odd kernel size, got ${kernelSize}`);
    const seq = this.child('sequential', new ModuleList());
    this.norm = seq.add('0', new LayerNorm(dim));
    this.pointwise1 = new Conv1d(dim, 2 * dim, 1, { bias: true });
    seq.add('2', new ConvHolder(this.pointwise1));
    this.depthwise = new DepthwiseConv1d(dim, kernelSize, { padding: (kernelSize - 1) / 2 });
    seq.add('4', new ConvHolder(this.depthwise));
    this.bn = seq.add('5', new BatchNorm1d(dim));
    this.pointwise2 = new Conv1d(dim, dim, 1, { bias: true });
    seq.add('7', new ConvHolder(this.pointwise2));
  }
  forward(x: Tensor, training: boolean): Tensor {
    return tf.tidy(() => {
      const h = this.pointwise1.forward(this.norm.forward(x));
      const [b, t] = h.shape;
      const a = tf.slice(h, [0, 0, 0], [b, t, this.dim]);
      const gate = tf.slice(h, [0, 0, this.dim], [b, t, this.dim]);
      const glu = tf.mul(a, tf.sigmoid(gate));
      const y = this.pointwise2.forward(silu(this.bn.forward(this.depthwise.forward(glu), training)));
      return dropout(y, this.dropoutRate, training);
    });
  }
}

/** The reference wraps these convs one level deeper (`<index>.conv.weight`). */
class ConvHolder extends Module {
  constructor(readonly conv: Module) {
    super();
    this.child('conv', conv);
  }
}

class AttentionLayer extends Module implements SequenceLayer {
  readonly attention: RotaryMultiHeadAttention;
  constructor(attention: RotaryMultiHeadAttention) {
    super();
    this.attention = attention;
  }
  forward(x: Tensor, _training: boolean, rope: RotaryTables): Tensor {
    return this.attention.forward(x, rope);
  }
}

class FeedForwardLayer extends FeedForward implements SequenceLayer {}

/** `PostNorm` (LN(f(x) + x·input_factor)) or `ResidualConnectionModule` (f(x) + x) around a sub-module. */
export class ResidualWrapper extends Module {
  readonly norm: LayerNorm | null;
  readonly inputFactor: Variable | null;
  constructor(private readonly inner: Module & { forward: SequenceLayer['forward'] }, dim: number, kind: 'postnorm' | 'shortcut') {
    super();
    this.child('module', innerModule(inner));
    this.inputFactor = kind === 'postnorm' ? this.buffer('input_factor', tf.scalar(1)) : null;
    this.norm = kind === 'postnorm' ? this.child('norm', new LayerNorm(dim)) : null;
  }
  forward(x: Tensor, training: boolean, rope: RotaryTables): Tensor {
    return tf.tidy(() => {
      const f = this.inner.forward(x, training, rope);
      if (!this.norm) return tf.add(f, x);
      // Inference: the residual and its LayerNorm are one native pass.
      return inferenceResidualLayerNorm(f, x, this.inputFactor!, this.norm.weight, this.norm.bias, this.norm.eps)
        ?? this.norm.forward(tf.add(f, tf.mul(x, this.inputFactor!)));
    });
  }
}

// Attention keys sit directly under `module.` (module.query.weight), so register the attention itself.
function innerModule(inner: Module): Module {
  return inner instanceof AttentionLayer ? inner.attention : inner;
}

/** One `ConformerBlock`: its wrapped sub-modules under `modlist.N`. */
export class ConformerBlock extends Module {
  private readonly layers: ResidualWrapper[] = [];
  constructor(cfg: ConformerConfig, impl: ConvImpl = 'auto') {
    super();
    const modlist = this.child('modlist', new ModuleList<ResidualWrapper>());
    cfg.blocks.forEach((kind, i) => {
      modlist.add(String(i), new ResidualWrapper(makeSubmodule(kind, cfg, impl), cfg.encoderDim, cfg.norm));
    });
    this.layers = modlist.items;
  }
  forward(x: Tensor, training: boolean, rope: RotaryTables): Tensor {
    return tf.tidy(() => this.layers.reduce((h, m) => m.forward(h, training, rope), x));
  }
}

function makeSubmodule(kind: ConformerSubmodule, cfg: ConformerConfig, impl: ConvImpl): Module & SequenceLayer {
  switch (kind) {
    case 'mhsa_pro':
      return new AttentionLayer(new RotaryMultiHeadAttention({ dim: cfg.encoderDim, numHeads: cfg.numHeads }));
    case 'conv':
      return new TokenConvBlock(cfg.encoderDim, cfg.kernelSize, impl);
    case 'ffn':
      return new FeedForwardLayer(cfg.encoderDim, cfg.dropout);
    case 'conformerconv':
      return new ConformerConvModule(cfg.encoderDim, cfg.kernelSize);
    default:
      throw new Error(`unknown Conformer sub-module '${String(kind)}' (expected mhsa_pro, conv, ffn or conformerconv)`);
  }
}

/** `ConformerEncoder`: `blocks.N`, applied in order to tokens (B, T, D) with shared RoPE tables. */
export class ConformerEncoder extends Module {
  private readonly blocks: ConformerBlock[];
  constructor(readonly cfg: ConformerConfig, impl: ConvImpl = 'auto') {
    super();
    const list = this.child('blocks', new ModuleList<ConformerBlock>());
    for (let i = 0; i < cfg.numLayers; i++) list.add(String(i), new ConformerBlock(cfg, impl));
    this.blocks = list.items;
    deepNormInit(this, cfg.deepNormBeta ?? 1);
  }
  forward(x: Tensor, rope: RotaryTables, training: boolean): Tensor {
    return tf.tidy(() => this.blocks.reduce((h, b) => b.forward(h, training, rope), x));
  }
}
