/**
 * Kepler and K2 long-cadence light curves (`kplr*_llc.fits`, `ktwo*_llc.fits`): HDU 1 'LIGHTCURVE'
 * holds one row per cadence; the target's identity and KIC/EPIC parameters are in the primary
 * header. Older files (DR14, DR21) lack MISSION and PDCMETHD, and K2 files carry TEFF, LOGG, FEH,
 * RADIUS with no value: those come back as null.
 */
import type { FitsHeader, NumericArray, TableHdu } from '../fits/index.js';
import type { LightCurve } from '../../shared/survey.js';
import { SurveyError } from './errors.js';
import { numberOrNull } from './header-values.js';
import { toFloat32, toFloat64, toInt32 } from './typed.js';

async function numericColumn(file: string, hdu: TableHdu, name: string): Promise<NumericArray> {
  if (!hdu.columns.some((c) => c.name.trim().toUpperCase() === name)) throw new SurveyError(file, `LIGHTCURVE table has no ${name} column`);
  const col = await hdu.readColumn(name);
  if (!ArrayBuffer.isView(col.values) || col.repeat !== 1) throw new SurveyError(file, `LIGHTCURVE column ${name} is not a numeric scalar column`);
  return col.values as NumericArray;
}

/** Reads a Kepler or K2 light-curve file whose mission `detectProduct` has established. */
export async function readKeplerLightCurve(file: string, header: FitsHeader, hdu: TableHdu, mission: 'Kepler' | 'K2'): Promise<LightCurve> {
  const targetId = numberOrNull(header, 'KEPLERID', []);
  if (targetId === null) throw new SurveyError(file, 'Kepler/K2 light curve without a KEPLERID card');
  const col = (name: string) => numericColumn(file, hdu, name);
  const k2 = mission === 'K2';
  return {
    kind: 'lightcurve',
    survey: mission,
    targetId,
    quarter: k2 ? null : numberOrNull(header, 'QUARTER', []),
    campaign: k2 ? numberOrNull(header, 'CAMPAIGN', []) : null,
    dataRelease: numberOrNull(header, 'DATA_REL', []),
    time: toFloat64(await col('TIME')),
    pdcsapFlux: toFloat32(await col('PDCSAP_FLUX')),
    pdcsapFluxErr: toFloat32(await col('PDCSAP_FLUX_ERR')),
    sapFlux: toFloat32(await col('SAP_FLUX')),
    sapFluxErr: toFloat32(await col('SAP_FLUX_ERR')),
    quality: toInt32(await col('SAP_QUALITY')),
    cadenceNo: toInt32(await col('CADENCENO')),
    ra: numberOrNull(header, 'RA_OBJ', []),
    dec: numberOrNull(header, 'DEC_OBJ', []),
    kepmag: numberOrNull(header, 'KEPMAG', []),
    teff: numberOrNull(header, 'TEFF', []),
    logg: numberOrNull(header, 'LOGG', []),
    feh: numberOrNull(header, 'FEH', []),
    radius: numberOrNull(header, 'RADIUS', []),
    sourcePath: file,
  };
}
