/**
 * Registers BLAS-backed native kernels (native/src/kernels.c) over the tfjs `cpu` backend.
 *
 * Why: GEMM alone is not enough (reference/fast-cpu-kernels.md): the cpu backend's broadcasting
 * element-wise ops, reductions and softmax dominate once GEMM is fast, so all of those are native too.
 * Every kernel checks that it handles the case (float32, supported layout) and otherwise calls the
 * original tfjs kernel it replaced, so behaviour never changes, only speed. Gradients mostly need no
 * work: tfjs's registered gradients are built from ops that dispatch to these kernels. The one exception
 * is softmax, whose four-op gradient is replaced by one fused kernel (see `softmaxGradConfig`).
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, slice_util, util } from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';

/** The functions the addon exports (see native/src/kernels.c for the argument contracts). */
export interface NativeKernelAddon {
  batchMatMul(a: Float32Array, b: Float32Array, out: Float32Array, batchA: number, batchB: number, batch: number,
    m: number, n: number, k: number, transposeA: boolean, transposeB: boolean): void;
  conv1dForward(x: Float32Array, w: Float32Array, out: Float32Array, ...geom: number[]): void;
  conv1dBackpropInput(dy: Float32Array, w: Float32Array, dx: Float32Array, ...geom: number[]): void;
  conv1dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, ...geom: number[]): void;
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, shape: Int32Array, aStrides: Int32Array,
    bStrides: Int32Array): void;
  reduce(x: Float32Array, out: Float32Array, outer: number, reduced: number, inner: number, mode: number): void;
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number): void;
  transpose(x: Float32Array | Int32Array, out: Float32Array | Int32Array, shape: Int32Array, perm: Int32Array): void;
  compare(op: number, a: Float32Array, b: Float32Array, out: Uint8Array, shape: Int32Array, aStrides: Int32Array,
    bStrides: Int32Array): void;
  stridedCopy(src: Float32Array | Int32Array, dst: Float32Array | Int32Array, size: Int32Array, srcStrides: Int32Array,
    dstStrides: Int32Array, srcOffset: number, dstOffset: number): void;
  softmaxGrad(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void;
  adamwStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | null,
    pOut: Float32Array, mOut: Float32Array, vOut: Float32Array, vMaxOut: Float32Array | null, decay: number,
    beta1: number, beta2: number, bc2Sqrt: number, eps: number, stepSize: number): void;
  siluForward(x: Float32Array, y: Float32Array): void;
  siluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  channelNormForward(x: Float32Array, weight: Float32Array, bias: Float32Array, y: Float32Array, mean: Float32Array,
    invStd: Float32Array, rows: number, channels: number, eps: number, perRow: 0 | 1, variance: Float32Array, act: 0 | 1): void;
  channelNormBackward(x: Float32Array, dy: Float32Array, weight: Float32Array, mean: Float32Array, invStd: Float32Array,
    dx: Float32Array, dWeight: Float32Array, dBias: Float32Array, rows: number, channels: number, perRow: 0 | 1,
    bias: Float32Array, act: 0 | 1): void;
  channelAffine(x: Float32Array, mean: Float32Array, scale: Float32Array, bias: Float32Array, y: Float32Array, rows: number,
    channels: number, act: 0 | 1): void;
  maxPool1dForward(x: Float32Array, y: Float32Array, argmax: Uint8Array, batch: number, length: number, channels: number,
    size: number): void;
  maxPool1dBackward(dy: Float32Array, argmax: Uint8Array, dx: Float32Array, batch: number, length: number, channels: number,
    size: number): void;
  ropeApply(x: Float32Array, cos: Float32Array, sin: Float32Array, y: Float32Array, rows: number, seqLen: number,
    headDim: number, rotaryDims: number, direction: 1 | -1): void;
  dropoutForward(x: Float32Array, y: Float32Array, keep: Uint8Array, aleaState: Float64Array, keepProb: number): void;
  dropoutBackward(dy: Float32Array, keep: Uint8Array, dx: Float32Array, keepProb: number): void;
  linearForward(x: Float32Array, weight: Float32Array, bias: Float32Array | null, y: Float32Array, rows: number,
    inFeatures: number, outFeatures: number, act?: 0 | 1): void;
  convBlockInference(x: Float32Array, weight: Float32Array, convBias: Float32Array | null, gamma: Float32Array | null,
    beta: Float32Array | null, mean: Float32Array | null, variance: Float32Array | null, y: Float32Array, batch: number,
    length: number, inChannels: number, outChannels: number, kernelSize: number, padLeft: number, outLength: number,
    eps: number, act: 0 | 1 | 2, pool: number, sineW0?: number): void;
  attentionInference(x: Float32Array, wq: Float32Array, bq: Float32Array, wk: Float32Array, bk: Float32Array,
    wv: Float32Array, bv: Float32Array, wo: Float32Array, bo: Float32Array, cos: Float32Array, sin: Float32Array,
    y: Float32Array, batch: number, seqLen: number, dim: number, numHeads: number, rotaryDims: number): void;
  residualLayerNorm(f: Float32Array, x: Float32Array, factor: number, weight: Float32Array, bias: Float32Array, y: Float32Array,
    rows: number, channels: number, eps: number): void;
  setThreads(n: number): void;
}

/** Where the addon is looked for: next to the sources (dev checkout) or the built app's resources. */
function candidatePaths(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const roots = [process.env.DESA_NATIVE_DIR, path.resolve(here, '../../../../native'), path.resolve(here, '../../native'),
    path.resolve(process.cwd(), 'native')];
  return roots.filter((r): r is string => !!r).map((r) => path.join(r, 'build', 'Release', 'desa_kernels.node'));
}

/** Every function the TypeScript side calls; checked when the addon loads. */
const REQUIRED_FUNCTIONS: (keyof NativeKernelAddon)[] = [
  'batchMatMul', 'conv1dForward', 'conv1dBackpropInput', 'conv1dBackpropFilter', 'binary', 'reduce', 'softmax', 'unary',
  'transpose', 'compare', 'stridedCopy', 'softmaxGrad', 'adamwStep', 'siluForward', 'siluBackward', 'channelNormForward',
  'channelNormBackward', 'channelAffine', 'maxPool1dForward', 'maxPool1dBackward', 'ropeApply', 'dropoutForward',
  'dropoutBackward', 'linearForward', 'convBlockInference', 'attentionInference', 'residualLayerNorm', 'setThreads',
];

/** CPU flags OpenBLAS's SkylakeX (AVX-512) kernels need. */
const AVX512_FLAGS = ['avx512f', 'avx512bw', 'avx512dq', 'avx512vl'];

/**
 * OpenBLAS 0.3.21 (Debian 12) predates AMD Zen 4 and runs its Haswell (AVX2) kernels there although the CPU has
 * AVX-512; its SkylakeX kernels measured 1.7–2× faster for the model's GEMM shapes (docs/decisions/cpu-kernels.md,
 * third round). OpenBLAS picks its kernels once, when the library loads, from OPENBLAS_CORETYPE, so this must run
 * before the addon (which links OpenBLAS) is required. `DESA_OPENBLAS_CORETYPE`: 'auto' (default) asks for SkylakeX
 * when the CPU has the AVX-512 subsets it needs and OPENBLAS_CORETYPE is unset (a value set by the user or the host is
 * kept); 'off' leaves OpenBLAS alone; any other value is passed to OpenBLAS as the core name, replacing
 * OPENBLAS_CORETYPE. Child processes (the bench's PyTorch twin) inherit the variable, so both use the same kernels.
 * Returns the core name it set, or null.
 */
export function chooseOpenBlasCore(env: NodeJS.ProcessEnv = process.env, cpuinfo: () => string = readCpuinfo): string | null {
  const wanted = env.DESA_OPENBLAS_CORETYPE ?? 'auto';
  if (wanted === 'off') return null;
  if (wanted !== 'auto') return (env.OPENBLAS_CORETYPE = wanted);
  if (env.OPENBLAS_CORETYPE || process.platform !== 'linux' || process.arch !== 'x64') return null;
  const flagsLine = cpuinfo().split('\n').find((line) => line.startsWith('flags'));
  const flags = new Set(flagsLine?.split(':')[1]?.trim().split(/\s+/) ?? []);
  if (!AVX512_FLAGS.every((f) => flags.has(f))) return null;
  return (env.OPENBLAS_CORETYPE = 'SKYLAKEX');
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

let cachedAddon: NativeKernelAddon | null | undefined;
let loadError: string | null = null;

/** Loads the addon once; null (with `nativeKernelLoadError()` saying why) when it is not built or fails to load. */
export function loadNativeKernelAddon(): NativeKernelAddon | null {
  if (cachedAddon !== undefined) return cachedAddon;
  if (process.env.DESA_NATIVE_KERNELS === '0') {
    loadError = 'disabled by DESA_NATIVE_KERNELS=0';
    return (cachedAddon = null);
  }
  chooseOpenBlasCore();
  const require = createRequire(import.meta.url);
  const tried: string[] = [];
  for (const p of candidatePaths()) {
    if (!existsSync(p)) { tried.push(`${p} (missing)`); continue; }
    try {
      const loaded = require(p) as Partial<NativeKernelAddon>;
      // A build from older sources lacks newer kernels: refuse it whole rather than fail mid-training.
      const missing = REQUIRED_FUNCTIONS.filter((name) => typeof loaded[name] !== 'function');
      if (missing.length) throw new Error(`stale build without ${missing.join(', ')}; run 'npm run build:native'`);
      cachedAddon = loaded as NativeKernelAddon;
      const threads = Number(process.env.DESA_BLAS_THREADS ?? 1);
      if (Number.isFinite(threads) && threads > 0) cachedAddon.setThreads(threads);
      return cachedAddon;
    } catch (e) {
      tried.push(`${p} (${(e as Error).message})`);
    }
  }
  loadError = `native kernels not available; run 'npm run build:native'. Tried: ${tried.join('; ')}`;
  return (cachedAddon = null);
}

export function nativeKernelLoadError(): string | null {
  return loadError;
}

// ---------------------------------------------------------------- helpers ---

interface CpuBackendLike {
  data: { get(id: unknown): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array | Int32Array): TensorInfo;
}

type KernelArgs = { inputs: Record<string, TensorInfo>; backend: CpuBackendLike; attrs?: NamedAttrMap };

function valuesOf(backend: CpuBackendLike, t: TensorInfo): Float32Array {
  return backend.data.get(t.dataId).values as Float32Array;
}

function allFloat32(backend: CpuBackendLike, ...ts: TensorInfo[]): boolean {
  return ts.every((t) => t.dtype === 'float32' && backend.data.get(t.dataId).values instanceof Float32Array);
}

/** The backing array when it holds 4-byte elements (float32 or int32), the layout `stridedCopy` moves. */
function fourByteValues(backend: CpuBackendLike, t: TensorInfo): Float32Array | Int32Array | null {
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array || v instanceof Int32Array ? v : null;
}

/** A zeroed array of the same element type as `like`. */
function allocLike(like: Float32Array | Int32Array, n: number): Float32Array | Int32Array {
  return like instanceof Float32Array ? new Float32Array(n) : new Int32Array(n);
}

/** Below this many bytes a zeroed array is as cheap (V8 allocates it on its own heap). */
const UNINITIALIZED_MIN_BYTES = 64 * 1024;

/**
 * A Float32Array of n elements for a kernel that writes every one of them: large ones are not zeroed first
 * (Buffer.allocUnsafeSlow: malloc instead of calloc), which saves a full pass over memory per op output.
 * Never use it where an element may be left unwritten.
 */
export function outputFloat32(n: number): Float32Array {
  return n * 4 < UNINITIALIZED_MIN_BYTES ? new Float32Array(n) : new Float32Array(Buffer.allocUnsafeSlow(n * 4).buffer, 0, n);
}

/** Like `outputFloat32`, with the element type of `like` (float32 or int32). */
function outputLike(like: Float32Array | Int32Array, n: number): Float32Array | Int32Array {
  if (like instanceof Float32Array) return outputFloat32(n);
  return n * 4 < UNINITIALIZED_MIN_BYTES ? new Int32Array(n) : new Int32Array(Buffer.allocUnsafeSlow(n * 4).buffer, 0, n);
}

/** Per-output-axis strides of `shape` broadcast to `outShape` (0 along broadcast axes). */
function broadcastStrides(shape: number[], outShape: number[]): Int32Array {
  const strides = new Int32Array(outShape.length);
  let s = 1;
  for (let i = shape.length - 1, o = outShape.length - 1; o >= 0; i--, o--) {
    const dim = i >= 0 ? shape[i] : 1;
    strides[o] = dim === 1 && outShape[o] !== 1 ? 0 : s;
    s *= dim;
  }
  return strides;
}

/** The axes as one contiguous block [first, last], or null when they are not contiguous. */
function contiguousAxes(axes: number[]): [number, number] | null {
  const sorted = [...axes].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1] + 1) return null;
  return sorted.length ? [sorted[0], sorted[sorted.length - 1]] : null;
}

const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

// ---------------------------------------------------------------- kernels ---

type NativeImpl = (args: KernelArgs, addon: NativeKernelAddon) => TensorInfo | TensorInfo[] | null;

const BINARY_OPS: Record<string, number> = {
  Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, Maximum: 4, Minimum: 5, SquaredDifference: 6,
};

function binaryKernel(op: number): NativeImpl {
  return ({ inputs, backend }, addon) => {
    const { a, b } = inputs;
    if (!allFloat32(backend, a, b)) return null;
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    if (outShape.length > 16) return null;
    const out = outputFloat32(prod(outShape));
    addon.binary(op, valuesOf(backend, a), valuesOf(backend, b), out, Int32Array.from(outShape),
      broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape));
    return backend.makeTensorInfo(outShape, 'float32', out);
  };
}

const COMPARE_OPS: Record<string, number> = { Equal: 0, NotEqual: 1, Greater: 2, GreaterEqual: 3, Less: 4, LessEqual: 5 };

function compareKernel(op: number): NativeImpl {
  return ({ inputs, backend }, addon) => {
    const { a, b } = inputs;
    if (!allFloat32(backend, a, b)) return null;
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    if (outShape.length > 16) return null;
    const out = new Uint8Array(prod(outShape));
    addon.compare(op, valuesOf(backend, a), valuesOf(backend, b), out, Int32Array.from(outShape),
      broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape));
    return backend.makeTensorInfo(outShape, 'bool', out as unknown as Int32Array);
  };
}

const UNARY_OPS: Record<string, number> = {
  Relu: 0, Step: 1, Exp: 2, Neg: 3, Square: 4, Sqrt: 5, Rsqrt: 6, Sigmoid: 7, Erf: 8, Sin: 9, Cos: 10, Abs: 11, Tanh: 12,
  Log: 13, Floor: 14, Reciprocal: 15,
};

function unaryKernel(op: number): NativeImpl {
  return ({ inputs, backend, attrs }, addon) => {
    const { x } = inputs;
    if (!allFloat32(backend, x)) return null;
    const out = outputFloat32(prod(x.shape));
    addon.unary(op, valuesOf(backend, x), out, Number((attrs as { alpha?: number } | undefined)?.alpha ?? 0));
    return backend.makeTensorInfo(x.shape, 'float32', out);
  };
}

function reduceKernel(mode: 0 | 1 | 2, axisAttr: 'axis' | 'reductionIndices'): NativeImpl {
  return ({ inputs, backend, attrs }, addon) => {
    const { x } = inputs;
    if (!allFloat32(backend, x)) return null;
    const a = attrs as { keepDims?: boolean } & Record<string, unknown>;
    const axes = util.parseAxisParam(a[axisAttr] as number | number[], x.shape);
    const block = contiguousAxes(axes);
    if (!block) return null;
    const [first, last] = block;
    const outer = prod(x.shape.slice(0, first));
    const reduced = prod(x.shape.slice(first, last + 1));
    const inner = prod(x.shape.slice(last + 1));
    if (reduced === 0) return null;
    const out = outputFloat32(outer * inner);
    addon.reduce(valuesOf(backend, x), out, outer, reduced, inner, mode);
    const outShape = a.keepDims
      ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d))
      : x.shape.filter((_, i) => i < first || i > last);
    return backend.makeTensorInfo(outShape, 'float32', out);
  };
}

const softmaxKernel: NativeImpl = ({ inputs, backend, attrs }, addon) => {
  const { logits } = inputs;
  const dim = Number((attrs as { dim?: number }).dim ?? -1);
  const rank = logits.shape.length;
  if (!allFloat32(backend, logits) || rank === 0 || (dim !== -1 && dim !== rank - 1)) return null;
  const cols = logits.shape[rank - 1];
  const out = outputFloat32(prod(logits.shape));
  addon.softmax(valuesOf(backend, logits), out, out.length / Math.max(cols, 1), cols);
  return backend.makeTensorInfo(logits.shape, 'float32', out);
};

const transposeKernel: NativeImpl = ({ inputs, backend, attrs }, addon) => {
  const { x } = inputs;
  const values = backend.data.get(x.dataId).values;
  if (!(values instanceof Float32Array || values instanceof Int32Array) || x.shape.length > 16) return null;
  const perm = (attrs as { perm: number[] }).perm;
  const outShape = perm.map((p) => x.shape[p]);
  const out = outputLike(values, values.length);
  addon.transpose(values, out, Int32Array.from(x.shape), Int32Array.from(perm));
  return backend.makeTensorInfo(outShape, x.dtype, out);
};

/** Slice: the original kernel already returns a zero-copy view for contiguous slices; the rest are copied here. */
const sliceKernel: NativeImpl = ({ inputs, backend, attrs }, addon) => {
  const { x } = inputs;
  const values = fourByteValues(backend, x);
  if (!values || x.shape.length > 16) return null;
  const { begin, size } = attrs as { begin: number | number[]; size: number | number[] };
  const [$begin, $size] = slice_util.parseSliceParams(x as Tensor, begin, size);
  slice_util.assertParamsValid(x as Tensor, $begin, $size);
  if (slice_util.isSliceContinous(x.shape, $begin, $size)) return null;
  return copySlice(backend, addon, x, values, $begin, $size);
};

function copySlice(backend: CpuBackendLike, addon: NativeKernelAddon, x: TensorInfo, values: Float32Array | Int32Array,
  begin: number[], size: number[]): TensorInfo {
  const strides = util.computeStrides(x.shape);
  const offset = begin.reduce((s, b, i) => s + b * (i < strides.length ? strides[i] : 1), 0);
  const out = outputLike(values, prod(size));
  addon.stridedCopy(values, out, Int32Array.from(size), Int32Array.from([...strides, 1]),
    Int32Array.from([...util.computeStrides(size), 1]), offset, 0);
  return backend.makeTensorInfo(size, x.dtype, out);
}

/** SplitV: every piece is a slice along one axis (the original calls its own slice, so it must be replaced too). */
const splitVKernel: NativeImpl = ({ inputs, backend, attrs }, addon) => {
  const { x } = inputs;
  const values = fourByteValues(backend, x);
  if (!values || x.shape.length > 16) return null;
  const { numOrSizeSplits, axis } = attrs as { numOrSizeSplits: number | number[]; axis: number };
  const $axis = util.parseAxisParam(axis, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x as Tensor, numOrSizeSplits, $axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[$axis] = s;
    const piece = copySlice(backend, addon, x, values, [...begin], size);
    begin[$axis] += s;
    return piece;
  });
};

const padV2Kernel: NativeImpl = ({ inputs, backend, attrs }, addon) => {
  const { x } = inputs;
  const values = fourByteValues(backend, x);
  if (!values || x.shape.length > 16 || x.shape.length === 0) return null;
  const { paddings, constantValue } = attrs as { paddings: [number, number][]; constantValue: number };
  const outShape = paddings.map((p, i) => p[0] + x.shape[i] + p[1]);
  const out = allocLike(values, prod(outShape));
  if (constantValue !== 0) out.fill(constantValue);
  const outStrides = [...util.computeStrides(outShape), 1];
  const offset = paddings.reduce((s, p, i) => s + p[0] * outStrides[i], 0);
  addon.stridedCopy(values, out, Int32Array.from(x.shape), Int32Array.from([...util.computeStrides(x.shape), 1]),
    Int32Array.from(outStrides), 0, offset);
  return backend.makeTensorInfo(outShape, x.dtype, out);
};

/** Concat: each input is copied into its slab of the output (the original copies row by row in JS). */
const concatKernel: NativeImpl = ({ inputs, backend, attrs }, addon) => {
  const list = Object.values(inputs).filter((t) => prod(t.shape) > 0);
  if (list.length < 2 || list[0].shape.length > 16) return null;
  const values = list.map((t) => fourByteValues(backend, t));
  const first = values[0];
  if (!first || values.some((v) => !v || v.constructor !== first.constructor) || list.some((t) => t.dtype !== list[0].dtype)) return null;
  const axis = util.parseAxisParam((attrs as { axis: number | number[] }).axis, list[0].shape)[0];
  backend_util.assertParamsConsistent(list.map((t) => t.shape), axis);
  const outShape = backend_util.computeOutShape(list.map((t) => t.shape), axis);
  const out = outputLike(first, prod(outShape));
  const outStrides = Int32Array.from([...util.computeStrides(outShape), 1]);
  let offset = 0;
  list.forEach((t, i) => {
    addon.stridedCopy(values[i]!, out, Int32Array.from(t.shape), Int32Array.from([...util.computeStrides(t.shape), 1]), outStrides,
      0, offset * outStrides[axis]);
    offset += t.shape[axis];
  });
  return backend.makeTensorInfo(outShape, list[0].dtype, out);
};

/** Reverse: a copy that walks the reversed axes of the source backwards (negative strides). */
const reverseKernel: NativeImpl = ({ inputs, backend, attrs }, addon) => {
  const { x } = inputs;
  const values = fourByteValues(backend, x);
  if (!values || x.shape.length > 16 || x.shape.length === 0) return null;
  const dims = util.parseAxisParam((attrs as { dims: number | number[] }).dims, x.shape);
  const strides = [...util.computeStrides(x.shape), 1];
  let offset = 0;
  const srcStrides = strides.map((s, i) => {
    if (!dims.includes(i)) return s;
    offset += (x.shape[i] - 1) * s;
    return -s;
  });
  const out = outputLike(values, values.length);
  addon.stridedCopy(values, out, Int32Array.from(x.shape), Int32Array.from(srcStrides), Int32Array.from(strides), offset, 0);
  return backend.makeTensorInfo(x.shape, x.dtype, out);
};

const batchMatMulKernel: NativeImpl = ({ inputs, backend, attrs }, addon) => {
  const { a, b } = inputs;
  if (!allFloat32(backend, a, b)) return null;
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  const ra = a.shape.length, rb = b.shape.length;
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) return null; // let tfjs raise its own, well-worded shape error
  const batchA = prod(a.shape.slice(0, -2));
  const batchB = prod(b.shape.slice(0, -2));
  const outer = backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  const out = outputFloat32(batch * m * n);
  addon.batchMatMul(valuesOf(backend, a), valuesOf(backend, b), out, batchA, batchB, batch, m, n, k,
    !!transposeA, !!transposeB);
  return backend.makeTensorInfo([...outer, m, n], 'float32', out);
};

/** Geometry of a conv2d that is really a conv1d: NHWC, height 1, filter height 1, no groups. */
function conv1dGeometry(xShape: number[], filterShape: number[], attrs: NamedAttrMap): number[] | null {
  const a = attrs as unknown as {
    strides: number | [number, number]; pad: 'same' | 'valid' | number | backend_util.ExplicitPadding; dataFormat?: string;
    dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  if ((a.dataFormat ?? 'NHWC') !== 'NHWC' || xShape[1] !== 1 || filterShape[0] !== 1) return null;
  // Explicit padding (fused-layers.ts pads convolutions inside the kernel) only along the width.
  if (typeof a.pad === 'object' && !a.pad.every((p, axis) => axis === 2 || (p[0] === 0 && p[1] === 0))) return null;
  const info = backend_util.computeConv2DInfo(xShape as [number, number, number, number],
    filterShape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false,
    'channelsLast');
  if (info.outHeight !== 1 || info.padInfo.top !== 0 || info.inChannels !== filterShape[2]) return null;
  return [info.batchSize, info.inWidth, info.inChannels, info.outWidth, info.outChannels, info.filterWidth,
    info.strideWidth, info.dilationWidth, info.padInfo.left];
}

const conv2dKernel: NativeImpl = ({ inputs, backend, attrs }, addon) => {
  const { x, filter } = inputs;
  if (!allFloat32(backend, x, filter)) return null;
  const g = conv1dGeometry(x.shape, filter.shape, attrs!);
  if (!g) return null;
  const [B, , , outW, Cout] = g;
  const out = outputFloat32(B * outW * Cout);
  addon.conv1dForward(valuesOf(backend, x), valuesOf(backend, filter), out, ...g);
  return backend.makeTensorInfo([B, 1, outW, Cout], 'float32', out);
};

const conv2dBackpropInputKernel: NativeImpl = ({ inputs, backend, attrs }, addon) => {
  const { dy, filter } = inputs;
  if (!allFloat32(backend, dy, filter)) return null;
  const inputShape = (attrs as { inputShape: number[] }).inputShape;
  const g = conv1dGeometry(inputShape, filter.shape, attrs!);
  if (!g) return null;
  const dx = outputFloat32(prod(inputShape));
  addon.conv1dBackpropInput(valuesOf(backend, dy), valuesOf(backend, filter), dx, ...g);
  return backend.makeTensorInfo(inputShape, 'float32', dx);
};

const conv2dBackpropFilterKernel: NativeImpl = ({ inputs, backend, attrs }, addon) => {
  const { x, dy } = inputs;
  if (!allFloat32(backend, x, dy)) return null;
  const filterShape = (attrs as { filterShape: number[] }).filterShape;
  const g = conv1dGeometry(x.shape, filterShape, attrs!);
  if (!g) return null;
  const dw = g[0] === 0 ? new Float32Array(prod(filterShape)) : outputFloat32(prod(filterShape)); // an empty batch sums to 0
  addon.conv1dBackpropFilter(valuesOf(backend, x), valuesOf(backend, dy), dw, ...g);
  return backend.makeTensorInfo(filterShape, 'float32', dw);
};

/**
 * Cast bool/int32 → float32. The original returns the input's Uint8Array/Int32Array unchanged under a
 * float32 dtype (no encoding loss), which then sends every later op to the slow generic JS path
 * (e.g. the max-pool gradient's mask); a real Float32Array keeps them native.
 */
const castKernel: NativeImpl = ({ inputs, backend, attrs }) => {
  const { x } = inputs;
  const values = backend.data.get(x.dataId).values;
  if ((attrs as { dtype: string }).dtype !== 'float32' || !(values instanceof Uint8Array || values instanceof Int32Array)) return null;
  if (x.dtype !== 'bool' && x.dtype !== 'int32') return null;
  return backend.makeTensorInfo(x.shape, 'float32', new Float32Array(values));
};

const NATIVE_IMPLS: Record<string, NativeImpl> = {
  Cast: castKernel,
  BatchMatMul: batchMatMulKernel,
  Conv2D: conv2dKernel,
  Conv2DBackpropInput: conv2dBackpropInputKernel,
  Conv2DBackpropFilter: conv2dBackpropFilterKernel,
  Transpose: transposeKernel,
  Slice: sliceKernel,
  SplitV: splitVKernel,
  PadV2: padV2Kernel,
  Reverse: reverseKernel,
  Concat: concatKernel,
  Softmax: softmaxKernel,
  Sum: reduceKernel(0, 'axis'),
  Mean: reduceKernel(1, 'axis'),
  Max: reduceKernel(2, 'reductionIndices'),
  ...Object.fromEntries(Object.entries(BINARY_OPS).map(([name, op]) => [name, binaryKernel(op)])),
  ...Object.fromEntries(Object.entries(UNARY_OPS).map(([name, op]) => [name, unaryKernel(op)])),
  ...Object.fromEntries(Object.entries(COMPARE_OPS).map(([name, op]) => [name, compareKernel(op)])),
};

// ------------------------------------------------------- fused gradients ---

/** Name of the extra cpu kernel computing softmax's gradient in one pass. */
const SOFTMAX_GRAD_KERNEL = 'DesaSoftmaxGrad';

function softmaxGradKernel(addon: NativeKernelAddon): KernelConfig {
  return {
    kernelName: SOFTMAX_GRAD_KERNEL,
    backendName: 'cpu',
    kernelFunc: (({ inputs, backend }: KernelArgs) => {
      const { y, dy } = inputs;
      const cols = y.shape[y.shape.length - 1];
      const dx = outputFloat32(prod(y.shape));
      addon.softmaxGrad(valuesOf(backend, y), valuesOf(backend, dy), dx, dx.length / Math.max(cols, 1), cols);
      return backend.makeTensorInfo(y.shape, 'float32', dx);
    }) as unknown as KernelFunc,
  };
}

/**
 * Softmax's gradient dx = dy·y − y·Σ(dy·y) as one kernel instead of four ops (two of them broadcasting),
 * on the cpu backend for float32 softmax over the last axis; the original gradient everywhere else.
 */
function softmaxGradConfig(original: GradConfig): GradConfig {
  return {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const [y] = saved;
      const dim = Number((attrs as { dim?: number }).dim ?? -1);
      const d = Array.isArray(dy) ? dy[0] : dy;
      const lastAxis = dim === -1 || dim === y.rank - 1;
      if (tf.getBackend() !== 'cpu' || !lastAxis || y.rank === 0 || d.dtype !== 'float32' || y.dtype !== 'float32') {
        return original.gradFunc(dy, saved, attrs);
      }
      return { logits: () => tf.engine().runKernel(SOFTMAX_GRAD_KERNEL, { y, dy: d }, {}) as Tensor };
    },
  };
}

export interface NativeKernelRegistration {
  /** The addon the kernels call. */
  addon: NativeKernelAddon;
  /** Kernel names now served natively (with fallback to the saved originals). */
  kernels: string[];
  /** Restores the original tfjs kernels (used by tests comparing native against plain). */
  unregister(): void;
}

let active: NativeKernelRegistration | null = null;

/**
 * Replaces the cpu backend's hot kernels with native ones. Returns null (and leaves tfjs untouched)
 * when the addon is not available. Idempotent.
 */
export function registerNativeKernels(addon: NativeKernelAddon | null = loadNativeKernelAddon()): NativeKernelRegistration | null {
  if (!addon) return null;
  if (active) return active;
  const originals = new Map<string, KernelConfig>();
  const originalSoftmaxGrad = tf.getGradient('Softmax');
  if (originalSoftmaxGrad && !tf.getKernel(SOFTMAX_GRAD_KERNEL, 'cpu')) {
    tf.registerKernel(softmaxGradKernel(addon));
    tf.registerGradient(softmaxGradConfig(originalSoftmaxGrad));
  }
  for (const [name, impl] of Object.entries(NATIVE_IMPLS)) {
    const original = tf.getKernel(name, 'cpu');
    if (!original) continue;
    originals.set(name, original);
    const kernelFunc = ((args: KernelArgs) => impl(args, addon) ?? original.kernelFunc(args as never)) as unknown as KernelFunc;
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel({ ...original, kernelFunc });
  }
  active = {
    addon,
    kernels: [...originals.keys(), ...(originalSoftmaxGrad ? [SOFTMAX_GRAD_KERNEL] : [])],
    unregister() {
      for (const [name, original] of originals) {
        tf.unregisterKernel(name, 'cpu');
        tf.registerKernel(original);
      }
      if (originalSoftmaxGrad) {
        tf.unregisterGradient('Softmax');
        tf.registerGradient(originalSoftmaxGrad);
        tf.unregisterKernel(SOFTMAX_GRAD_KERNEL, 'cpu');
      }
      active = null;
    },
  };
  return active;
}

/**
 * The addon when native kernels are registered and tfjs runs on the cpu backend, else null: fused
 * operations outside the kernel registry (the AdamW step) use it only then, so plain tfjs stays plain.
 */
export function activeNativeAddon(): NativeKernelAddon | null {
  return active && tf.getBackend() === 'cpu' ? active.addon : null;
}
