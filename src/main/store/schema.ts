/**
 * The project database schema. Tables carry no PRIMARY KEY constraints on purpose: DuckDB checks
 * unique indexes eagerly inside a transaction (delete-then-reinsert of the same key fails), and the
 * store replaces rows per source file; uniqueness is kept by the writer (see project-store.ts).
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR);

-- One row per scanned candidate file: drives re-ingest skipping and the skipped-file report.
CREATE TABLE IF NOT EXISTS files (
  path VARCHAR, size BIGINT, mtime_ms DOUBLE, sha256 VARCHAR,
  status VARCHAR,          -- 'ingested' | 'recognised' | 'skipped'
  record_kind VARCHAR,     -- 'spectrum' | 'lightcurve' | 'other' | NULL
  product VARCHAR, reason VARCHAR, ingested_at TIMESTAMPTZ);

CREATE TABLE IF NOT EXISTS spectra (
  spectrum_id VARCHAR, obsid BIGINT, raw_obsid VARCHAR, file VARCHAR, data_release VARCHAR, layout VARCHAR,
  designation VARCHAR, ra DOUBLE, dec DOUBLE, lmjd INTEGER, plan_id VARCHAR, sp_id INTEGER, fiber_id INTEGER,
  snr_u DOUBLE, snr_g DOUBLE, snr_r DOUBLE, snr_i DOUBLE, snr_z DOUBLE,
  z DOUBLE, z_err DOUBLE, helio_corr DOUBLE, class VARCHAR, subclass VARCHAR,
  target_source VARCHAR, target_comment VARCHAR, target_from VARCHAR, kic BIGINT,
  n_pixels INTEGER, array_file VARCHAR, array_offset BIGINT, array_length BIGINT,
  star_id VARCHAR, match_method VARCHAR, match_distance_arcsec DOUBLE);

CREATE TABLE IF NOT EXISTS lightcurves (
  file VARCHAR, survey VARCHAR, target_id BIGINT, quarter INTEGER, campaign INTEGER, data_release INTEGER,
  n_cadences INTEGER, ra DOUBLE, dec DOUBLE, kepmag DOUBLE, teff DOUBLE, logg DOUBLE, feh DOUBLE, radius DOUBLE,
  array_file VARCHAR, array_offset BIGINT, array_length BIGINT, star_id VARCHAR);

-- Derived from spectra and lightcurves by rebuildStars() after every ingest.
CREATE TABLE IF NOT EXISTS stars (
  star_id VARCHAR, kic BIGINT, epic BIGINT, designation VARCHAR, ra DOUBLE, dec DOUBLE,
  n_spectra INTEGER, n_lightcurves INTEGER);

CREATE TABLE IF NOT EXISTS catalogs (
  catalog_id VARCHAR, name VARCHAR, path VARCHAR, key VARCHAR, key_column VARCHAR,
  n_rows INTEGER, columns VARCHAR, imported_at TIMESTAMPTZ);

-- Catalog cells in long form (any catalog shape fits); pivot with PIVOT or the store's queries.
CREATE TABLE IF NOT EXISTS catalog_values (
  catalog_id VARCHAR, row_index INTEGER, column_name VARCHAR, num_value DOUBLE, str_value VARCHAR);

CREATE TABLE IF NOT EXISTS crossmatch (
  catalog_id VARCHAR, row_index INTEGER, star_id VARCHAR, method VARCHAR, distance_arcsec DOUBLE);

CREATE TABLE IF NOT EXISTS provenance (
  job_id VARCHAR, kind VARCHAR, started_at TIMESTAMPTZ, ended_at TIMESTAMPTZ,
  app_version VARCHAR, params VARCHAR, result VARCHAR);

-- Filled later by training: one vector per (star, embedding name), stored in arrays/embeddings.bin.
CREATE TABLE IF NOT EXISTS embeddings (
  star_id VARCHAR, name VARCHAR, dim INTEGER,
  array_file VARCHAR, array_offset BIGINT, array_length BIGINT, created_at TIMESTAMPTZ);
`;
