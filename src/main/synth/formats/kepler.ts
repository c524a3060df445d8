/**
 * Writes a synthetic quarter in the Kepler DR25 long-cadence layout: PRIMARY (header only, KIC
 * parameters), LIGHTCURVE (the 20 columns, 100-byte rows) and APERTURE (int32 bit mask), with
 * the keywords of the real files in shared/data/real/kepler.
 */
import path from 'node:path';
import { writeFitsFile, type WriteCard, type WriteHdu } from '../../fits/index';
import type { StarTruth } from '../truth';
import type { QuarterLightCurve } from '../lightcurve';
import { cadenceTime, TIMEDEL } from '../kepler-schedule';
import { MJD_OF_BKJD0 } from '../star';

export function keplerFileName(kic: number, timestamp: string): string {
  return `kplr${kic.toString().padStart(9, '0')}-${timestamp}_llc.fits`;
}

/** The KIC-like header parameters: noisy versions of the truth, as the KIC was (Brown et al. 2011). */
export interface KicParameters {
  teff: number;
  logg: number;
  feh: number;
  radius: number;
}

export function keplerHdus(star: StarTruth, lc: QuarterLightCurve, kicParams: KicParameters): WriteHdu[] {
  const q = lc.quarter;
  const object = `KIC ${star.kic}`;
  const module = Math.floor((lc.channel - 1) / 4);
  const modules = [2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22, 23, 24];
  const common: WriteCard[] = [
    { keyword: 'TELESCOP', value: 'Kepler', comment: 'telescope' },
    { keyword: 'INSTRUME', value: 'Kepler Photometer', comment: 'detector type' },
    { keyword: 'OBJECT', value: object, comment: 'string version of target id' },
    { keyword: 'KEPLERID', value: star.kic, comment: 'unique Kepler target identifier' },
    { keyword: 'RADESYS', value: 'ICRS', comment: 'reference frame of celestial coordinates' },
    { keyword: 'RA_OBJ', value: round(star.ra, 6), comment: '[deg] right ascension' },
    { keyword: 'DEC_OBJ', value: round(star.dec, 6), comment: '[deg] declination' },
    { keyword: 'EQUINOX', value: 2000.0, comment: 'equinox of celestial coordinate system' },
  ];
  const primary: WriteCard[] = [
    { keyword: 'NEXTEND', value: 2, comment: 'number of standard extensions' },
    { keyword: 'EXTVER', value: 1, comment: 'extension version number (not format version)' },
    { keyword: 'ORIGIN', value: 'DESA Studio synthetic survey', comment: 'simulated: not Kepler data' },
    { keyword: 'SYNTHETI', value: true, comment: 'synthetic light curve; truth in truth.csv' },
    { keyword: 'DATE', value: '2015-09-01', comment: 'file creation date.' },
    { keyword: 'CREATOR', value: 'desa synth', comment: 'pipeline job and program used to produce this file' },
    { keyword: 'FILEVER', value: '6.1', comment: 'file format version' },
    { keyword: 'TIMVERSN', value: 'OGIP/93-003', comment: 'OGIP memo number for file format' },
    ...common.slice(0, 4),
    { keyword: 'CHANNEL', value: lc.channel, comment: 'CCD channel' },
    { keyword: 'SKYGROUP', value: ((star.kic % 84) + 1), comment: 'roll-independent location of channel' },
    { keyword: 'MODULE', value: modules[module] ?? 13, comment: 'CCD module' },
    { keyword: 'OUTPUT', value: ((lc.channel - 1) % 4) + 1, comment: 'CCD output' },
    { keyword: 'QUARTER', value: q.quarter, comment: 'Observing quarter' },
    { keyword: 'SEASON', value: q.season, comment: 'mission season during which data was collected' },
    { keyword: 'DATA_REL', value: 25, comment: 'data release version number' },
    { keyword: 'OBSMODE', value: 'long cadence', comment: 'observing mode' },
    { keyword: 'MISSION', value: 'Kepler', comment: 'Mission name' },
    { keyword: 'TTABLEID', value: 20 + q.quarter, comment: 'target table id' },
    ...common.slice(4),
    { keyword: 'PMRA', value: round(star.vTan / 4.74 / star.distancePc * 0.7, 4), comment: '[arcsec/yr] RA proper motion' },
    { keyword: 'PMDEC', value: round(star.vTan / 4.74 / star.distancePc * 0.7, 4), comment: '[arcsec/yr] Dec proper motion' },
    { keyword: 'KEPMAG', value: round(star.kepmag, 3), comment: '[mag] Kepler magnitude (Kp)' },
    { keyword: 'TEFF', value: Math.round(kicParams.teff), comment: '[K] Effective temperature' },
    { keyword: 'LOGG', value: round(kicParams.logg, 3), comment: '[cm/s2] log10 surface gravity' },
    { keyword: 'FEH', value: round(kicParams.feh, 3), comment: '[log10([Fe/H])]  metallicity' },
    { keyword: 'EBMINUSV', value: round(star.av / 3.1, 3), comment: '[mag] E(B-V) reddening' },
    { keyword: 'AV', value: round(star.av, 3), comment: '[mag] A_v extinction' },
    { keyword: 'RADIUS', value: round(kicParams.radius, 3), comment: '[solar radii] stellar radius' },
  ];
  const tStart = cadenceTime(q.firstCadence) - TIMEDEL / 2;
  const tStop = cadenceTime(q.firstCadence + q.cadences - 1) + TIMEDEL / 2;
  const lcCards: WriteCard[] = [
    { keyword: 'INHERIT', value: true, comment: 'inherit the primary header' },
    { keyword: 'EXTVER', value: 1, comment: 'extension version number (not format version)' },
    ...common,
    { keyword: 'EXPOSURE', value: round((tStop - tStart) * 0.92063492, 8), comment: '[d] time on source' },
    { keyword: 'TIMEREF', value: 'SOLARSYSTEM', comment: 'barycentric correction applied to times' },
    { keyword: 'TASSIGN', value: 'SPACECRAFT', comment: 'where time is assigned' },
    { keyword: 'TIMESYS', value: 'TDB', comment: 'time system is barycentric JD' },
    { keyword: 'BJDREFI', value: 2454833, comment: 'integer part of BJD reference date' },
    { keyword: 'BJDREFF', value: 0.0, comment: 'fraction of the day in BJD reference date' },
    { keyword: 'TIMEUNIT', value: 'd', comment: 'time unit for TIME, TSTART and TSTOP' },
    { keyword: 'TELAPSE', value: round(tStop - tStart, 8), comment: '[d] TSTOP - TSTART' },
    { keyword: 'LIVETIME', value: round((tStop - tStart) * 0.92063492, 8), comment: '[d] TELAPSE multiplied by DEADC' },
    { keyword: 'TSTART', value: round(tStart, 8), comment: 'observation start time in BJD-BJDREF' },
    { keyword: 'TSTOP', value: round(tStop, 8), comment: 'observation stop time in BJD-BJDREF' },
    { keyword: 'LC_START', value: round(tStart + TIMEDEL / 2 + MJD_OF_BKJD0, 8), comment: 'mid point of first cadence in MJD' },
    { keyword: 'LC_END', value: round(tStop - TIMEDEL / 2 + MJD_OF_BKJD0, 8), comment: 'mid point of last cadence in MJD' },
    { keyword: 'DEADC', value: 0.92063492, comment: 'deadtime correction' },
    { keyword: 'TIMEPIXR', value: 0.5, comment: 'bin time beginning=0 middle=0.5 end=1' },
    { keyword: 'INT_TIME', value: 6.01980290327, comment: '[s] photon accumulation time per frame' },
    { keyword: 'NUM_FRM', value: 270, comment: 'number of frames per time stamp' },
    { keyword: 'TIMEDEL', value: TIMEDEL, comment: '[d] time resolution of data' },
    { keyword: 'READNOIS', value: 83.2365, comment: '[electrons] read noise' },
    { keyword: 'CDPP3_0', value: round(lc.cdpp[0], 4), comment: '[ppm] RMS CDPP on 3.0-hr time scales' },
    { keyword: 'CDPP6_0', value: round(lc.cdpp[1], 4), comment: '[ppm] RMS CDPP on 6.0-hr time scales' },
    { keyword: 'CDPP12_0', value: round(lc.cdpp[2], 4), comment: '[ppm] RMS CDPP on 12.0-hr time scales' },
    { keyword: 'CROWDSAP', value: round(lc.crowdsap, 4), comment: 'Ratio of target flux to total flux in op. ap.' },
    { keyword: 'FLFRCSAP', value: round(lc.flfrcsap, 4), comment: 'Frac. of target flux w/in the op. aperture' },
    { keyword: 'PDCMETHD', value: 'regularMap', comment: 'PDC algorithm used for target' },
    { keyword: 'NUMBAND', value: 1, comment: 'Number of scale bands' },
  ];
  const n = q.cadences;
  const col = (name: string, format: string, values: WriteColumnValues, unit?: string) => ({ name, format, values, unit });
  const aperture = apertureMask(star.kepmag);
  return [
    { kind: 'image', shape: [], data: null, bitpix: 8, cards: primary },
    {
      kind: 'bintable',
      name: 'LIGHTCURVE',
      nrows: n,
      cards: lcCards,
      columns: [
        col('TIME', 'D', lc.time, 'BJD - 2454833'),
        col('TIMECORR', 'E', lc.timecorr, 'd'),
        col('CADENCENO', 'J', lc.cadenceNo),
        col('SAP_FLUX', 'E', lc.sapFlux, 'e-/s'),
        col('SAP_FLUX_ERR', 'E', lc.sapFluxErr, 'e-/s'),
        col('SAP_BKG', 'E', lc.sapBkg, 'e-/s'),
        col('SAP_BKG_ERR', 'E', lc.sapBkgErr, 'e-/s'),
        col('PDCSAP_FLUX', 'E', lc.pdcsapFlux, 'e-/s'),
        col('PDCSAP_FLUX_ERR', 'E', lc.pdcsapFluxErr, 'e-/s'),
        col('SAP_QUALITY', 'J', lc.quality),
        col('PSF_CENTR1', 'D', lc.psfCentr1, 'pixel'),
        col('PSF_CENTR1_ERR', 'E', lc.psfCentr1Err, 'pixel'),
        col('PSF_CENTR2', 'D', lc.psfCentr2, 'pixel'),
        col('PSF_CENTR2_ERR', 'E', lc.psfCentr2Err, 'pixel'),
        col('MOM_CENTR1', 'D', lc.momCentr1, 'pixel'),
        col('MOM_CENTR1_ERR', 'E', lc.momCentr1Err, 'pixel'),
        col('MOM_CENTR2', 'D', lc.momCentr2, 'pixel'),
        col('MOM_CENTR2_ERR', 'E', lc.momCentr2Err, 'pixel'),
        col('POS_CORR1', 'E', lc.posCorr1, 'pixels'),
        col('POS_CORR2', 'E', lc.posCorr2, 'pixels'),
      ],
    },
    { kind: 'image', name: 'APERTURE', shape: aperture.shape, data: aperture.data, cards: [{ keyword: 'INHERIT', value: true, comment: 'inherit the primary header' }, ...common] },
  ];
}

type WriteColumnValues = Float64Array | Float32Array | Int32Array;

/** Target-pixel mask: 1 = collected, 3 = collected and in the optimal aperture (as in the real files). */
function apertureMask(kepmag: number): { shape: number[]; data: Int32Array } {
  const size = kepmag < 12 ? 7 : kepmag < 14 ? 6 : 5;
  const rows = size - 1;
  const data = new Int32Array(rows * size);
  const inner = kepmag < 12 ? 2 : 1;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < size; c++) {
      const optimal = Math.abs(r - (rows - 1) / 2) <= inner && Math.abs(c - (size - 1) / 2) <= inner;
      data[r * size + c] = optimal ? 3 : 1;
    }
  }
  return { shape: [rows, size], data };
}

export async function writeKeplerQuarter(dir: string, star: StarTruth, lc: QuarterLightCurve, kic: KicParameters, gzip: boolean): Promise<string> {
  const name = keplerFileName(star.kic, lc.quarter.timestamp) + (gzip ? '.gz' : '');
  const file = path.join(dir, name);
  await writeFitsFile(file, keplerHdus(star, lc, kic), { gzip });
  return file;
}

function round(x: number, digits: number): number {
  const f = Math.pow(10, digits);
  return Math.round(x * f) / f;
}
