/** Converting FITS column/image data to the element types of the shared data model. */
import type { NumericArray } from '../fits/index.js';

type Values = NumericArray | ArrayLike<number>;

export function toFloat64(v: Values): Float64Array {
  return v instanceof Float64Array ? v : Float64Array.from(v as ArrayLike<number>, Number);
}

export function toFloat32(v: Values): Float32Array {
  return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>, Number);
}

/** Integer flags stored as floats (LAMOST DR10 ANDMASK is '3909E') become exact int32. */
export function toInt32(v: Values): Int32Array {
  return v instanceof Int32Array ? v : Int32Array.from(v as ArrayLike<number>, (x) => Math.round(Number(x)));
}
