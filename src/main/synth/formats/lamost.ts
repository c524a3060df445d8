/**
 * Writes a synthetic LAMOST low-resolution spectrum in one of three real layouts (see
 * shared/data/real/SOURCES.md): DR10 (header-only primary + one-row COADD BINTABLE, .fits.gz),
 * DR8-style (v2.9.7, 5×3909 float32 primary image with rows Flux/Inverse/Wavelength/Andmask/
 * Ormask, .fits.gz) and DR1-style (v2.6.4, 5×3904 image whose third row is the
 * continuum-normalised flux, no OBSID, SN_U…SN_Z keys, uncompressed .fits).
 */
import path from 'node:path';
import { writeFitsFile, type WriteCard, type WriteHdu } from '../../fits/index';
import type { SpectrumEpoch, StarTruth } from '../truth';
import type { SyntheticSpectrum } from '../spectrum';
import type { LaspParameters } from '../observed';
import { LAMOST_COEFF0, LAMOST_COEFF1 } from '../spectrum';

export function lamostBaseName(epoch: SpectrumEpoch): string {
  return `spec-${epoch.lmjd}-${epoch.planId}_sp${pad(epoch.spId, 2)}-${pad(epoch.fiberId, 3)}.fits`;
}

/** File name on disk: DR10 and DR8 files are gzipped, DR1 files are not. */
export function lamostFileName(epoch: SpectrumEpoch): string {
  return lamostBaseName(epoch) + (epoch.layout === 'dr1' ? '' : '.gz');
}

export function designation(ra: number, dec: number): string {
  const h = ra / 15;
  const hh = Math.floor(h);
  const mm = Math.floor((h - hh) * 60);
  const ss = ((h - hh) * 60 - mm) * 60;
  const sign = dec < 0 ? '-' : '+';
  const d = Math.abs(dec);
  const dd = Math.floor(d);
  const dm = Math.floor((d - dd) * 60);
  const ds = ((d - dd) * 60 - dm) * 60;
  return `LAMOST J${pad(hh, 2)}${pad(mm, 2)}${ss.toFixed(2).padStart(5, '0')}${sign}${pad(dd, 2)}${pad(dm, 2)}${ds.toFixed(1).padStart(4, '0')}`;
}

export function lamostHdus(star: StarTruth, epoch: SpectrumEpoch, spec: SyntheticSpectrum, lasp: LaspParameters): WriteHdu[] {
  const layout = epoch.layout;
  const dr1 = layout === 'dr1';
  const cards: WriteCard[] = [{ keyword: 'FILENAME', value: lamostBaseName(epoch), comment: '' }];
  if (!dr1) cards.push({ keyword: 'OBSID', value: epoch.obsid, comment: 'Unique number ID of this spectrum' });
  cards.push({ keyword: 'AUTHOR', value: 'LAMOST Pipeline', comment: 'Who compiled the information' });
  if (!dr1) cards.push({ keyword: 'DATA_V', value: layout === 'dr10' ? 'LAMOST DR10' : 'LAMOST DR8', comment: 'Data release version' });
  if (layout === 'dr10') {
    cards.push({ keyword: 'N_EXTEN', value: 2, comment: 'The amount of extension' }, { keyword: 'NORM', value: 1, comment: '1 if there exists a normalized spectrum' });
  } else {
    cards.push({ keyword: 'N_EXTEN', value: 1, comment: 'The extension number' });
    cards.push({
      keyword: 'EXTEN0',
      value: dr1 ? 'Flux Inverse Subcontinuum Andmask Ormask' : 'Flux, Inverse, Wavelength, Andmask, Ormask',
      comment: '',
    });
  }
  cards.push(
    { keyword: 'ORIGIN', value: 'DESA Studio synthetic survey', comment: 'simulated: not LAMOST data' },
    { keyword: 'SYNTHETI', value: true, comment: 'synthetic spectrum; truth in truth.csv' },
    { keyword: 'TELESCOP', value: 'LAMOST', comment: 'GuoShouJing Telescope' },
    { keyword: 'LONGITUD', value: 117.58, comment: '[deg] Longitude of site' },
    { keyword: 'LATITUDE', value: 40.39, comment: '[deg] Latitude of site' },
    { keyword: 'DATE-OBS', value: dateObs(epoch.lmjd), comment: 'The observation median UTC' },
    { keyword: 'LMJD', value: epoch.lmjd, comment: 'Local Modified Julian Day' },
    { keyword: 'MJD', value: epoch.lmjd - 1, comment: 'Modified Julian Day' },
    { keyword: 'PLANID', value: epoch.planId, comment: 'Plan ID in use' },
    { keyword: 'RA', value: round(star.ra, 6), comment: '[deg] Right ascension of object' },
    { keyword: 'DEC', value: round(star.dec, 6), comment: '[deg] Declination of object' },
    { keyword: 'DESIG', value: designation(star.ra, star.dec), comment: 'Designation of LAMOST target' },
    { keyword: 'FIBERID', value: epoch.fiberId, comment: 'Fiber ID of Object' },
    { keyword: 'OBJNAME', value: star.gaiaSourceId, comment: 'Name of object' },
    { keyword: 'OBJTYPE', value: 'Star', comment: 'Object type from input catalog' },
  );
  const kplr = `kplr${star.kic.toString().padStart(9, '0')}`;
  if (dr1) {
    cards.push(
      { keyword: 'OBJSOURC', value: 'KEPLER', comment: 'Name of input catalog' },
      { keyword: 'T_INFO', value: kplr, comment: 'Target information' },
      { keyword: 'T_FROM', value: 'KEPLER', comment: 'Target catalog' },
    );
  } else {
    cards.push(
      { keyword: 'TSOURCE', value: 'Kepler', comment: 'Name of input catalog' },
      // DR10 Kepler-field plates carry a Gaia source_id here, older releases the KIC name.
      { keyword: 'TCOMMENT', value: layout === 'dr10' ? star.gaiaSourceId : kplr, comment: 'Target information' },
      { keyword: 'TFROM', value: layout === 'dr10' ? 'KP2021' : 'Kepler', comment: 'Target catalog' },
    );
  }
  cards.push(
    { keyword: 'RADECSYS', value: 'FK5', comment: 'Equatorial coordinate system' },
    { keyword: 'EQUINOX', value: 2000.0, comment: 'Equinox in years' },
    { keyword: 'SPID', value: epoch.spId, comment: 'Spectrograph ID' },
    { keyword: 'HELIO', value: true, comment: 'Heliocentric correction' },
    { keyword: 'HELIO_RV', value: round(epoch.heliocentricCorrection, 5), comment: '[km/s] Heliocentric correction' },
    { keyword: 'VACUUM', value: true, comment: 'Wavelengths are in vacuum' },
    { keyword: 'NWORDER', value: 2, comment: 'Number of linear-log10 coefficients' },
    { keyword: 'WFITTYPE', value: 'LOG-LINEAR', comment: 'Linear-log10 dispersion' },
    { keyword: 'COEFF0', value: LAMOST_COEFF0, comment: 'Central wavelength (log10) of first pixel' },
    { keyword: 'COEFF1', value: LAMOST_COEFF1, comment: 'Log10 dispersion per pixel' },
    { keyword: 'CRVAL1', value: LAMOST_COEFF0, comment: 'Central wavelength (log10) of first pixel' },
    { keyword: 'CD1_1', value: LAMOST_COEFF1, comment: 'Log10 dispersion per pixel' },
    { keyword: 'CRPIX1', value: 1, comment: 'Starting pixel (1-indexed)' },
    { keyword: 'CTYPE1', value: 'LINEAR', comment: '' },
    { keyword: 'DC-FLAG', value: 1, comment: 'Log-linear flag' },
    { keyword: 'VERSPIPE', value: layout === 'dr10' ? 'v2.9.8' : dr1 ? 'v2.6.4' : 'v2.9.7', comment: 'Version of Pipeline' },
    { keyword: 'CLASS', value: 'STAR', comment: 'Class of object' },
    { keyword: 'SUBCLASS', value: lasp.subclass, comment: 'Subclass of object' },
    { keyword: 'Z', value: round(lasp.z, 8), comment: 'Redshift of object' },
    { keyword: 'Z_ERR', value: round(lasp.zErr, 8), comment: 'Redshift error of object' },
    { keyword: 'ZFLAG', value: 'LASP', comment: 'Which method computes the redshift' },
  );
  const snrKey = dr1 ? ['SN_U', 'SN_G', 'SN_R', 'SN_I', 'SN_Z'] : ['SNRU', 'SNRG', 'SNRR', 'SNRI', 'SNRZ'];
  const snr = [spec.snr.u, spec.snr.g, spec.snr.r, spec.snr.i, spec.snr.z];
  snrKey.forEach((key, i) => cards.push({ keyword: key, value: round(snr[i], 2), comment: `SNR of ${'ugriz'[i]} filter` }));

  const n = spec.flux.length;
  if (layout === 'dr10') {
    const column = (name: string, values: Float32Array) => ({ name, format: `${n}E`, values });
    return [
      { kind: 'image', shape: [], data: null, bitpix: 16, cards },
      {
        kind: 'bintable',
        name: 'COADD',
        nrows: 1,
        columns: [
          column('FLUX', spec.flux),
          column('IVAR', spec.ivar),
          column('WAVELENGTH', Float32Array.from(spec.wavelength)),
          column('ANDMASK', spec.andMask),
          column('ORMASK', spec.orMask),
          column('NORMALIZATION', spec.normalized),
        ],
      },
    ];
  }
  const image = new Float32Array(5 * n);
  image.set(spec.flux, 0);
  image.set(spec.ivar, n);
  image.set(dr1 ? spec.normalized : Float32Array.from(spec.wavelength), 2 * n);
  image.set(spec.andMask, 3 * n);
  image.set(spec.orMask, 4 * n);
  return [{ kind: 'image', shape: [5, n], data: image, name: dr1 ? undefined : 'Flux', cards }];
}

export async function writeLamostSpectrum(dir: string, star: StarTruth, epoch: SpectrumEpoch, spec: SyntheticSpectrum, lasp: LaspParameters): Promise<string> {
  const file = path.join(dir, lamostFileName(epoch));
  await writeFitsFile(file, lamostHdus(star, epoch, spec, lasp), { gzip: epoch.layout !== 'dr1' });
  return file;
}

function dateObs(lmjd: number): string {
  // Mid-exposure ≈ 20:00 UTC on MJD = LMJD − 1 (Beijing local night).
  const ms = (lmjd - 1 - 40587) * 86400000 + 20 * 3600000;
  return new Date(ms).toISOString().slice(0, 19);
}

function pad(n: number, width: number): string {
  return n.toString().padStart(width, '0');
}

function round(x: number, digits: number): number {
  const f = Math.pow(10, digits);
  return Math.round(x * f) / f;
}
