/**
 * LAMOST low-resolution spectra, every layout of DR1-DR10 (see docs/formats.md):
 *
 * - image layout (DR1-DR9): primary HDU is a 5 x N image whose rows EXTEN0 names. Rows 0, 1, 3, 4
 *   are flux, inverse variance, and-mask, or-mask. Row 2 is the wavelength from DR2 on, but in
 *   DR1 (pipeline v2.6) it is the continuum-normalised flux ('Subcontinuum'), so the wavelength
 *   comes from the log-linear dispersion COEFF0/COEFF1 instead.
 * - coadd-table layout (DR10+): a one-row BINTABLE 'COADD' with vector columns FLUX, IVAR,
 *   WAVELENGTH, ANDMASK, ORMASK (masks stored as float). The primary keeps stale NAXIS1/NAXIS2.
 */
import type { FitsHeader, ImageHdu, TableHdu } from '../fits/index.js';
import type { BandSnr, Spectrum } from '../../shared/survey.js';
import { SurveyError } from './errors.js';
import { integerText, numberOrNull, textOrNull } from './header-values.js';
import { toFloat32, toFloat64, toInt32 } from './typed.js';

interface SpectrumArrays {
  wavelength: Float64Array;
  flux: Float32Array;
  ivar: Float32Array;
  andMask: Int32Array;
  orMask: Int32Array;
}

/** 'DR3' from DATA_V='LAMOST DR3'; for DR1/DR2, which have no DATA_V, from the pipeline version. */
export function lamostDataRelease(header: FitsHeader): string {
  const dataV = textOrNull(header, 'DATA_V');
  const m = dataV ? /DR\s*(\d+)/i.exec(dataV) : null;
  if (m) return `DR${Number(m[1])}`;
  // LASP v2.6.x produced DR1, v2.7.x DR2 (DR3 onwards always write DATA_V).
  const pipeline = textOrNull(header, 'VERSPIPE')?.replace(/^v/i, '') ?? '';
  if (pipeline.startsWith('2.6')) return 'DR1';
  if (pipeline.startsWith('2.7')) return 'DR2';
  return 'unknown';
}

/** Per-band SNR: SNRU..SNRZ, or SN_U..SN_Z (DR1/DR2) where 99.00 also means "not measured". */
function bandSnr(header: FitsHeader): BandSnr {
  const oldStyle = header.has('SN_G') || header.has('SN_U');
  const get = (band: string): number | null =>
    oldStyle ? numberOrNull(header, `SN_${band}`, [-9999, 99]) : numberOrNull(header, `SNR${band}`);
  return { u: get('U'), g: get('G'), r: get('R'), i: get('I'), z: get('Z') };
}

/** KIC id from a target comment such as 'kplr008098300'. DR10 Kepler plates put a Gaia id there instead: not a KIC. */
export function kicFromTargetComment(comment: string | null): number | null {
  const m = comment ? /^kplr0*(\d{1,9})$/i.exec(comment.trim()) : null;
  return m ? Number(m[1]) : null;
}

/** Names of the image rows from EXTEN0 ('Flux, Inverse, Wavelength, Andmask, Ormask'). */
function imageRowNames(header: FitsHeader): string[] {
  return (textOrNull(header, 'EXTEN0') ?? '').split(/[\s,]+/).filter((s) => s !== '').map((s) => s.toLowerCase());
}

/** λ_i = 10^(COEFF0 + COEFF1·i), the LAMOST log-linear grid (also written as CRVAL1/CD1_1). */
function logLinearGrid(file: string, header: FitsHeader, n: number): Float64Array {
  const c0 = numberOrNull(header, 'COEFF0') ?? numberOrNull(header, 'CRVAL1');
  const c1 = numberOrNull(header, 'COEFF1') ?? numberOrNull(header, 'CD1_1');
  if (c0 === null || c1 === null) throw new SurveyError(file, 'no wavelength row and no COEFF0/COEFF1 (or CRVAL1/CD1_1) to compute one');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = 10 ** (c0 + c1 * i);
  return out;
}

/** Strictly increasing and inside the LAMOST range (Angstrom): a wavelength row, not a flux row. */
function looksLikeWavelength(row: ArrayLike<number>): boolean {
  if (row.length < 2 || !(row[0] > 3000) || !(row[row.length - 1] < 11000)) return false;
  for (let i = 1; i < row.length; i++) if (!(row[i] > row[i - 1])) return false;
  return true;
}

async function readImageLayout(file: string, hdu: ImageHdu): Promise<SpectrumArrays> {
  const { shape, data } = await hdu.readImage();
  const n = shape[1];
  const row = (r: number) => data.subarray(r * n, (r + 1) * n) as Float32Array | Float64Array;
  const rows = imageRowNames(hdu.header);
  // DR1 names row 2 'Subcontinuum'. Without EXTEN0, row 2 counts as wavelength only if it looks like one.
  const row2IsWavelength = rows.length >= 3 ? rows[2].startsWith('wave') : looksLikeWavelength(row(2));
  return {
    flux: toFloat32(row(0)),
    ivar: toFloat32(row(1)),
    wavelength: row2IsWavelength ? toFloat64(row(2)) : logLinearGrid(file, hdu.header, n),
    andMask: toInt32(row(3)),
    orMask: toInt32(row(4)),
  };
}

async function readCoaddLayout(file: string, hdu: TableHdu): Promise<SpectrumArrays> {
  if (hdu.nrows !== 1) throw new SurveyError(file, `COADD table has ${hdu.nrows} rows, expected one spectrum`);
  const column = async (name: string) => {
    const col = await hdu.readColumn(name);
    if (!ArrayBuffer.isView(col.values)) throw new SurveyError(file, `COADD column ${name} is not a numeric vector`);
    return col.values as Float32Array | Float64Array | Int32Array;
  };
  return {
    flux: toFloat32(await column('FLUX')),
    ivar: toFloat32(await column('IVAR')),
    wavelength: toFloat64(await column('WAVELENGTH')),
    andMask: toInt32(await column('ANDMASK')),
    orMask: toInt32(await column('ORMASK')),
  };
}

/**
 * Reads a LAMOST LRS spectrum whose layout `detectProduct` has established.
 * @param header The primary header (all metadata cards live there in every layout).
 */
export async function readLamostSpectrum(
  file: string,
  header: FitsHeader,
  layout: { layout: 'image'; hdu: ImageHdu } | { layout: 'coadd-table'; hdu: TableHdu },
): Promise<Spectrum> {
  const arrays = layout.layout === 'image' ? await readImageLayout(file, layout.hdu) : await readCoaddLayout(file, layout.hdu);
  const ra = numberOrNull(header, 'RA');
  const dec = numberOrNull(header, 'DEC');
  if (ra === null || dec === null) throw new SurveyError(file, 'LAMOST spectrum without RA/DEC cards');

  // DR3 writes bogus negative OBSIDs; keep the card text in rawObsid so nothing is lost.
  const obsidText = integerText(header, 'OBSID');
  const obsidValid = obsidText !== null && BigInt(obsidText) > 0n;
  const targetComment = textOrNull(header, 'TCOMMENT') ?? textOrNull(header, 'T_INFO');
  return {
    kind: 'spectrum',
    survey: 'LAMOST',
    dataRelease: lamostDataRelease(header),
    layout: layout.layout,
    obsid: obsidValid ? obsidText : null,
    ...(obsidText !== null && !obsidValid ? { rawObsid: obsidText } : {}),
    designation: textOrNull(header, 'DESIG'),
    ra,
    dec,
    lmjd: numberOrNull(header, 'LMJD'),
    planId: textOrNull(header, 'PLANID'),
    spId: numberOrNull(header, 'SPID'),
    fiberId: numberOrNull(header, 'FIBERID'),
    ...arrays,
    heliocentricCorrection: numberOrNull(header, 'HELIO_RV'),
    z: numberOrNull(header, 'Z'),
    zErr: numberOrNull(header, 'Z_ERR'),
    snr: bandSnr(header),
    objectClass: textOrNull(header, 'CLASS'),
    subclass: textOrNull(header, 'SUBCLASS'),
    targetSource: textOrNull(header, 'TSOURCE') ?? textOrNull(header, 'OBJSOURC'),
    targetComment,
    targetFrom: textOrNull(header, 'TFROM') ?? textOrNull(header, 'T_FROM'),
    kic: kicFromTargetComment(targetComment),
    sourcePath: file,
  };
}
