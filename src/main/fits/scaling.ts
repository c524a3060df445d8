/**
 * Linear scaling (BSCALE/BZERO for images, TSCALn/TZEROn for table columns) and the
 * unsigned-integer conventions, shared by image and table readers. Output types follow
 * astropy: the unsigned conventions give unsigned arrays, anything else scaled gives floats.
 */
import type { NumericArray } from './types.js';

export interface Scaling {
  scale: number;
  zero: number | bigint;
}

const TWO_63 = 9223372036854775808n;

/** Scale 1 and zero 0: the stored values are the physical values. */
export function isIdentity({ scale, zero }: Scaling): boolean {
  return scale === 1 && Number(zero) === 0;
}

/**
 * The unsigned (or, for bytes, signed) reinterpretation of raw integers when scale is 1 and
 * zero is the conventional offset: 8-bit + -128 → Int8, 16 + 2^15 → Uint16, 32 + 2^31 → Uint32,
 * 64 + 2^63 → BigUint64. Returns null when the convention does not apply.
 */
export function applyUnsignedConvention(raw: NumericArray, scaling: Scaling): NumericArray | null {
  if (scaling.scale !== 1) return null;
  const zero = scaling.zero;
  if (raw instanceof Uint8Array && Number(zero) === -128) {
    const out = new Int8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw[i] - 128;
    return out;
  }
  if (raw instanceof Int16Array && Number(zero) === 32768) return flipSignBit(raw, Uint16Array, 0x8000);
  if (raw instanceof Int32Array && Number(zero) === 2147483648) return flipSignBit(raw, Uint32Array, 0x80000000);
  if (raw instanceof BigInt64Array && (zero === TWO_63 || zero === Number(TWO_63))) {
    const out = new BigUint64Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = BigInt.asUintN(64, raw[i]) ^ TWO_63;
    return out;
  }
  return null;
}

// Adding 2^(n-1) to a two's-complement value is the same as flipping its top bit.
function flipSignBit<T extends Uint16Array | Uint32Array>(
  raw: Int16Array | Int32Array,
  Unsigned: { new (buffer: ArrayBuffer, offset: number, length: number): T },
  bit: number,
): T {
  const copy = raw.slice();
  const out = new Unsigned(copy.buffer, 0, copy.length);
  for (let i = 0; i < out.length; i++) out[i] ^= bit;
  return out;
}

/** physical = raw * scale + zero into `Target`; positions flagged in `blanks` become NaN. */
export function scaleToFloat(
  raw: NumericArray,
  scaling: Scaling,
  Target: Float32ArrayConstructor | Float64ArrayConstructor,
  blanks: Uint8Array | null = null,
): Float32Array | Float64Array {
  const out = new Target(raw.length);
  const zero = Number(scaling.zero);
  if (out instanceof Float32Array) {
    // Same float32 arithmetic as numpy/astropy (round after the multiply and after the add).
    const scale = Math.fround(scaling.scale);
    const zero32 = Math.fround(zero);
    for (let i = 0; i < raw.length; i++) {
      let value = Math.fround(Number(raw[i]));
      if (scaling.scale !== 1) value = Math.fround(value * scale);
      if (zero !== 0) value = Math.fround(value + zero32);
      out[i] = value;
    }
  } else {
    for (let i = 0; i < raw.length; i++) out[i] = Number(raw[i]) * scaling.scale + zero;
  }
  if (blanks) for (let i = 0; i < blanks.length; i++) if (blanks[i]) out[i] = NaN;
  return out;
}

/** 1 where the raw integer equals `nullValue`, else 0. */
export function nullMask(raw: NumericArray, nullValue: number | bigint): Uint8Array {
  const mask = new Uint8Array(raw.length);
  if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
    const target = BigInt(nullValue);
    for (let i = 0; i < raw.length; i++) mask[i] = raw[i] === target ? 1 : 0;
  } else {
    const target = Number(nullValue);
    for (let i = 0; i < raw.length; i++) mask[i] = raw[i] === target ? 1 : 0;
  }
  return mask;
}
