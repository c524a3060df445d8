/**
 * Which survey product a FITS file is, decided from its headers and HDU layout (never from the
 * file name: archives rename files, and LAMOST DR10 files arrive as obsid.fits).
 *
 * | product            | evidence                                                                 |
 * |--------------------|--------------------------------------------------------------------------|
 * | LAMOST LRS image   | TELESCOP='LAMOST', primary is a 5 x N image (DR1-DR9)                    |
 * | LAMOST LRS coadd   | TELESCOP='LAMOST', BINTABLE 'COADD' with FLUX/IVAR/WAVELENGTH (DR10+)   |
 * | LAMOST MRS         | TELESCOP='LAMOST' with COADD_B/COADD_R tables or EXTNAME='Information'   |
 * | Kepler / K2 LC     | TELESCOP='Kepler', BINTABLE 'LIGHTCURVE' with TIME and PDCSAP_FLUX;      |
 * |                    | K2 when MISSION='K2' or a CAMPAIGN card replaces QUARTER                 |
 * | SDSS spectrum      | TELESCOP starts 'SDSS', or tables COADD + SPECOBJ                        |
 * | APOGEE spectrum    | SURVEY='apogee', TELESCOP apo25m/lco25m, or a table with APOGEE_ID       |
 */
import type { FitsFile, ImageHdu, TableHdu } from '../fits/index.js';
import { SurveyError } from './errors.js';

export type DetectedProduct =
  | { kind: 'lamost-lrs'; layout: 'image'; hdu: ImageHdu }
  | { kind: 'lamost-lrs'; layout: 'coadd-table'; hdu: TableHdu }
  | { kind: 'lightcurve'; mission: 'Kepler' | 'K2'; hdu: TableHdu }
  | { kind: 'other'; product: 'LAMOST-MRS' | 'SDSS' | 'APOGEE'; reason: string };

const isTable = (h: { kind: string }): h is TableHdu => h.kind === 'BINTABLE' || h.kind === 'TABLE';

function tableNamed(fits: FitsFile, name: string): TableHdu | undefined {
  return fits.hdus.find((h): h is TableHdu => isTable(h) && h.name.trim().toUpperCase() === name);
}

const hasColumns = (hdu: TableHdu, names: string[]): boolean =>
  names.every((n) => hdu.columns.some((c) => c.name.trim().toUpperCase() === n));

function detectLamost(fits: FitsFile): DetectedProduct {
  const primary = fits.hdus[0];
  const extname = (primary.header.getString('EXTNAME') ?? '').trim();
  if (tableNamed(fits, 'COADD_B') || tableNamed(fits, 'COADD_R') || extname === 'Information') {
    return { kind: 'other', product: 'LAMOST-MRS', reason: 'LAMOST medium-resolution spectrum (COADD_B/COADD_R tables): not used as training data' };
  }
  const coadd = tableNamed(fits, 'COADD');
  if (coadd && hasColumns(coadd, ['FLUX', 'IVAR', 'WAVELENGTH'])) return { kind: 'lamost-lrs', layout: 'coadd-table', hdu: coadd };
  // DR10 primaries keep stale NAXIS1/NAXIS2 cards with NAXIS=0, so trust the parsed shape only.
  if (primary.kind === 'PRIMARY' && 'shape' in primary && primary.shape.length === 2 && primary.shape[0] === 5 && primary.shape[1] > 0) {
    return { kind: 'lamost-lrs', layout: 'image', hdu: primary as ImageHdu };
  }
  throw new SurveyError(fits.path, 'a LAMOST file but neither a 5xN spectrum image nor a COADD table: unknown LAMOST product');
}

function detectKepler(fits: FitsFile): DetectedProduct {
  const header = fits.hdus[0].header;
  const lc = tableNamed(fits, 'LIGHTCURVE');
  if (!lc || !hasColumns(lc, ['TIME', 'PDCSAP_FLUX', 'SAP_FLUX', 'SAP_QUALITY'])) {
    const names = fits.hdus.map((h) => h.name).join(', ');
    throw new SurveyError(fits.path, `a Kepler/K2 file without a LIGHTCURVE table (HDUs: ${names}): only light-curve files are read`);
  }
  const mission = (header.getString('MISSION') ?? '').trim().toUpperCase();
  const k2 = mission === 'K2' || (header.has('CAMPAIGN') && !header.has('QUARTER'));
  return { kind: 'lightcurve', mission: k2 ? 'K2' : 'Kepler', hdu: lc };
}

/**
 * Identifies the product in an opened FITS file.
 * @throws SurveyError naming the file when it is no product we know.
 */
export function detectProduct(fits: FitsFile): DetectedProduct {
  const header = fits.hdus[0].header;
  const telescope = (header.getString('TELESCOP') ?? '').trim();
  if (telescope.toUpperCase() === 'LAMOST') return detectLamost(fits);
  if (telescope.toUpperCase() === 'KEPLER') return detectKepler(fits);
  if (/^SDSS/i.test(telescope) || (tableNamed(fits, 'COADD') && tableNamed(fits, 'SPECOBJ'))) {
    return { kind: 'other', product: 'SDSS', reason: 'SDSS optical spectrum: not used as training data' };
  }
  const survey = (header.getString('SURVEY') ?? '').trim().toLowerCase();
  if (survey === 'apogee' || /^(apo|lco)25m$/i.test(telescope) || fits.hdus.some((h) => isTable(h) && hasColumns(h, ['APOGEE_ID']))) {
    return { kind: 'other', product: 'APOGEE', reason: 'APOGEE infrared spectrum: not used as training data' };
  }
  const what = telescope ? `TELESCOP='${telescope}'` : 'no TELESCOP card';
  throw new SurveyError(fits.path, `not a LAMOST, Kepler/K2, SDSS or APOGEE product (${what}, ${fits.hdus.length} HDUs): wrong survey`);
}
