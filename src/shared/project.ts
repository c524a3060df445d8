/**
 * What the project store and ingest report to hosts (GUI, CLI `--json`, server). Plain JSON-able
 * data: ids that may exceed 2^53 (obsid, Gaia ids) are decimal strings.
 */

/** A file ingest could not use, with why; `reason` names the file and the problem. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** A file ingest recognised as a known product it does not use (LAMOST MRS, SDSS, APOGEE, ...). */
export interface RecognisedFile {
  path: string;
  product: string;
  reason: string;
}

/** Project-wide counts, as held in the store. */
export interface ProjectCounts {
  /** Distinct stars: Kepler/K2 targets plus LAMOST-only objects. */
  stars: number;
  spectra: number;
  /** Light-curve files held: one per Kepler quarter or K2 campaign. */
  lightCurves: number;
  /** Distinct Kepler/K2 targets with at least one light curve. */
  lightCurveStars: number;
  /** (LAMOST spectrum, Kepler/K2 star with light curves) pairs, by KIC id or by position. */
  matchedPairs: number;
  /** Stars that have both a spectrum and a light curve. */
  matchedStars: number;
  skippedFiles: number;
  recognisedFiles: number;
  catalogs: number;
  /** Catalog rows matched to a star (crossmatch table rows). */
  crossmatches: number;
}

export interface CatalogInfo {
  catalogId: string;
  name: string;
  path: string;
  /** How rows were matched to stars ('filename': LAMOST file names, for DR1 tables without obsid). */
  key: 'kic' | 'obsid' | 'position' | 'filename';
  column: string | null;
  rows: number;
  columns: string[];
  matchedRows: number;
  importedAt: string;
}

export interface ProjectStatus {
  projectDir: string;
  schemaVersion: number;
  createdAt: string;
  counts: ProjectCounts;
  skipped: SkippedFile[];
  recognised: RecognisedFile[];
  catalogs: CatalogInfo[];
}

/** The result of one ingest run. Run counts describe this run; `totals` the whole project after it. */
export interface IngestSummary {
  projectDir: string;
  dirs: string[];
  /** Candidate files found by the scan (FITS names or FITS magic). */
  filesSeen: number;
  /** Files parsed in this run. */
  filesRead: number;
  /** Files left alone because they are unchanged since the last ingest. */
  filesUnchanged: number;
  /** Spectra / light-curve files / recognised-other files added or replaced in this run. */
  spectraRead: number;
  lightCurvesRead: number;
  /** Files skipped in this run (each also listed in `skipped`). */
  filesSkipped: number;
  /** Every file the project skips, with its reason (from this run and earlier unchanged ones). */
  skipped: SkippedFile[];
  /** Every recognised-but-not-used file in the project. */
  recognised: RecognisedFile[];
  totals: ProjectCounts;
  /** True when the run stopped early on cancel; what was committed stays. */
  cancelled: boolean;
  elapsedSeconds: number;
}

/** One star as listed by the store. */
export interface StarInfo {
  starId: string;
  kic: number | null;
  epic: number | null;
  /** LAMOST designation when the star came from a spectrum. */
  designation: string | null;
  ra: number | null;
  dec: number | null;
  spectra: number;
  lightCurves: number;
}

export interface ListStarsQuery {
  /** Only stars with a spectrum / a light curve / both. */
  hasSpectrum?: boolean;
  hasLightCurve?: boolean;
  limit?: number;
  offset?: number;
}

/** How a spectrum was tied to its star. */
export interface SpectrumMatch {
  spectrumId: string;
  starId: string;
  method: 'id' | 'position' | null;
  distanceArcsec: number | null;
}
