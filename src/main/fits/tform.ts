/**
 * TFORMn parsing for binary tables (rT or rPt(max)/rQt(max)) and ASCII tables (Aw, Iw,
 * Fw.d, Ew.d, Dw.d), plus the byte width each binary type occupies in a row.
 */

export interface BinaryFormat {
  /** Type code: L X B I J K A E D C M P Q. */
  code: string;
  repeat: number;
  /** Element type code of a P/Q variable-length column. */
  elementCode: string | null;
  /** Bytes this column occupies in a row. */
  width: number;
}

export interface AsciiFormat {
  code: 'A' | 'I' | 'F' | 'E' | 'D';
  width: number;
  decimals: number;
}

/** Bytes per element of each binary type (X counts bits and is handled apart). */
export const BINARY_ELEMENT_BYTES: Record<string, number> = {
  L: 1, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8, C: 8, M: 16, P: 8, Q: 16,
};

const BINARY_RE = /^\s*(\d*)([LXBIJKAEDCMPQ])(.*)$/;
const VARIABLE_RE = /^([LXBIJKAEDCM])(\(\s*\d*\s*\))?\s*$/;
const ASCII_RE = /^\s*([AIFED])(\d+)(?:\.(\d+))?\s*$/;

/** Parses a binary-table TFORM; returns null when it is not one. */
export function parseBinaryTform(tform: string): BinaryFormat | null {
  const match = BINARY_RE.exec(tform.toUpperCase());
  if (!match) return null;
  const repeat = match[1] === '' ? 1 : Number(match[1]);
  const code = match[2];
  let elementCode: string | null = null;
  if (code === 'P' || code === 'Q') {
    const element = VARIABLE_RE.exec(match[3].trim());
    if (!element) return null;
    elementCode = element[1];
  } else if (match[3].trim() !== '' && code !== 'A') {
    // 'rAw' (substring width) is an allowed extension; other suffixes are not FITS.
    return null;
  }
  const width = code === 'X' ? Math.ceil(repeat / 8) : repeat * BINARY_ELEMENT_BYTES[code];
  return { code, repeat, elementCode, width };
}

/** Parses an ASCII-table TFORM (Aw, Iw, Fw.d, Ew.d, Dw.d); returns null when it is not one. */
export function parseAsciiTform(tform: string): AsciiFormat | null {
  const match = ASCII_RE.exec(tform.toUpperCase());
  if (!match) return null;
  return { code: match[1] as AsciiFormat['code'], width: Number(match[2]), decimals: match[3] ? Number(match[3]) : 0 };
}

/** Parses TDIMn '(a,b,c)' into numpy order [c, b, a]; null when absent or malformed. */
export function parseTdim(tdim: string | null): number[] | null {
  if (!tdim) return null;
  const match = /^\s*\(([\d\s,]+)\)\s*$/.exec(tdim);
  if (!match) return null;
  return match[1].split(',').map((part) => Number(part.trim())).reverse();
}
