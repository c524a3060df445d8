/** Generic building blocks of the DESA models (channels-last tensors, PyTorch weight layouts). */
export { silu, swish, gelu, sine, relu, activation, type ActivationName } from './activations';
export { dropout } from './dropout';
export { Linear, WrappedLinear } from './linear';
export { Conv1d, ConvTranspose1d, DepthwiseConv1d, conv1dNWC, im2col, maxPool1d, type ConvImpl, type Conv1dOptions } from './conv';
export { BatchNorm1d, LayerNorm } from './norm';
export { rotaryInvFreq, rotaryTables, rotateHalf, applyPartialRotary, RotaryEmbedding, type RotaryTables } from './rope';
export { splitHeads, mergeHeads, scaledDotProductAttention, RotaryMultiHeadAttention, deepNormInit } from './attention';
export { FeedForward } from './feed-forward';
export {
  ConformerEncoder,
  ConformerBlock,
  TokenConvBlock,
  ConformerConvModule,
  ResidualWrapper,
  type ConformerConfig,
  type ConformerSubmodule,
} from './conformer';
export { CnnEncoder, ConvBnAct, type CnnEncoderConfig } from './cnn-encoder';
export { QuantileHead } from './quantile-head';
