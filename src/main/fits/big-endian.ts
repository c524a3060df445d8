/**
 * FITS stores every number big-endian; these helpers turn big-endian bytes into native
 * (little-endian on every platform we ship) typed arrays. Buffer.swapNN does the byte
 * swap in native code, which is far faster than DataView loops for large arrays.
 */
import { endianness } from 'node:os';
import type { NumericArray } from './types.js';

if (endianness() !== 'LE') throw new Error('the FITS module assumes a little-endian host');

export type ElementType = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64';

export const ELEMENT_SIZE: Record<ElementType, number> = {
  uint8: 1, int8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, float32: 4, float64: 8,
};

/** Copies `bytes` (big-endian elements) into a new native typed array of the given type. */
export function decodeBigEndian(bytes: Uint8Array, type: ElementType): NumericArray {
  const size = ELEMENT_SIZE[type];
  const count = Math.floor(bytes.length / size);
  const copy = new Uint8Array(count * size);
  copy.set(bytes.subarray(0, count * size));
  const swapped = Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength);
  if (size === 2) swapped.swap16();
  else if (size === 4) swapped.swap32();
  else if (size === 8) swapped.swap64();
  return viewAs(copy.buffer, type, count);
}

/** Writes a native typed array as big-endian bytes into a new Uint8Array. */
export function encodeBigEndian(values: NumericArray): Uint8Array {
  const out = new Uint8Array(values.byteLength);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  const swapped = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  if (values.BYTES_PER_ELEMENT === 2) swapped.swap16();
  else if (values.BYTES_PER_ELEMENT === 4) swapped.swap32();
  else if (values.BYTES_PER_ELEMENT === 8) swapped.swap64();
  return out;
}

function viewAs(buffer: ArrayBuffer, type: ElementType, count: number): NumericArray {
  switch (type) {
    case 'uint8': return new Uint8Array(buffer, 0, count);
    case 'int8': return new Int8Array(buffer, 0, count);
    case 'int16': return new Int16Array(buffer, 0, count);
    case 'uint16': return new Uint16Array(buffer, 0, count);
    case 'int32': return new Int32Array(buffer, 0, count);
    case 'uint32': return new Uint32Array(buffer, 0, count);
    case 'int64': return new BigInt64Array(buffer, 0, count);
    case 'uint64': return new BigUint64Array(buffer, 0, count);
    case 'float32': return new Float32Array(buffer, 0, count);
    case 'float64': return new Float64Array(buffer, 0, count);
  }
}
