/**
 * `CNNEncoder` of nn/models.py, shared by both encoders: a stem Conv1d(k3, same, no bias) → BN → act,
 * then `numLayers` ConvBlocks (same layout), each followed by MaxPool1d(2) while the length exceeds 2.
 * Channel plan: stem → dims[0]; block n maps dims[n−1] → dims[n], and blocks past the list keep dims[−1].
 * Output: tokens (B, T, C), or their mean over time (B, C) when `avgOutput`.
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { Module, ModuleList } from '../params';
import { Conv1d, maxPool1d, type ConvImpl } from './conv';
import { BatchNorm1d } from './norm';
import { activation, silu, type ActivationName } from './activations';

export interface CnnEncoderConfig {
  inChannels: number;
  encoderDims: number[];
  numLayers: number;
  kernelSize: number;
  activation: ActivationName;
  sineW0?: number;
  avgOutput: boolean;
}

/** Conv1d → BatchNorm1d → activation, keys `<prefix>.0` (conv) and `<prefix>.1` (BN). */
export class ConvBnAct extends Module {
  readonly conv: Conv1d;
  readonly bn: BatchNorm1d;
  /** The activation as the native inference kernel names it (null: none it knows, the layers run one by one). */
  private readonly nativeAct: 'silu' | { sine: number } | null;

  /** `nativeAct` describes `act` to the inference kernel; by default SiLU is recognised, other activations are not. */
  constructor(inCh: number, outCh: number, kernelSize: number, private readonly act: (x: Tensor) => Tensor, impl: ConvImpl,
    nativeAct?: 'silu' | { sine: number } | null) {
    super();
    this.nativeAct = nativeAct !== undefined ? nativeAct : act === silu ? 'silu' : null;
    this.conv = this.child('0', new Conv1d(inCh, outCh, kernelSize, { padding: 'same', bias: false, impl }));
    this.bn = this.child('1', new BatchNorm1d(outCh));
  }
  /** Conv → BN → act, then MaxPool1d(`pool`) when pool > 1. */
  forward(x: Tensor, training: boolean, pool = 1): Tensor {
    return tf.tidy(() => {
      // Inference: the whole block (BatchNorm folded into the conv, activation, pooling) is one native kernel.
      const fast = !training && this.nativeAct ? this.conv.forwardInference(x, { norm: this.bn.evalParameters(), act: this.nativeAct, pool }) : null;
      if (fast) return fast;
      // BatchNorm → SiLU is one fused op with the native kernels.
      const h = this.act === silu ? this.bn.forward(this.conv.forward(x), training, 'silu')
        : this.act(this.bn.forward(this.conv.forward(x), training));
      return pool > 1 ? maxPool1d(h, pool) : h;
    });
  }
}

/** A ConvBlock: its Conv-BN-act sequence sits under `layers.`. */
class ConvBlock extends Module {
  readonly seq: ConvBnAct;
  constructor(inCh: number, outCh: number, kernelSize: number, act: (x: Tensor) => Tensor, impl: ConvImpl,
    nativeAct: 'silu' | { sine: number } | null) {
    super();
    this.seq = this.child('layers', new ConvBnAct(inCh, outCh, kernelSize, act, impl, nativeAct));
  }
}

/** The encoder's activation as the native inference kernel names it. */
function nativeActivation(cfg: CnnEncoderConfig): 'silu' | { sine: number } | null {
  if (cfg.activation === 'silu' || cfg.activation === 'swish') return 'silu';
  return cfg.activation === 'sine' ? { sine: cfg.sineW0 ?? 1 } : null;
}

export class CnnEncoder extends Module {
  private readonly embedding: ConvBnAct;
  private readonly blocks: ConvBlock[];
  /** Width of the output features (dims[−1]). */
  readonly outputDim: number;
  /** Minimum length below which pooling stops (the reference's `min_seq_len`). */
  private static readonly MIN_SEQ_LEN = 2;

  constructor(readonly cfg: CnnEncoderConfig, impl: ConvImpl = 'auto') {
    super();
    const dims = cfg.encoderDims;
    if (dims.length === 0) throw new Error('CnnEncoder: encoderDims is empty');
    const act = activation(cfg.activation, cfg.sineW0 ?? 1);
    // The stem always uses kernel 3, whatever `kernelSize` says (as in the reference).
    const nativeAct = nativeActivation(cfg);
    this.embedding = this.child('embedding', new ConvBnAct(cfg.inChannels, dims[0], 3, act, impl, nativeAct));
    const list = this.child('layers', new ModuleList<ConvBlock>());
    for (let n = 1; n <= cfg.numLayers; n++) {
      const inCh = n < dims.length ? dims[n - 1] : dims[dims.length - 1];
      const outCh = n < dims.length ? dims[n] : dims[dims.length - 1];
      list.add(String(n - 1), new ConvBlock(inCh, outCh, cfg.kernelSize, act, impl, nativeAct));
    }
    this.blocks = list.items;
    this.outputDim = dims[dims.length - 1];
  }

  /** x (B, L, Cin) channels-last → tokens (B, T, C) or pooled (B, C). */
  forward(x: Tensor, training: boolean): Tensor {
    return tf.tidy(() => {
      if (x.rank !== 3 || x.shape[2] !== this.cfg.inChannels) {
        throw new Error(`CnnEncoder: expected (batch, length, ${this.cfg.inChannels}) input, got [${x.shape}]`);
      }
      let h = this.embedding.forward(x, training);
      for (const block of this.blocks) {
        // The conv keeps the length ('same' padding), so whether the block pools is known before it runs.
        const [padLeft, padRight] = block.seq.conv.paddingLeftRight();
        const convLength = (h.shape[1] as number) + padLeft + padRight - block.seq.conv.kernelSize + 1;
        h = block.seq.forward(h, training, convLength > CnnEncoder.MIN_SEQ_LEN ? 2 : 1);
      }
      return this.cfg.avgOutput ? tf.mean(h, 1) : h;
    });
  }
}
