/**
 * ProjectStore: a DESA project is a directory holding `store.duckdb` (metadata, catalogs,
 * crossmatches, provenance) and `arrays/` (spectra, light curves, embeddings as binary records).
 *
 * One writer: every write goes through Db.transaction, which serialises transactions, and each
 * ingest batch is one transaction, so a crash loses at most the batch in flight.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import type { LightCurve, Spectrum } from '../../shared/survey';
import type {
  CatalogInfo, ListStarsQuery, ProjectCounts, ProjectStatus, RecognisedFile, SkippedFile, SpectrumMatch, StarInfo,
} from '../../shared/project';
import { ArrayFiles, type ArrayRef } from './arrays';
import { acquireInstance, Db, num, releaseInstance } from './db';
import { EMBEDDING_FILE, EMBEDDING_LAYOUT, LIGHTCURVE_FILE, LIGHTCURVE_LAYOUT, SPECTRUM_FILE, SPECTRUM_LAYOUT } from './layouts';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema';
import { rebuildStars } from './stars';
import { importCatalog, type ImportCatalogOptions } from './catalogs';
import { stitchLightCurves, type StitchOptions } from '../survey/index';

export const STORE_FILE = 'store.duckdb';
export const ARRAYS_DIR = 'arrays';

/** What the store remembers about a scanned file (for re-ingest skipping). */
export interface FileRecord {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string | null;
  status: 'ingested' | 'recognised' | 'skipped';
}

/** The outcome of reading one file, as ingest hands it to the writer. */
export type FileOutcome =
  | { kind: 'spectrum'; spectrum: Spectrum }
  | { kind: 'lightcurve'; lightCurve: LightCurve }
  | { kind: 'other'; product: string; reason: string }
  | { kind: 'skipped'; reason: string }
  /** Content identical to what the store holds (only size/mtime changed): refresh the stat. */
  | { kind: 'unchanged' };

export interface FileWrite {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string | null;
  outcome: FileOutcome;
}

/** Where each file of a batch ended up (a duplicate spectrum turns into 'skipped'). */
export interface BatchResult {
  path: string;
  status: 'ingested' | 'recognised' | 'skipped' | 'unchanged';
  reason: string | null;
}

export class ProjectStore {
  private closed = false;

  /**
   * `db` is the writer connection (all transactions); `reads` a second connection for queries, so
   * a query never runs inside, or sees, a batch that is still being written.
   */
  private constructor(
    readonly dir: string,
    private readonly db: Db,
    private readonly reads: Db,
    private readonly arrays: ArrayFiles,
    private readonly dbFile: string,
  ) {}

  /** Creates a project in `dir` (the folder is created if missing); an existing project is opened as is. */
  static async create(dir: string): Promise<ProjectStore> {
    const abs = path.resolve(dir);
    if (fs.existsSync(path.join(abs, STORE_FILE))) return ProjectStore.connect(abs, false);
    fs.mkdirSync(path.join(abs, ARRAYS_DIR), { recursive: true });
    return ProjectStore.connect(abs, true);
  }

  /** Opens the project in `dir`. Throws naming the folder when it holds no project. */
  static async open(dir: string): Promise<ProjectStore> {
    const abs = path.resolve(dir);
    if (!fs.existsSync(path.join(abs, STORE_FILE))) throw new Error(`${abs} is not a DESA project: ${STORE_FILE} is missing`);
    return ProjectStore.connect(abs, false);
  }

  private static async connect(dir: string, fresh: boolean): Promise<ProjectStore> {
    const dbFile = path.join(dir, STORE_FILE);
    const instance = await acquireInstance(dbFile);
    try {
      const db = new Db(await instance.connect());
      await db.run(SCHEMA_SQL);
      if (fresh) {
        await db.insert('meta', ['key', 'value'], [['schema_version', String(SCHEMA_VERSION)], ['created_at', new Date().toISOString()]]);
      } else {
        const v = await db.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`);
        if (v && Number(v.value) > SCHEMA_VERSION) {
          throw new Error(`${dbFile} has schema version ${v.value}, newer than this app understands (${SCHEMA_VERSION})`);
        }
      }
      return new ProjectStore(dir, db, new Db(await instance.connect()), new ArrayFiles(path.join(dir, ARRAYS_DIR)), dbFile);
    } catch (err) {
      await releaseInstance(dbFile);
      throw err;
    }
  }

  /** Waits for pending writes, checkpoints and releases the database and array files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.idle();
    this.reads.conn.closeSync();
    await this.db.run('CHECKPOINT').catch(() => undefined);
    this.db.conn.closeSync();
    this.arrays.closeAll();
    await releaseInstance(this.dbFile);
  }

  /** The Db handle, for the store's own modules (stars, catalogs). */
  get database(): Db {
    return this.db;
  }

  // ---------------------------------------------------------------- ingest writer

  /** Every file the store has seen, by absolute path. */
  async fileRecords(): Promise<Map<string, FileRecord>> {
    const rows = await this.reads.all<{ path: string; size: bigint; mtime_ms: number; sha256: string | null; status: FileRecord['status'] }>(
      'SELECT path, size, mtime_ms, sha256, status FROM files',
    );
    return new Map(rows.map((r) => [r.path, { path: r.path, size: Number(r.size), mtimeMs: r.mtime_ms, sha256: r.sha256, status: r.status }]));
  }

  /**
   * Writes one batch of file outcomes: arrays first (fsynced), then all rows in one transaction
   * (a few set-based statements per batch, not per file). A file's earlier rows are replaced. A
   * spectrum whose id is already held from another file (or earlier in the batch) is recorded as
   * skipped (a duplicate), never stored twice.
   */
  async writeBatch(batch: readonly FileWrite[]): Promise<BatchResult[]> {
    const refs = new Map<string, ArrayRef>();
    for (const w of batch) {
      if (w.outcome.kind === 'spectrum') {
        refs.set(w.path, this.arrays.get(SPECTRUM_FILE).append(SPECTRUM_LAYOUT, w.outcome.spectrum, w.path));
      } else if (w.outcome.kind === 'lightcurve') {
        refs.set(w.path, this.arrays.get(LIGHTCURVE_FILE).append(LIGHTCURVE_LAYOUT, w.outcome.lightCurve, w.path));
      }
    }
    this.arrays.syncAll();

    return this.db.transaction(async () => {
      const unchanged = batch.filter((w) => w.outcome.kind === 'unchanged');
      const replaced = batch.filter((w) => w.outcome.kind !== 'unchanged');
      for (const w of unchanged) {
        await this.db.run('UPDATE files SET size = $1, mtime_ms = $2 WHERE path = $3', [w.size, w.mtimeMs, w.path]);
      }
      const paths = replaced.map((w) => w.path);
      if (paths.length > 0) {
        const list = paths.map((_, i) => `$${i + 1}`).join(', ');
        await this.db.run(`DELETE FROM spectra WHERE file IN (${list})`, paths);
        await this.db.run(`DELETE FROM lightcurves WHERE file IN (${list})`, paths);
        await this.db.run(`DELETE FROM files WHERE path IN (${list})`, paths);
      }

      const ids = new Map<string, string>(); // spectrum id -> file, for this batch
      const wanted = replaced.flatMap((w) => (w.outcome.kind === 'spectrum' ? [spectrumId(w.outcome.spectrum)] : []));
      if (wanted.length > 0) {
        const list = wanted.map((_, i) => `$${i + 1}`).join(', ');
        for (const r of await this.db.all<{ spectrum_id: string; file: string }>(`SELECT spectrum_id, file FROM spectra WHERE spectrum_id IN (${list})`, wanted)) {
          ids.set(r.spectrum_id, r.file);
        }
      }

      const spectra: DuckDBValue[][] = [];
      const lightCurves: DuckDBValue[][] = [];
      const files: DuckDBValue[][] = [];
      const results = new Map<string, BatchResult>(unchanged.map((w) => [w.path, { path: w.path, status: 'unchanged', reason: null }]));
      for (const w of replaced) {
        const o = w.outcome;
        let status: BatchResult['status'] = 'skipped';
        let reason: string | null = null;
        let recordKind: string | null = null;
        let product: string | null = null;
        if (o.kind === 'spectrum') {
          const id = spectrumId(o.spectrum);
          const other = ids.get(id);
          if (other !== undefined) {
            reason = `${w.path}: same spectrum (${id}) as ${other}, which is already ingested`;
          } else {
            ids.set(id, w.path);
            spectra.push(spectrumRow(id, o.spectrum, w.path, refs.get(w.path) as ArrayRef));
            status = 'ingested';
            recordKind = 'spectrum';
          }
        } else if (o.kind === 'lightcurve') {
          lightCurves.push(lightCurveRow(o.lightCurve, w.path, refs.get(w.path) as ArrayRef));
          status = 'ingested';
          recordKind = 'lightcurve';
        } else if (o.kind === 'other') {
          status = 'recognised';
          recordKind = 'other';
          product = o.product;
          reason = o.reason;
        } else if (o.kind === 'skipped') {
          reason = o.reason;
        }
        files.push([w.path, w.size, w.mtimeMs, w.sha256, status, recordKind, product, reason]);
        results.set(w.path, { path: w.path, status, reason });
      }
      await this.db.insert('spectra', SPECTRUM_COLUMNS, spectra);
      await this.db.insert('lightcurves', LIGHTCURVE_COLUMNS, lightCurves);
      await this.db.insert('files', ['path', 'size', 'mtime_ms', 'sha256', 'status', 'record_kind', 'product', 'reason'], files);
      if (files.length > 0) await this.db.run(`UPDATE files SET ingested_at = now() WHERE ingested_at IS NULL`);
      return batch.map((w) => results.get(w.path) as BatchResult);
    });
  }

  /** Recomputes stars and spectrum↔star matches (by KIC named in the spectrum, else within `radiusArcsec`). */
  async rebuildStars(radiusArcsec = 3): Promise<void> {
    await rebuildStars(this.db, radiusArcsec);
  }

  /** Records which job produced what. */
  async recordProvenance(p: {
    jobId: string; kind: string; startedAt: Date; endedAt: Date; appVersion: string; params: unknown; result: unknown;
  }): Promise<void> {
    await this.db.transaction(() =>
      this.db.insert(
        'provenance',
        ['job_id', 'kind', 'started_at', 'ended_at', 'app_version', 'params', 'result'],
        [[p.jobId, p.kind, p.startedAt.toISOString(), p.endedAt.toISOString(), p.appVersion, JSON.stringify(p.params), JSON.stringify(p.result)]],
      ),
    );
  }

  // ---------------------------------------------------------------- queries

  /** Project-wide counts, skipped and recognised files, and imported catalogs. */
  async status(): Promise<ProjectStatus> {
    const created = await this.reads.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'created_at'`);
    return {
      projectDir: this.dir,
      schemaVersion: SCHEMA_VERSION,
      createdAt: created?.value ?? '',
      counts: await this.counts(),
      skipped: await this.skippedFiles(),
      recognised: await this.recognisedFiles(),
      catalogs: await this.listCatalogs(),
    };
  }

  /** Project-wide counts (stars, spectra, light curves, matched pairs, skipped files, catalogues, ...). */
  async counts(): Promise<ProjectCounts> {
    const r = await this.reads.one<Record<string, bigint>>(`
      SELECT
        (SELECT count(*) FROM stars) AS stars,
        (SELECT count(*) FROM spectra) AS spectra,
        (SELECT count(*) FROM lightcurves) AS light_curves,
        (SELECT count(DISTINCT star_id) FROM lightcurves) AS lc_stars,
        (SELECT count(*) FROM spectra s JOIN stars t USING (star_id) WHERE t.n_lightcurves > 0) AS matched_pairs,
        (SELECT count(*) FROM stars WHERE n_spectra > 0 AND n_lightcurves > 0) AS matched_stars,
        (SELECT count(*) FROM files WHERE status = 'skipped') AS skipped,
        (SELECT count(*) FROM files WHERE status = 'recognised') AS recognised,
        (SELECT count(*) FROM catalogs) AS catalogs,
        (SELECT count(*) FROM crossmatch) AS crossmatches`);
    const n = (k: string): number => Number(r?.[k] ?? 0);
    return {
      stars: n('stars'), spectra: n('spectra'), lightCurves: n('light_curves'), lightCurveStars: n('lc_stars'),
      matchedPairs: n('matched_pairs'), matchedStars: n('matched_stars'), skippedFiles: n('skipped'),
      recognisedFiles: n('recognised'), catalogs: n('catalogs'), crossmatches: n('crossmatches'),
    };
  }

  /** Every file the project could not use, with the reason, by path. */
  async skippedFiles(): Promise<SkippedFile[]> {
    return this.reads.all<SkippedFile>(`SELECT path, reason FROM files WHERE status = 'skipped' ORDER BY path`);
  }

  /** Every recognised-but-unused file (LAMOST MRS, SDSS, APOGEE, ...), by path. */
  async recognisedFiles(): Promise<RecognisedFile[]> {
    return this.reads.all<RecognisedFile>(`SELECT path, product, reason FROM files WHERE status = 'recognised' ORDER BY path`);
  }

  /**
   * One spectrum with its arrays, exactly as ingested. `id` is the store's spectrum id (the obsid
   * when the file has a valid one, else `<lmjd>-<planId>-<spId>-<fiberId>`) or an obsid.
   */
  async getSpectrum(id: string): Promise<Spectrum | null> {
    const row = await this.reads.one<Row>(
      // Compare obsid as a number (not every obsid cast to text): DuckDB's min/max zone maps then skip
      // most row groups, which matters for a star-detail click in a million-star project.
      `SELECT *, obsid::VARCHAR AS obsid_text FROM spectra WHERE spectrum_id = $1 OR obsid = TRY_CAST($1 AS BIGINT) ORDER BY spectrum_id LIMIT 1`,
      [id],
    );
    if (!row) return null;
    const a = this.arrays.get(row.array_file as string).read(SPECTRUM_LAYOUT, arrayRef(row));
    const spectrum: Spectrum = {
      kind: 'spectrum', survey: 'LAMOST',
      dataRelease: row.data_release as string, layout: row.layout as Spectrum['layout'],
      obsid: (row.obsid_text as string | null) ?? null, designation: row.designation as string | null,
      ra: row.ra as number, dec: row.dec as number, lmjd: num(row.lmjd), planId: row.plan_id as string | null,
      spId: num(row.sp_id), fiberId: num(row.fiber_id),
      wavelength: a.wavelength as Float64Array, flux: a.flux as Float32Array, ivar: a.ivar as Float32Array,
      andMask: a.andMask as Int32Array, orMask: a.orMask as Int32Array,
      heliocentricCorrection: row.helio_corr as number | null, z: row.z as number | null, zErr: row.z_err as number | null,
      snr: { u: row.snr_u as number | null, g: row.snr_g as number | null, r: row.snr_r as number | null, i: row.snr_i as number | null, z: row.snr_z as number | null },
      objectClass: row.class as string | null, subclass: row.subclass as string | null,
      targetSource: row.target_source as string | null, targetComment: row.target_comment as string | null,
      targetFrom: row.target_from as string | null, kic: num(row.kic), sourcePath: row.file as string,
    };
    if (row.raw_obsid !== null) spectrum.rawObsid = row.raw_obsid as string;
    return spectrum;
  }

  /** How a spectrum was tied to its star (method 'id' or 'position' with distance; null method = LAMOST-only star). */
  async getSpectrumMatch(id: string): Promise<SpectrumMatch | null> {
    const r = await this.reads.one<Row>(
      `SELECT spectrum_id, star_id, match_method, match_distance_arcsec FROM spectra WHERE spectrum_id = $1 OR obsid::VARCHAR = $1 LIMIT 1`,
      [id],
    );
    if (!r) return null;
    return {
      spectrumId: r.spectrum_id as string, starId: r.star_id as string,
      method: r.match_method as SpectrumMatch['method'], distanceArcsec: r.match_distance_arcsec as number | null,
    };
  }

  /** Ids of the spectra of one star, in observation order. */
  async spectrumIdsOfStar(starId: string): Promise<string[]> {
    const rows = await this.reads.all<{ spectrum_id: string }>(
      'SELECT spectrum_id FROM spectra WHERE star_id = $1 ORDER BY lmjd, spectrum_id', [starId]);
    return rows.map((r) => r.spectrum_id);
  }

  /** Every quarter (Kepler, by KIC) or campaign (K2, by EPIC) of one target, each exactly as ingested, in time order. */
  async getLightCurves(targetId: number, survey: 'Kepler' | 'K2' = 'Kepler'): Promise<LightCurve[]> {
    const rows = await this.reads.all<Row>(
      `SELECT * FROM lightcurves WHERE target_id = $1 AND survey = $2 ORDER BY coalesce(quarter, campaign), file`,
      [targetId, survey],
    );
    return rows.map((row) => {
      const a = this.arrays.get(row.array_file as string).read(LIGHTCURVE_LAYOUT, arrayRef(row));
      return {
        kind: 'lightcurve', survey: row.survey as LightCurve['survey'], targetId: num(row.target_id) as number,
        quarter: num(row.quarter), campaign: num(row.campaign), dataRelease: num(row.data_release),
        time: a.time as Float64Array, pdcsapFlux: a.pdcsapFlux as Float32Array, pdcsapFluxErr: a.pdcsapFluxErr as Float32Array,
        sapFlux: a.sapFlux as Float32Array, sapFluxErr: a.sapFluxErr as Float32Array,
        quality: a.quality as Int32Array, cadenceNo: a.cadenceNo as Int32Array,
        ra: row.ra as number | null, dec: row.dec as number | null, kepmag: row.kepmag as number | null,
        teff: row.teff as number | null, logg: row.logg as number | null, feh: row.feh as number | null,
        radius: row.radius as number | null, sourcePath: row.file as string,
      };
    });
  }

  /**
   * All quarters of one Kepler star stitched into one light curve by the survey module's
   * stitchLightCurves (same quality mask and per-quarter normalisation options; pass
   * `{ qualityMask: 'none', normalise: 'none' }` for the raw values); null when the store holds none.
   */
  async getLightCurve(kic: number, opts: StitchOptions = {}): Promise<LightCurve | null> {
    const parts = await this.getLightCurves(kic, 'Kepler');
    return parts.length === 0 ? null : stitchLightCurves(parts, opts);
  }

  /** Stars, ordered by id, optionally only those with spectra and/or light curves. */
  async listStars(q: ListStarsQuery = {}): Promise<StarInfo[]> {
    const where: string[] = [];
    if (q.hasSpectrum !== undefined) where.push(q.hasSpectrum ? 'n_spectra > 0' : 'n_spectra = 0');
    if (q.hasLightCurve !== undefined) where.push(q.hasLightCurve ? 'n_lightcurves > 0' : 'n_lightcurves = 0');
    const limit = Math.max(0, Math.floor(q.limit ?? 1_000_000));
    const offset = Math.max(0, Math.floor(q.offset ?? 0));
    const rows = await this.reads.all<Row>(
      `SELECT * FROM stars ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY star_id LIMIT ${limit} OFFSET ${offset}`,
    );
    return rows.map((r) => ({
      starId: r.star_id as string, kic: num(r.kic), epic: num(r.epic), designation: r.designation as string | null,
      ra: r.ra as number | null, dec: r.dec as number | null, spectra: num(r.n_spectra) ?? 0, lightCurves: num(r.n_lightcurves) ?? 0,
    }));
  }

  /**
   * Stores one embedding vector per star under `name` (e.g. 'desa-v1/joint'), replacing earlier
   * vectors of that name for those stars. Vectors go to arrays/embeddings.bin, fsynced before commit.
   * @throws Error naming the star when vectors of one name differ in length
   */
  async putEmbeddings(name: string, rows: readonly { starId: string; vector: Float32Array }[]): Promise<void> {
    if (rows.length === 0) return;
    const dim = rows[0].vector.length;
    const file = this.arrays.get(EMBEDDING_FILE);
    const bad = rows.find((r) => r.vector.length !== dim);
    if (bad) throw new Error(`embedding '${name}' of ${bad.starId} has ${bad.vector.length} values, expected ${dim}`);
    const refs = file.appendMany(EMBEDDING_LAYOUT, rows.map((r) => ({ vector: r.vector })), (i) => `embedding '${name}' of ${rows[i].starId}`);
    file.sync();
    // Appenders, not INSERTs: a million stars' rows take seconds instead of minutes.
    await this.db.transaction(async () => {
      await this.db.run('CREATE OR REPLACE TEMP TABLE replaced (star_id VARCHAR)');
      await this.db.append('replaced', rows.length, (a, i) => a.appendVarchar(rows[i].starId), true);
      await this.db.run('DELETE FROM embeddings WHERE name = $1 AND star_id IN (SELECT star_id FROM replaced)', [name]);
      await this.db.run('DROP TABLE replaced');
      await this.db.append('embeddings', rows.length, (a, i) => {
        a.appendVarchar(rows[i].starId);
        a.appendVarchar(name);
        a.appendInteger(dim);
        a.appendVarchar(refs[i].file);
        a.appendBigInt(BigInt(refs[i].offset));
        a.appendBigInt(BigInt(refs[i].length));
        a.appendNull(); // created_at, as the INSERT left it
      });
    });
  }

  /**
   * The ids of the stars with an embedding under `name`, sorted by id (the row order of the map's
   * embedding matrix), read as one column: what a cached map layout needs without the vectors.
   */
  async embeddingStarIds(name: string): Promise<string[]> {
    const reader = await this.reads.conn.runAndReadAll('SELECT star_id FROM embeddings WHERE name = $1 ORDER BY star_id', [name]);
    return (reader.getColumnsJS()[0] as string[] | undefined) ?? [];
  }

  /**
   * Every vector stored under `name` as one row-major Float32Array, rows ordered by star id (the
   * map's embedding matrix). The record positions come as columns of one query; the vectors are
   * read in runs of records that lie back to back in their array file, one read per run, straight
   * into place: one run in all when the vectors were written in star-id order. (A read per star
   * and a JS object per row took ~25 s at 10^6 stars.)
   * @throws Error naming the project when no vector has that name, or a record has another
   *   dimension or is truncated
   */
  async embeddingRows(name: string): Promise<{ starIds: string[]; dim: number; data: Float32Array }> {
    const reader = await this.reads.conn.runAndReadAll(
      'SELECT star_id, dim, array_file, array_offset, array_length FROM embeddings WHERE name = $1 ORDER BY star_id', [name]);
    const [starIds, dims, files, offsets, lengths] = reader.getColumnsJS() as [string[], number[], string[], bigint[], bigint[]];
    const n = starIds?.length ?? 0;
    if (n === 0) throw new Error(`${this.dir}: no embeddings named '${name}'`);
    const dim = dims[0];
    const recordBytes = dim * 4;
    const data = new Float32Array(n * dim);
    const bytes = new Uint8Array(data.buffer);
    const fds = new Map<string, number>();
    const fdOf = (file: string): number => {
      let fd = fds.get(file);
      if (fd === undefined) fds.set(file, (fd = fs.openSync(path.join(this.dir, ARRAYS_DIR, file), 'r')));
      return fd;
    };
    const MAX_RUN = 1 << 26; // 64 MB per read
    try {
      for (let start = 0; start < n; ) {
        let end = start;
        do {
          if (dims[end] !== dim || Number(lengths[end]) !== recordBytes) {
            throw new Error(`${this.dir}: embedding '${name}' of ${starIds[end]} has ${Number(lengths[end]) / 4} values, expected ${dim}`);
          }
          end++;
        } while (end < n && files[end] === files[start] && Number(offsets[end]) === Number(offsets[end - 1]) + recordBytes && (end - start) * recordBytes < MAX_RUN);
        const length = (end - start) * recordBytes;
        const got = fs.readSync(fdOf(files[start]), bytes, start * recordBytes, length, Number(offsets[start]));
        if (got !== length) throw new Error(`${this.dir}: embedding '${name}' of ${starIds[start + Math.floor(got / recordBytes)]} is truncated in ${files[start]}`);
        start = end;
      }
    } finally {
      for (const fd of fds.values()) fs.closeSync(fd);
    }
    return { starIds, dim, data };
  }

  /** The embedding vector of one star under `name`, exactly as stored; null when absent. */
  async getEmbedding(starId: string, name: string): Promise<Float32Array | null> {
    const row = await this.reads.one<Row>('SELECT * FROM embeddings WHERE star_id = $1 AND name = $2', [starId, name]);
    if (!row) return null;
    return this.arrays.get(row.array_file as string).read(EMBEDDING_LAYOUT, arrayRef(row)).vector as Float32Array;
  }

  /**
   * Sky positions of every star as columns (for the million-star map): ids, RA/Dec in degrees
   * (NaN where unknown) and 1/0 flags for having spectra and light curves, ordered by star id.
   */
  async starPositions(): Promise<{ starIds: string[]; ra: Float64Array; dec: Float64Array; hasSpectrum: Uint8Array; hasLightCurve: Uint8Array }> {
    const reader = await this.reads.conn.runAndReadAll(
      'SELECT star_id, coalesce(ra, \'NaN\'::DOUBLE) AS ra, coalesce(dec, \'NaN\'::DOUBLE) AS dec, n_spectra > 0 AS s, n_lightcurves > 0 AS l FROM stars ORDER BY star_id',
    );
    const [ids, ra, dec, s, l] = reader.getColumnsJS() as [string[], number[], number[], boolean[], boolean[]];
    return {
      starIds: ids ?? [], ra: Float64Array.from(ra ?? []), dec: Float64Array.from(dec ?? []),
      hasSpectrum: Uint8Array.from(s ?? [], Number), hasLightCurve: Uint8Array.from(l ?? [], Number),
    };
  }

  /**
   * One column of an imported catalogue joined to stars: every (star, value) pair of matched
   * rows, for labels in training and colouring the map. Numbers come as `value`, text as `text`.
   */
  async catalogColumn(catalogId: string, column: string): Promise<{ starId: string; row: number; value: number | null; text: string | null }[]> {
    const rows = await this.reads.all<{ star_id: string; row_index: number; num_value: number | null; str_value: string | null }>(
      `SELECT x.star_id, x.row_index, v.num_value, v.str_value
       FROM crossmatch x LEFT JOIN catalog_values v ON v.catalog_id = x.catalog_id AND v.row_index = x.row_index AND v.column_name = $2
       WHERE x.catalog_id = $1 ORDER BY x.star_id, x.row_index`,
      [catalogId, column],
    );
    return rows.map((r) => ({ starId: r.star_id, row: r.row_index, value: r.num_value, text: r.str_value }));
  }

  /**
   * Writes one store table as Parquet (for Python users and archiving).
   * @throws Error naming the table when it is not one of the store's tables
   */
  async exportParquet(table: string, file: string): Promise<void> {
    const tables = ['stars', 'spectra', 'lightcurves', 'files', 'catalogs', 'catalog_values', 'crossmatch', 'provenance', 'embeddings'];
    if (!tables.includes(table)) throw new Error(`exportParquet: '${table}' is not a store table (${tables.join(', ')})`);
    await this.reads.run(`COPY (SELECT * FROM ${table}) TO '${path.resolve(file).replace(/'/g, "''")}' (FORMAT parquet)`);
  }

  /** Imports a label table and crossmatches it to the stars (see catalogs.ts). */
  async importCatalog(file: string, opts: ImportCatalogOptions): Promise<CatalogInfo> {
    return importCatalog(this.db, file, opts);
  }

  /** Imported catalogues with their row and matched-row counts, oldest first. */
  async listCatalogs(): Promise<CatalogInfo[]> {
    const rows = await this.reads.all<Row>(`
      SELECT c.*, (SELECT count(DISTINCT row_index) FROM crossmatch x WHERE x.catalog_id = c.catalog_id) AS matched
      FROM catalogs c ORDER BY imported_at, catalog_id`);
    return rows.map((r) => ({
      catalogId: r.catalog_id as string, name: r.name as string, path: r.path as string,
      key: r.key as CatalogInfo['key'], column: r.key_column as string | null, rows: num(r.n_rows) ?? 0,
      columns: JSON.parse(r.columns as string) as string[], matchedRows: num(r.matched) ?? 0,
      importedAt: (r.imported_at as Date).toISOString(),
    }));
  }
}

type Row = Record<string, unknown>;

const SPECTRUM_COLUMNS = [
  'spectrum_id', 'obsid', 'raw_obsid', 'file', 'data_release', 'layout', 'designation', 'ra', 'dec', 'lmjd', 'plan_id', 'sp_id', 'fiber_id',
  'snr_u', 'snr_g', 'snr_r', 'snr_i', 'snr_z', 'z', 'z_err', 'helio_corr', 'class', 'subclass',
  'target_source', 'target_comment', 'target_from', 'kic', 'n_pixels', 'array_file', 'array_offset', 'array_length',
] as const;

const LIGHTCURVE_COLUMNS = [
  'file', 'survey', 'target_id', 'quarter', 'campaign', 'data_release', 'n_cadences', 'ra', 'dec', 'kepmag',
  'teff', 'logg', 'feh', 'radius', 'array_file', 'array_offset', 'array_length',
] as const;

function spectrumRow(id: string, s: Spectrum, file: string, ref: ArrayRef): DuckDBValue[] {
  const obsid = s.obsid !== null && /^[1-9]\d*$/.test(s.obsid) ? BigInt(s.obsid) : null;
  return [
    id, obsid, s.rawObsid ?? null, file, s.dataRelease, s.layout, s.designation, s.ra, s.dec, s.lmjd, s.planId, s.spId, s.fiberId,
    s.snr.u, s.snr.g, s.snr.r, s.snr.i, s.snr.z, s.z, s.zErr, s.heliocentricCorrection, s.objectClass, s.subclass,
    s.targetSource, s.targetComment, s.targetFrom, s.kic, s.flux.length, ref.file, ref.offset, ref.length,
  ];
}

function lightCurveRow(lc: LightCurve, file: string, ref: ArrayRef): DuckDBValue[] {
  return [
    file, lc.survey, lc.targetId, lc.quarter, lc.campaign, lc.dataRelease, lc.time.length, lc.ra, lc.dec, lc.kepmag,
    lc.teff, lc.logg, lc.feh, lc.radius, ref.file, ref.offset, ref.length,
  ];
}

function arrayRef(row: Row): ArrayRef {
  return { file: row.array_file as string, offset: num(row.array_offset) as number, length: num(row.array_length) as number };
}

/**
 * The store's id of a spectrum: its obsid when valid (positive), else the observation coordinates
 * `<lmjd>-<planId>-<spId>-<fiberId>` that name a LAMOST fibre spectrum uniquely (DR1/DR2 files have
 * no OBSID, DR3 some a bogus negative one), else the file name.
 */
export function spectrumId(s: Spectrum): string {
  if (s.obsid !== null && /^[1-9]\d*$/.test(s.obsid)) return s.obsid;
  if (s.lmjd !== null && s.planId && s.spId !== null && s.fiberId !== null) return `${s.lmjd}-${s.planId}-${s.spId}-${s.fiberId}`;
  return path.basename(s.sourcePath).replace(/\.fits?(\.gz)?$/i, '');
}
