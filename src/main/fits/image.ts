/**
 * Decoding image data units (primary and IMAGE extensions) into native typed arrays with
 * BSCALE/BZERO/BLANK applied exactly as astropy does.
 */
import { decodeBigEndian, type ElementType } from './big-endian.js';
import { applyUnsignedConvention, isIdentity, nullMask, scaleToFloat, type Scaling } from './scaling.js';
import type { FitsHeader, NumericArray } from './types.js';

export const BITPIX_TYPES: Record<number, ElementType> = {
  8: 'uint8', 16: 'int16', 32: 'int32', 64: 'int64', [-32]: 'float32', [-64]: 'float64',
};

/** Image shape in numpy order (NAXISn reversed); NAXISn beyond NAXIS are ignored. */
export function imageShape(header: FitsHeader): number[] {
  const naxis = header.getNumber('NAXIS') ?? 0;
  const shape: number[] = [];
  for (let n = naxis; n >= 1; n--) shape.push(header.getNumber(`NAXIS${n}`) ?? 0);
  return naxis === 0 ? [] : shape;
}

/** Header scaling of an image: BSCALE (default 1) and BZERO (default 0, may be a bigint). */
export function imageScaling(header: FitsHeader): Scaling {
  const zero = header.get('BZERO');
  return {
    scale: header.getNumber('BSCALE') ?? 1,
    zero: typeof zero === 'bigint' ? zero : typeof zero === 'number' ? zero : 0,
  };
}

/**
 * Physical pixel values from the raw big-endian data unit. Like astropy: unscaled images
 * keep their stored type; unsigned conventions give Int8/Uint16/Uint32/BigUint64; other
 * scaled (or BLANK-carrying integer) images become Float32 (BITPIX 8, 16, -32) or
 * Float64 (32, 64, -64), with BLANK pixels as NaN.
 */
export function decodeImage(bytes: Uint8Array, header: FitsHeader): NumericArray {
  const bitpix = header.getNumber('BITPIX') as number;
  const raw = decodeBigEndian(bytes, BITPIX_TYPES[bitpix]);
  const scaling = imageScaling(header);
  // astropy ignores BLANK on float images and (a quirk we copy) a BLANK of 0.
  const blank = bitpix > 0 ? header.get('BLANK') : undefined;
  const hasBlank = (typeof blank === 'number' || typeof blank === 'bigint') && Number(blank) !== 0;
  if (isIdentity(scaling) && !hasBlank) return raw;
  if (!isIdentity(scaling)) {
    const unsigned = applyUnsignedConvention(raw, scaling);
    if (unsigned) return unsigned;
  }
  const blanks = hasBlank ? nullMask(raw, blank as number | bigint) : null;
  return scaleToFloat(raw, scaling, floatTypeFor(bitpix) === 'float32' ? Float32Array : Float64Array, blanks);
}

function floatTypeFor(bitpix: number): 'float32' | 'float64' {
  return bitpix === 8 || bitpix === 16 || bitpix === -32 ? 'float32' : 'float64';
}

const UNSIGNED_CONVENTIONS: Record<number, [number, string]> = { 8: [-128, 'int8'], 16: [32768, 'uint16'], 32: [2147483648, 'uint32'], 64: [2 ** 63, 'uint64'] };

/** numpy dtype name a scaled image decodes to (int8/uint16/uint32/uint64 for the unsigned conventions). */
export function scaledImageType(bitpix: number, scaling: Scaling): string {
  const convention = UNSIGNED_CONVENTIONS[bitpix];
  if (convention && scaling.scale === 1 && Number(scaling.zero) === convention[0]) return convention[1];
  return floatTypeFor(bitpix);
}
