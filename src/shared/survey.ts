/**
 * The survey data model every layer agrees on: what a LAMOST spectrum and a Kepler/K2 light curve
 * are once read from disk. Readers in src/main/survey produce these; the store, preprocessing,
 * the CLI (`desa read --json`) and the renderer consume them.
 *
 * Ids that can exceed 2^53 (LAMOST obsid is small, but Gaia source_id is not) travel as decimal
 * strings so they survive JSON unchanged. Missing scalars are null, never a sentinel like -9999.
 */

export type SurveyName = 'LAMOST' | 'Kepler' | 'K2';

/** Per-band signal-to-noise as LAMOST reports it (SNRU..SNRZ, or SN_U..SN_Z in DR1/DR2). */
export interface BandSnr {
  u: number | null;
  g: number | null;
  r: number | null;
  i: number | null;
  z: number | null;
}

/** A LAMOST low-resolution spectrum, whatever data release and layout it came from. */
export interface Spectrum {
  kind: 'spectrum';
  survey: 'LAMOST';
  /** 'DR1', 'DR2', ..., 'DR10'; inferred from DATA_V, else from the pipeline version. */
  dataRelease: string;
  /** Which on-disk layout was read: 'image' (DR1-DR9 5xN primary image) or 'coadd-table' (DR10 COADD BINTABLE). */
  layout: 'image' | 'coadd-table';
  /** Decimal string; null where the file has none (DR1/DR2) or a bogus one (DR3 negative OBSID). */
  obsid: string | null;
  /** The OBSID card exactly as written when it was rejected as bogus (e.g. DR3's '-28762'); absent otherwise. */
  rawObsid?: string;
  designation: string | null;
  ra: number;
  dec: number;
  lmjd: number | null;
  planId: string | null;
  spId: number | null;
  fiberId: number | null;
  /** Vacuum wavelength, Angstrom, heliocentric frame as delivered by the pipeline. */
  wavelength: Float64Array;
  flux: Float32Array;
  ivar: Float32Array;
  andMask: Int32Array;
  orMask: Int32Array;
  /** HELIO_RV card: the heliocentric correction already applied by the pipeline, km/s (not the star's RV). */
  heliocentricCorrection: number | null;
  /** LASP redshift Z (star's velocity = Z*c) and its error. */
  z: number | null;
  zErr: number | null;
  snr: BandSnr;
  objectClass: string | null;
  subclass: string | null;
  /** Target source keys (TSOURCE/TCOMMENT/TFROM, or OBJSOURC/T_INFO/T_FROM in DR1). */
  targetSource: string | null;
  targetComment: string | null;
  targetFrom: string | null;
  /** KIC id when the header names one (e.g. TCOMMENT='kplr008098300'); null otherwise. */
  kic: number | null;
  sourcePath: string;
}

/** One quarter (Kepler) or campaign (K2) of long-cadence photometry, or a stitch of several. */
export interface LightCurve {
  kind: 'lightcurve';
  survey: 'Kepler' | 'K2';
  /** KIC id (Kepler) or EPIC id (K2). */
  targetId: number;
  /** Quarter (Kepler) or null; for a stitched curve, the list lives in `segments`. */
  quarter: number | null;
  campaign: number | null;
  dataRelease: number | null;
  /** Time in BKJD (BJD - 2454833), days. NaN where the pipeline has no time. */
  time: Float64Array;
  pdcsapFlux: Float32Array;
  pdcsapFluxErr: Float32Array;
  sapFlux: Float32Array;
  sapFluxErr: Float32Array;
  quality: Int32Array;
  cadenceNo: Int32Array;
  ra: number | null;
  dec: number | null;
  kepmag: number | null;
  /** KIC header parameters; null where undefined (K2 files carry the keys with no value). */
  teff: number | null;
  logg: number | null;
  feh: number | null;
  radius: number | null;
  /** For stitched curves: where each quarter starts in the arrays. */
  segments?: { quarter: number | null; campaign: number | null; start: number; length: number; sourcePath: string }[];
  sourcePath: string;
}

/** A file we recognise but do not read as training data (e.g. LAMOST medium resolution). */
export interface RecognisedOther {
  kind: 'other';
  /** e.g. 'LAMOST-MRS', 'SDSS', 'APOGEE'. */
  product: string;
  reason: string;
  sourcePath: string;
}

export type SurveyRecord = Spectrum | LightCurve | RecognisedOther;
