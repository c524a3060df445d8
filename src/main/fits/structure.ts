/**
 * Walking a FITS file's HDUs: read each header block by block up to END, check the
 * mandatory keywords, and compute where its data unit lies. No data are read here.
 */
import { BLOCK_LENGTH, CARD_LENGTH, CardError, Header, parseCards } from './header.js';
import type { ByteSource } from './source.js';
import { FitsError, type HduKind } from './types.js';

export interface HduLayout {
  index: number;
  kind: HduKind;
  header: Header;
  headerOffset: number;
  dataOffset: number;
  /** Unpadded data size in bytes (main table/array plus heap). */
  dataSize: number;
}

const VALID_BITPIX = new Set([8, 16, 32, 64, -32, -64]);
const XTENSION_KINDS: Record<string, HduKind> = { IMAGE: 'IMAGE', BINTABLE: 'BINTABLE', TABLE: 'TABLE' };

/** Reads every header of the source and returns the HDU layout. */
export async function scanHdus(source: ByteSource): Promise<HduLayout[]> {
  if (source.size === 0) throw new FitsError(source.name, 'empty file (0 bytes)');
  const start = new TextDecoder('latin1').decode(await source.read(0, 10));
  if (!start.startsWith('SIMPLE  =')) throw new FitsError(source.name, 'not a FITS file: it does not start with a SIMPLE card');

  const hdus: HduLayout[] = [];
  let offset = 0;
  while (offset < source.size) {
    const index = hdus.length;
    if (index > 0 && !(await startsExtension(source, offset))) break; // trailing padding or junk, as astropy tolerates
    const { header, dataOffset } = await readHeader(source, offset, index);
    const kind = hduKind(source.name, header, index);
    const dataSize = dataUnitSize(source.name, header, index, kind);
    if (dataOffset + dataSize > source.size) {
      throw new FitsError(
        source.name,
        `truncated data unit: header promises ${dataSize} data bytes from offset ${dataOffset}, but the file ends at ${source.size}`,
        index,
      );
    }
    hdus.push({ index, kind, header, headerOffset: offset, dataOffset, dataSize });
    offset = dataOffset + Math.ceil(dataSize / BLOCK_LENGTH) * BLOCK_LENGTH;
  }
  return hdus;
}

async function startsExtension(source: ByteSource, offset: number): Promise<boolean> {
  if (source.size - offset < CARD_LENGTH) return false;
  return new TextDecoder('latin1').decode(await source.read(offset, 9)) === 'XTENSION=';
}

async function readHeader(source: ByteSource, offset: number, index: number): Promise<{ header: Header; dataOffset: number }> {
  const images: string[] = [];
  const decoder = new TextDecoder('latin1');
  let blockOffset = offset;
  for (;;) {
    const block = await source.read(blockOffset, BLOCK_LENGTH);
    if (block.length < BLOCK_LENGTH) {
      throw new FitsError(source.name, `truncated header: the file ends before the END card (at byte ${source.size})`, index);
    }
    const text = decoder.decode(block);
    blockOffset += BLOCK_LENGTH;
    for (let at = 0; at < BLOCK_LENGTH; at += CARD_LENGTH) {
      const image = text.slice(at, at + CARD_LENGTH);
      if (image.startsWith('END') && image.slice(3).trim() === '') {
        return { header: buildHeader(source.name, images, index), dataOffset: blockOffset };
      }
      if (/[^\x20-\x7e]/.test(image)) {
        throw new FitsError(source.name, `malformed card ${images.length + 1}: non-ASCII bytes in '${printable(image)}'`, index);
      }
      images.push(image);
    }
  }
}

function buildHeader(name: string, images: string[], index: number): Header {
  try {
    return new Header(parseCards(images));
  } catch (error) {
    if (error instanceof CardError) throw new FitsError(name, `malformed card: ${error.message}`, index);
    throw error;
  }
}

function hduKind(name: string, header: Header, index: number): HduKind {
  if (index === 0) {
    if (header.get('SIMPLE') !== true) throw new FitsError(name, 'SIMPLE is not T: the file does not conform to FITS', index);
    if (header.get('GROUPS') === true && header.getNumber('NAXIS1') === 0) {
      throw new FitsError(name, 'unsupported feature: random-groups primary HDU', index);
    }
    return 'PRIMARY';
  }
  const xtension = (header.getString('XTENSION') ?? '').trim().toUpperCase();
  const kind = XTENSION_KINDS[xtension];
  if (!kind) throw new FitsError(name, `unsupported feature: extension type XTENSION='${xtension}'`, index);
  return kind;
}

function dataUnitSize(name: string, header: Header, index: number, kind: HduKind): number {
  const bitpix = requireInteger(name, header, 'BITPIX', index);
  if (!VALID_BITPIX.has(bitpix)) throw new FitsError(name, `invalid BITPIX ${bitpix}`, index);
  const naxis = requireInteger(name, header, 'NAXIS', index);
  if (naxis < 0 || naxis > 999) throw new FitsError(name, `invalid NAXIS ${naxis}`, index);
  if ((kind === 'BINTABLE' || kind === 'TABLE') && (naxis !== 2 || bitpix !== 8)) {
    throw new FitsError(name, `${kind} needs NAXIS = 2 and BITPIX = 8, found NAXIS = ${naxis}, BITPIX = ${bitpix}`, index);
  }
  if (naxis === 0) return 0;
  let elements = 1;
  for (let n = 1; n <= naxis; n++) {
    const length = requireInteger(name, header, `NAXIS${n}`, index);
    if (length < 0) throw new FitsError(name, `invalid NAXIS${n} ${length}`, index);
    elements *= length;
  }
  const pcount = index === 0 ? 0 : (header.getNumber('PCOUNT') ?? 0);
  const gcount = index === 0 ? 1 : (header.getNumber('GCOUNT') ?? 1);
  return (Math.abs(bitpix) / 8) * gcount * (pcount + elements);
}

function requireInteger(name: string, header: Header, keyword: string, index: number): number {
  const value = header.get(keyword);
  if (value === undefined) throw new FitsError(name, `missing mandatory keyword ${keyword}`, index);
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new FitsError(name, `keyword ${keyword} must be an integer, found ${String(value)}`, index);
  }
  return value;
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').trimEnd();
}
