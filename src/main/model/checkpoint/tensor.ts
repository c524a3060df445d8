/**
 * The plain-data tensor that checkpoint import produces and our weights folders store:
 * C-order (row-major) values in a typed array, plus dtype and shape. No tfjs here, so the
 * importer works in the CLI without loading a backend.
 */

/** Element types our weights format stores (half precision is widened to float32 on import). */
export type WeightDType = 'float32' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8';

/** Typed array matching a {@link WeightDType}. */
export type WeightData = Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/** One named tensor of a state dict. */
export interface WeightTensor {
  readonly dtype: WeightDType;
  readonly shape: readonly number[];
  readonly data: WeightData;
}

/** A state dict: PyTorch key (e.g. `dual_former.layers.0.norm1_1.weight`) → tensor, in file order. */
export type StateDict = Map<string, WeightTensor>;

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Record<WeightDType, number> = {
  float32: 4,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
};

/** Allocates a zeroed typed array of `dtype` with `length` elements. */
export function allocate(dtype: WeightDType, length: number): WeightData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'int64':
      return new BigInt64Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'uint8':
      return new Uint8Array(length);
  }
}

/**
 * Views little-endian bytes as a typed array of `dtype` (copied, so alignment never matters and the
 * result does not pin a larger buffer).
 */
export function fromLittleEndianBytes(dtype: WeightDType, bytes: Uint8Array): WeightData {
  const size = DTYPE_BYTES[dtype];
  if (bytes.byteLength % size !== 0) throw new Error(`${bytes.byteLength} bytes is not a whole number of ${dtype} elements`);
  const out = allocate(dtype, bytes.byteLength / size);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Number of elements of a shape (1 for a scalar `[]`). */
export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
