/**
 * The map explorer's services (map.*, star.*, export.selection) on the open project.
 *
 * Everything is addressed in one order: the rows of an embedding's matrix, i.e. the stars that
 * have that embedding sorted by star id (src/main/map/matrix.ts). A layout's points, a column's
 * values, a selection's rows and a classifier's outputs all use it, so the GUI can pass row
 * numbers around instead of star ids.
 *
 * Matrices and ANN indexes are kept in memory per (project, embedding) and dropped when the
 * stored vectors change (a cheap signature query per request). Classifier outputs are written
 * to `<project>/map/columns/<name>.json` so they survive a restart and can be coloured by and
 * exported like any other column.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  ContractError, type MapClassifierSettings, type MapClassifyResult, type MapColumnInfo, type MapColumnValues, type MapEmbeddingInfo,
  type MapExportFormat, type MapLayout, type MapLayoutOptions, type MapNeighbour, type StarDetail,
} from '../../shared/contract';
import { throwIfCancelled } from '../jobs/cancel';
import type { JobRegistry, StartedJob } from '../jobs/registry';
import { AnnIndex } from '../map/ann';
import { centroidOf, loadEmbeddingMatrix, mapCacheDir, safeName, type EmbeddingMatrix } from '../map/matrix';
import { toSelection } from '../map/select';
import { layoutCacheFile, projectUmap } from '../map/umap';
import type { ProjectStore } from '../store/index';
import { resolveClassifierSettings } from '../map/classifiers/index';
import { classificationSteps, classifyInWorker, type PopulationClassification } from './map-classifier';
import type { ProjectSession } from './project-service';
import { readStarDetail, warmStarDetail } from './star-detail';
import { buildAnnIndexInWorker } from './ann-index-in-worker';
import { embeddingSignature, findLayoutByState, layoutStateKey, rememberLayoutFile } from './layout-by-state';

/** One embedding loaded for the map: its matrix, a star id → row lookup and (lazily) its ANN index. */
interface LoadedEmbedding {
  signature: string;
  matrix: EmbeddingMatrix;
  rowOf: Map<string, number>;
  index: AnnIndex | null;
  /** The last layout computed for it in this session (export adds its coordinates). */
  layout: { x: Float32Array; y: Float32Array } | null;
}

/** A classifier's output as saved in the project: values per star id. */
interface DerivedColumnFile {
  id: string;
  label: string;
  embedding: string;
  starIds: string[];
  kind: 'numeric' | 'categorical';
  values?: (number | null)[];
  categories?: string[];
  codes?: number[];
}

/** Star fields every project has, as map columns. */
const STAR_COLUMNS: MapColumnInfo[] = [
  { id: 'star:ra', label: 'RA', group: 'star', kind: 'numeric', unit: 'deg' },
  { id: 'star:dec', label: 'Dec', group: 'star', kind: 'numeric', unit: 'deg' },
  { id: 'star:modalities', label: 'data available', group: 'star', kind: 'categorical', unit: null },
  { id: 'star:n_spectra', label: 'number of spectra', group: 'star', kind: 'numeric', unit: null },
];

const FORMATS: MapExportFormat[] = ['fits', 'votable', 'ecsv', 'csv', 'parquet'];

/** Category codes for text values: categories in natural sort order, -1 for a missing value. */
export function encodeCategories(texts: (string | null)[]): { categories: string[]; codes: Int32Array } {
  const categories = [...new Set(texts.filter((t): t is string => t !== null))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const code = new Map(categories.map((c, i) => [c, i]));
  return { categories, codes: Int32Array.from(texts, (t) => (t === null ? -1 : (code.get(t) as number))) };
}

/** A column name every export format accepts (letters, digits, _; not starting with a digit). */
export function exportColumnName(label: string): string {
  const name = label.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'column';
  return /^[0-9]/.test(name) ? `c_${name}` : name;
}

/** How long the store stays open after the last map request. */
const STORE_IDLE_MS = 20_000;
/** Embeddings from this many stars get their similarity index built in a worker (below, the index is an exact scan: nothing to build). */
const INDEX_IN_WORKER_FROM = 10_000;

interface HeldStore {
  dir: string;
  store: Promise<ProjectStore>;
  users: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * The UMAP settings of a request, checked (the rest of the params are not UMAP's business).
 * @throws ContractError 'bad-request' naming the bad setting
 */
export function layoutOptions(p: MapLayoutOptions): MapLayoutOptions {
  const bad = (field: string, want: string): never => {
    throw new ContractError('bad-request', `map.layout: '${field}' must be ${want}, got ${JSON.stringify((p as Record<string, unknown>)[field])}`);
  };
  if (p.method !== undefined && !['auto', 'umap-js', 'fast'].includes(p.method)) bad('method', "'auto', 'umap-js' or 'fast'");
  for (const field of ['nNeighbors', 'nEpochs', 'seed'] as const) {
    const v = p[field];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < (field === 'seed' ? 0 : 1))) bad(field, field === 'seed' ? 'an integer ≥ 0' : 'a positive integer');
  }
  if (p.minDist !== undefined && (typeof p.minDist !== 'number' || !(p.minDist >= 0))) bad('minDist', 'a number ≥ 0');
  return { method: p.method, nNeighbors: p.nNeighbors, minDist: p.minDist, nEpochs: p.nEpochs, seed: p.seed };
}

export class MapService {
  private readonly loaded = new Map<string, LoadedEmbedding>();
  private held: HeldStore | null = null;
  /** (project, embedding) pairs whose first star click has been prepared (see prepareClicks). */
  private readonly prepared = new Set<string>();
  /** Layouts answered from the cache before their embedding was loaded (load() attaches them, for export). */
  private readonly layoutsBeforeLoad = new Map<string, { signature: string; x: Float32Array; y: Float32Array }>();
  /** (project, embedding) pairs whose similarity index prepareClicks is still preparing (searches scan meanwhile). */
  private readonly indexPending = new Set<string>();
  private closed = false;

  constructor(
    private readonly project: ProjectSession,
    private readonly jobs: JobRegistry,
  ) {}

  // ---------------------------------------------------------------- map.layout

  /** Starts the UMAP job of one embedding; its result is a MapLayout. */
  startLayout(embedding: string, given: MapLayoutOptions): StartedJob<MapLayout> {
    const dir = this.requireDir('map.layout');
    const options = layoutOptions(given);
    return this.jobs.start('map.layout', async (ctx) => {
      ctx.onProgress({ jobId: ctx.jobId, kind: ctx.kind, phase: `loading embedding '${embedding}'`, done: 0, total: null, unit: 'stars', rate: null, etaSeconds: null });
      // A layout cached for this very store state answers without loading the vectors (seconds at 10^6 stars).
      const known = await this.withStore(dir, async (store) => {
        const state = await embeddingSignature(store, embedding);
        if (!state) return null;
        const found = await findLayoutByState(store, dir, embedding, layoutStateKey(embedding, options, state.signature), state.rows);
        if (found) this.layoutsBeforeLoad.set(`${store.dir}\0${embedding}`, { signature: state.signature, x: found.x, y: found.y });
        return found;
      });
      if (known) {
        this.prepareClicks(dir, embedding);
        return known;
      }
      const loaded = await this.withStore(dir, (store) => this.load(store, embedding));
      const layout = await projectUmap(dir, loaded.matrix, options, {
        signal: ctx.signal,
        onProgress: (p) => ctx.onProgress({
          jobId: ctx.jobId, kind: ctx.kind, phase: `UMAP ${p.phase}`, done: p.done, total: p.total,
          unit: p.phase === 'layout' ? 'epochs' : 'points', rate: p.ratePerSecond, etaSeconds: p.etaSeconds,
        }),
      });
      loaded.layout = { x: layout.x, y: layout.y };
      rememberLayoutFile(dir, layoutStateKey(embedding, options, loaded.signature), layoutCacheFile(dir, loaded.matrix, options));
      this.prepareClicks(dir, embedding);
      return {
        embedding, starIds: loaded.matrix.starIds, x: layout.x, y: layout.y,
        method: layout.method, fitted: layout.fitted, seconds: layout.seconds, cached: layout.cached,
      };
    });
  }

  // ---------------------------------------------------------------- columns

  /** The project's embeddings and every column the map can show. */
  async columns(): Promise<{ embeddings: MapEmbeddingInfo[]; columns: MapColumnInfo[] }> {
    const dir = this.requireDir('map.columns');
    return this.withStore(dir, async (store) => {
      const embeddings = (await store.database.all<{ name: string; n: bigint; dim: number }>(
        'SELECT name, count(*) AS n, max(dim) AS dim FROM embeddings GROUP BY name ORDER BY name',
      )).map((r) => ({ name: r.name, stars: Number(r.n), dim: Number(r.dim) }));
      const catalogs = await store.listCatalogs();
      // Integer cells keep their exact text beside the number (ids above 2^53), so only text without
      // a number makes a column categorical: an integer teff is numeric.
      const stats = await store.database.all<{ catalog_id: string; column_name: string; texts: bigint }>(
        'SELECT catalog_id, column_name, count(str_value) FILTER (WHERE num_value IS NULL) AS texts FROM catalog_values GROUP BY catalog_id, column_name',
      );
      const kindOf = new Map(stats.map((s) => [`${s.catalog_id}\0${s.column_name}`, Number(s.texts) > 0 ? 'categorical' : 'numeric'] as const));
      const catalogColumns: MapColumnInfo[] = catalogs.flatMap((c) => c.columns
        .filter((column) => kindOf.has(`${c.catalogId}\0${column}`))
        .map((column) => ({
          id: `catalog:${c.catalogId}:${column}`, label: `${column} (${c.name})`, group: 'catalog' as const,
          kind: kindOf.get(`${c.catalogId}\0${column}`) as MapColumnInfo['kind'], unit: null,
        })));
      const embeddingColumns: MapColumnInfo[] = embeddings.map((e) => ({
        id: `embedding:${e.name}`, label: `has embedding ${e.name}`, group: 'embedding', kind: 'categorical', unit: null,
      }));
      const derived: MapColumnInfo[] = this.derivedFiles(dir).map((d) => ({ id: d.id, label: d.label, group: 'derived', kind: d.kind, unit: null }));
      return { embeddings, columns: [...STAR_COLUMNS, ...catalogColumns, ...embeddingColumns, ...derived] };
    });
  }

  /** One column's values in the row order of `embedding`. */
  async column(embedding: string, columnId: string): Promise<MapColumnValues> {
    const dir = this.requireDir('map.column');
    this.prepareClicks(dir, embedding);
    return this.withStore(dir, async (store) => {
      const { matrix } = await this.load(store, embedding);
      return this.columnValues(store, dir, matrix.starIds, columnId);
    });
  }

  private async columnValues(store: ProjectStore, dir: string, starIds: string[], columnId: string): Promise<MapColumnValues> {
    const numeric = (label: string, unit: string | null, byStar: Map<string, number>): MapColumnValues =>
      ({ id: columnId, label, unit, kind: 'numeric', values: Float64Array.from(starIds, (s) => byStar.get(s) ?? NaN) });
    const categorical = (label: string, byStar: Map<string, string>): MapColumnValues =>
      ({ id: columnId, label, unit: null, kind: 'categorical', ...encodeCategories(starIds.map((s) => byStar.get(s) ?? null)) });

    const [group, ...rest] = columnId.split(':');
    if (group === 'star') {
      const info = STAR_COLUMNS.find((c) => c.id === columnId);
      if (!info) throw new ContractError('bad-request', `map.column: no star column '${columnId}' (${STAR_COLUMNS.map((c) => c.id).join(', ')})`);
      const rows = await store.database.all<{ star_id: string; ra: number | null; dec: number | null; n_spectra: number; n_lightcurves: number }>(
        'SELECT star_id, ra, dec, n_spectra, n_lightcurves FROM stars',
      );
      if (rest[0] === 'modalities') {
        const label = (r: (typeof rows)[number]): string =>
          Number(r.n_spectra) > 0 && Number(r.n_lightcurves) > 0 ? 'spectrum + light curve' : Number(r.n_spectra) > 0 ? 'spectrum only' : 'light curve only';
        return categorical(info.label, new Map(rows.map((r) => [r.star_id, label(r)])));
      }
      const field = rest[0] as 'ra' | 'dec' | 'n_spectra';
      return numeric(info.label, info.unit, new Map(rows.filter((r) => r[field] !== null).map((r) => [r.star_id, Number(r[field])])));
    }
    if (group === 'catalog') {
      const [catalogId, ...columnParts] = rest;
      const column = columnParts.join(':');
      const catalog = (await store.listCatalogs()).find((c) => c.catalogId === catalogId);
      if (!catalog || !catalog.columns.includes(column)) throw new ContractError('bad-request', `map.column: no catalogue column '${columnId}'`);
      const values = await store.catalogColumn(catalogId, column);
      const label = `${column} (${catalog.name})`;
      // A star matched to several rows takes the first row's value.
      if (values.some((v) => v.text !== null && v.value === null)) {
        const byStar = new Map<string, string>();
        for (const v of values) if (!byStar.has(v.starId) && (v.text ?? v.value) !== null) byStar.set(v.starId, v.text ?? String(v.value));
        return categorical(label, byStar);
      }
      const byStar = new Map<string, number>();
      for (const v of values) if (!byStar.has(v.starId) && v.value !== null) byStar.set(v.starId, v.value);
      return numeric(label, null, byStar);
    }
    if (group === 'embedding') {
      const name = rest.join(':');
      const have = new Set((await store.database.all<{ star_id: string }>('SELECT star_id FROM embeddings WHERE name = $1', [name])).map((r) => r.star_id));
      return categorical(`has embedding ${name}`, new Map(starIds.map((s) => [s, have.has(s) ? 'yes' : 'no'])));
    }
    if (group === 'derived') {
      const file = this.derivedFiles(dir).find((d) => d.id === columnId);
      if (!file) throw new ContractError('bad-request', `map.column: no derived column '${columnId}' (run map.classify first)`);
      const at = new Map(file.starIds.map((s, i) => [s, i]));
      if (file.kind === 'numeric') {
        const values = file.values ?? [];
        return { id: columnId, label: file.label, unit: null, kind: 'numeric', values: Float64Array.from(starIds, (s) => values[at.get(s) ?? -1] ?? NaN) };
      }
      const codes = file.codes ?? [];
      return { id: columnId, label: file.label, unit: null, kind: 'categorical', categories: file.categories ?? [], codes: Int32Array.from(starIds, (s) => codes[at.get(s) ?? -1] ?? -1) };
    }
    throw new ContractError('bad-request', `map.column: '${columnId}' is not a column id (star:…, catalog:…, embedding:…, derived:…)`);
  }

  // ---------------------------------------------------------------- similarity

  /**
   * The k nearest stars of one star, or of the centroid of `rows` (whose members are left out).
   * @throws ContractError when neither or both are given, or a row is out of range
   */
  async similar(embedding: string, query: { starId?: string; rows?: number[] }, k = 10): Promise<MapNeighbour[]> {
    const dir = this.requireDir('map.similar');
    return this.withStore(dir, async (store) => {
      const loaded = await this.load(store, embedding);
      const index = this.readyIndex(dir, loaded);
      const { matrix } = loaded;
      if ((query.starId === undefined) === (query.rows === undefined)) {
        throw new ContractError('bad-request', 'map.similar: give either starId or rows (a selection)');
      }
      if (query.starId !== undefined) {
        const row = this.rowOfStar(loaded, query.starId, 'map.similar');
        return this.named(matrix, index.searchRow(row, k));
      }
      const rows = this.checkRows(matrix, query.rows as number[], 'map.similar');
      if (rows.length === 0) throw new ContractError('bad-request', 'map.similar: the selection is empty');
      const members = new Set(rows);
      const found = index.search(centroidOf(matrix, rows), k + rows.length).filter((nb) => !members.has(nb.row));
      return this.named(matrix, found.slice(0, k));
    });
  }

  /**
   * Off the request path, once the map shows `embedding`: loads its matrix and ANN index and runs
   * one star's detail (warmStarDetail), so the first click costs what the others do instead of
   * also paying for the index, the compiler and the FFT plans. Once per (project, embedding);
   * a failure is forgotten (the click reports it).
   */
  private prepareClicks(dir: string, embedding: string): void {
    const key = `${dir}\0${embedding}`;
    if (this.prepared.has(key) || typeof embedding !== 'string' || embedding === '') return;
    this.prepared.add(key);
    this.indexPending.add(key);
    const timer = setTimeout(() => {
      if (this.closed) return;
      this.withStore(dir, async (store) => {
        const loaded = await this.load(store, embedding);
        // Building the HNSW graph takes minutes at 10^6 stars: in a worker, so the server keeps
        // answering (map.column, …) meanwhile; indexOf then loads the saved index in milliseconds.
        try {
          if (!loaded.index && loaded.matrix.starIds.length >= INDEX_IN_WORKER_FROM) await buildAnnIndexInWorker(dir, loaded.matrix);
          this.indexOf(dir, loaded);
        } finally {
          this.indexPending.delete(key);
        }
        await warmStarDetail(store);
      }).catch(() => {
        this.prepared.delete(key);
        this.indexPending.delete(key);
      });
    }, 0);
    timer.unref?.();
  }

  /** The detail panel of one star, with its neighbours by `embedding` when the star has it. */
  async starDetail(starId: string, embedding: string | undefined, k = 10): Promise<StarDetail> {
    const dir = this.requireDir('star.detail');
    return this.withStore(dir, async (store) => {
      // The embedding (cached after the first click) loads while the star's data is read.
      const [detail, loaded] = await Promise.all([readStarDetail(store, starId), embedding ? this.load(store, embedding) : null]);
      if (loaded) {
        const row = loaded.rowOf.get(starId);
        if (row === undefined) detail.notes.push(`star ${starId} has no embedding '${embedding}', so no neighbours`);
        else detail.neighbours = this.named(loaded.matrix, this.readyIndex(dir, loaded).searchRow(row, k));
      }
      return detail;
    });
  }

  // ---------------------------------------------------------------- classification

  /**
   * Starts the job that trains a classifier (`classifier`, default logistic regression with penalty
   * `l2`) on labelled selections (rows of `embedding`), reports k-fold accuracy, scores every star
   * and saves the predicted class and per-class probabilities as derived columns; the job's result
   * is a MapClassifyResult. Stars labelled twice are dropped from training. The request itself
   * only checks the input (bad input fails it at once); the fitting runs in a worker thread
   * (classifyInWorker) with progress per fold, final fit and scoring block, and a cancelled or failed
   * job writes no column.
   * @throws ContractError 'bad-request' naming the problem (too few classes or stars, bad settings, bad rows)
   */
  async startClassify(embedding: string, name: string, classes: { label: string; rows: number[] }[], folds = 5, l2 = 1e-2, classifier?: MapClassifierSettings): Promise<StartedJob<MapClassifyResult>> {
    const m = 'map.classify';
    const dir = this.requireDir(m);
    if (!Array.isArray(classes) || classes.length < 2) throw new ContractError('bad-request', `${m}: label at least two selections`);
    const labels = classes.map((c, i) => (typeof c?.label === 'string' && c.label.trim() ? c.label.trim() : `class ${i + 1}`));
    if (typeof l2 !== 'number' || !(l2 > 0) || !Number.isFinite(l2)) throw new ContractError('bad-request', `${m}: 'l2' must be a positive number, got ${JSON.stringify(l2)}`);
    const settings = classifier ?? { kind: 'logistic', l2 };
    try {
      resolveClassifierSettings(settings);
    } catch (err) {
      throw new ContractError('bad-request', `${m}: ${(err as Error).message}`);
    }
    if (new Set(labels).size !== labels.length) throw new ContractError('bad-request', `${m}: class labels must differ (${labels.join(', ')})`);
    const { matrix, storeDir } = await this.withStore(dir, async (store) => ({ matrix: (await this.load(store, embedding)).matrix, storeDir: store.dir }));
    const labelOf = new Map<number, number>();
    const twice = new Set<number>();
    classes.forEach((c, k) => {
      for (const r of this.checkRows(matrix, c.rows, m)) {
        if (labelOf.has(r) && labelOf.get(r) !== k) twice.add(r);
        labelOf.set(r, k);
      }
    });
    for (const r of twice) labelOf.delete(r);
    const rows = [...labelOf.keys()].sort((a, b) => a - b);
    const y = rows.map((r) => labelOf.get(r) as number);
    const counts = labels.map((_, k) => y.filter((v) => v === k).length);
    const smallest = Math.min(...counts);
    if (smallest < 2) {
      throw new ContractError('bad-request', `${m}: class '${labels[counts.indexOf(smallest)]}' has ${smallest} star(s) (after dropping ${twice.size} labelled twice); select at least 2`);
    }
    const k = Math.max(2, Math.min(folds, smallest));
    const stars = matrix.starIds.length;
    return this.jobs.start(m, async (ctx) => {
      const tracker = ctx.tracker({ unit: 'steps', phase: `cross-validation (${k} folds)`, total: classificationSteps(k, stars) });
      tracker.flush();
      let result: PopulationClassification;
      try {
        result = await classifyInWorker(
          { data: matrix.data, dim: matrix.dim, stars, rows, labels: y, classes: labels.length, folds: k, settings },
          {
            signal: ctx.signal,
            onProgress: (p) => {
              if (p.phase !== tracker.snapshot().phase) tracker.setPhase(p.phase, { done: p.done });
              tracker.update(p.done, p.message);
            },
          },
        );
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw new ContractError('bad-request', `${m}: ${storeDir}: embedding '${embedding}': ${(err as Error).message}`);
      }
      tracker.flush();
      // A cancel that arrives while the result crosses back still writes nothing.
      throwIfCancelled(ctx.signal);
      const { cv, probabilities: probs, predicted } = result;
      const all = Uint32Array.from(matrix.starIds, (_, i) => i);
      const base = `derived:${safeName(name)}`;
      const files: DerivedColumnFile[] = [
        { id: base, label: `${name}: predicted class`, embedding, starIds: matrix.starIds, kind: 'categorical', categories: labels, codes: Array.from(predicted) },
        ...labels.map((label, c): DerivedColumnFile => ({
          id: `${base}:p_${safeName(label)}`, label: `${name}: P(${label})`, embedding, starIds: matrix.starIds, kind: 'numeric',
          values: Array.from(all, (i) => probs[i * labels.length + c]),
        })),
      ];
      this.saveDerived(dir, files);
      return { name, classifier: result.settings, labels, accuracy: cv.accuracy, foldAccuracies: cv.foldAccuracies, confusion: cv.confusion, counts, columns: files.map((f) => f.id) };
    });
  }

  // ---------------------------------------------------------------- export

  /**
   * Writes rows of `embedding` (default all, in row order) with star_id, KIC (int64, −1 when none),
   * RA/Dec, the session's UMAP coordinates and the chosen columns, through src/main/export.
   */
  async exportSelection(p: { embedding: string; path: string; format?: MapExportFormat; rows?: number[]; columns?: string[]; name?: string }): Promise<{ path: string; format: MapExportFormat; rows: number; columns: string[] }> {
    const m = 'export.selection';
    const dir = this.requireDir(m);
    const { exportTable, formatOfFile, takeRows } = await import('../export/index');
    const file = path.resolve(p.path);
    const format = p.format ?? formatOfFile(file);
    if (!format || !FORMATS.includes(format)) throw new ContractError('bad-request', `${m}: ${file}: choose a format (${FORMATS.join(', ')}) or a file name ending in one`);
    if (!fs.existsSync(path.dirname(file))) throw new ContractError('not-found', `${m}: ${path.dirname(file)}: no such directory`);
    return this.withStore(dir, async (store) => {
      const loaded = await this.load(store, p.embedding);
      const { starIds } = loaded.matrix;
      const rows = p.rows === undefined ? Uint32Array.from(starIds, (_, i) => i) : toSelection(this.checkRows(loaded.matrix, p.rows, m));
      const stars = new Map((await store.database.all<{ star_id: string; kic: number | null; ra: number | null; dec: number | null }>(
        'SELECT star_id, kic, ra, dec FROM stars',
      )).map((r) => [r.star_id, r]));
      type Column = import('../export/index').ExportColumn;
      const columns: Column[] = [
        { kind: 'string', name: 'star_id', values: starIds.slice(), ucd: 'meta.id;meta.main', description: 'DESA project star id' },
        { kind: 'int64', name: 'kic', values: BigInt64Array.from(starIds, (s) => BigInt(stars.get(s)?.kic ?? -1)), description: 'Kepler Input Catalog id (-1 when none)' },
        { kind: 'float64', name: 'ra', unit: 'deg', values: Float64Array.from(starIds, (s) => stars.get(s)?.ra ?? NaN) },
        { kind: 'float64', name: 'dec', unit: 'deg', values: Float64Array.from(starIds, (s) => stars.get(s)?.dec ?? NaN) },
      ];
      if (loaded.layout) {
        columns.push({ kind: 'float32', name: 'umap_x', values: loaded.layout.x, description: `UMAP of embedding ${p.embedding}` });
        columns.push({ kind: 'float32', name: 'umap_y', values: loaded.layout.y, description: `UMAP of embedding ${p.embedding}` });
      }
      if (p.columns !== undefined && !(Array.isArray(p.columns) && p.columns.every((c) => typeof c === 'string'))) {
        throw new ContractError('bad-request', `${m}: 'columns' must be an array of column ids (see map.columns)`);
      }
      const used = new Set(columns.map((c) => c.name.toLowerCase()));
      for (const id of p.columns ?? []) {
        const values = await this.columnValues(store, dir, starIds, id);
        let name = exportColumnName(values.label.replace(/ \(.*\)$/, ''));
        for (let i = 2; used.has(name.toLowerCase()); i++) name = `${exportColumnName(values.label)}_${i}`;
        used.add(name.toLowerCase());
        columns.push(values.kind === 'numeric'
          ? { kind: 'float64', name, values: values.values, description: values.label, ...(values.unit ? { unit: values.unit } : {}) }
          : { kind: 'string', name, values: Array.from(values.codes, (c) => (c < 0 ? '' : values.categories[c])), description: values.label });
      }
      const table = takeRows({ name: exportColumnName(p.name ?? 'selection'), columns }, rows);
      await exportTable(table, file, format);
      return { path: file, format, rows: rows.length, columns: table.columns.map((c) => c.name) };
    });
  }

  // ---------------------------------------------------------------- helpers

  /** Closes the project store held open between requests (the host is shutting down). */
  async close(): Promise<void> {
    this.closed = true;
    const held = this.held;
    this.held = null;
    if (!held) return;
    if (held.timer) clearTimeout(held.timer);
    await held.store.then((s) => s.close(), () => undefined);
  }

  private requireDir(method: string): string {
    const dir = this.project.dir;
    if (!dir) throw new ContractError('no-project', `${method}: no project is open (open or create one first)`);
    return dir;
  }

  /**
   * Runs `f` on the project's store, kept open between requests (opening DuckDB costs a few
   * hundred ms, too slow for a click) and closed after `STORE_IDLE_MS` without use.
   */
  private async withStore<T>(dir: string, f: (store: ProjectStore) => Promise<T>): Promise<T> {
    if (!this.held || this.held.dir !== dir) {
      const previous = this.held;
      this.held = { dir, store: import('../store/index').then(({ ProjectStore }) => ProjectStore.open(dir)), users: 0, timer: null };
      if (previous) this.closeWhenIdle(previous, 0);
    }
    const held = this.held;
    held.users++;
    if (held.timer) clearTimeout(held.timer);
    try {
      return await f(await held.store);
    } catch (err) {
      if (this.held === held && (await held.store.then(() => false, () => true))) this.held = null; // a failed open is retried next time
      throw err;
    } finally {
      held.users--;
      this.closeWhenIdle(held, held === this.held ? STORE_IDLE_MS : 0);
    }
  }

  private closeWhenIdle(held: HeldStore, afterMs: number): void {
    if (held.users > 0) return;
    if (held.timer) clearTimeout(held.timer);
    held.timer = setTimeout(() => {
      if (held.users > 0) return;
      if (this.held === held) this.held = null;
      void held.store.then((s) => s.close(), () => undefined);
    }, afterMs);
    held.timer.unref?.();
  }

  /** The matrix of `name`, from memory unless the stored vectors changed. */
  private async load(store: ProjectStore, name: string): Promise<LoadedEmbedding> {
    if (typeof name !== 'string' || name === '') throw new ContractError('bad-request', "'embedding' must be an embedding name such as 'f'");
    const state = await embeddingSignature(store, name);
    if (!state) {
      const names = (await store.database.all<{ name: string }>('SELECT DISTINCT name FROM embeddings ORDER BY name')).map((r) => r.name);
      throw new ContractError('not-found', `${store.dir}: no embedding named '${name}' (${names.length ? `the project has ${names.join(', ')}` : 'train and embed first'})`);
    }
    const { signature } = state;
    const key = `${store.dir}\0${name}`;
    const held = this.loaded.get(key);
    if (held && held.signature === signature) return held;
    const matrix = await loadEmbeddingMatrix(store, name);
    const early = this.layoutsBeforeLoad.get(key);
    this.layoutsBeforeLoad.delete(key);
    const layout = early?.signature === signature ? { x: early.x, y: early.y } : null;
    const loaded: LoadedEmbedding = { signature, matrix, rowOf: new Map(matrix.starIds.map((s, i) => [s, i])), index: null, layout };
    this.loaded.set(key, loaded);
    return loaded;
  }

  /**
   * The index a search uses now. While prepareClicks' worker still builds the HNSW graph (minutes
   * at 10^6 stars), an exact scan of the matrix (~0.1 s a query at 10^6 × 64), so a click never
   * waits for the build; afterwards the saved index (or, if the worker failed, one built here).
   */
  private readyIndex(dir: string, loaded: LoadedEmbedding): AnnIndex {
    if (!loaded.index && this.indexPending.has(`${dir}\0${loaded.matrix.name}`)) return AnnIndex.build(loaded.matrix, { exactBelow: Infinity });
    return this.indexOf(dir, loaded);
  }

  private indexOf(dir: string, loaded: LoadedEmbedding): AnnIndex {
    loaded.index ??= AnnIndex.loadOrBuild(dir, loaded.matrix);
    return loaded.index;
  }

  private rowOfStar(loaded: LoadedEmbedding, starId: string, method: string): number {
    const row = loaded.rowOf.get(starId);
    if (row === undefined) throw new ContractError('not-found', `${method}: star '${starId}' has no embedding '${loaded.matrix.name}'`);
    return row;
  }

  private checkRows(matrix: EmbeddingMatrix, rows: unknown, method: string): number[] {
    const n = matrix.starIds.length;
    if (!Array.isArray(rows) || !rows.every((r) => Number.isInteger(r) && r >= 0 && r < n)) {
      throw new ContractError('bad-request', `${method}: rows must be integers in 0..${n - 1} (rows of the '${matrix.name}' layout)`);
    }
    return rows as number[];
  }

  private named(matrix: EmbeddingMatrix, found: { row: number; distance: number }[]): MapNeighbour[] {
    return found.map((nb) => ({ starId: matrix.starIds[nb.row], row: nb.row, distance: nb.distance }));
  }

  private derivedDir(dir: string): string {
    return path.join(mapCacheDir(dir), 'columns');
  }

  private derivedFiles(dir: string): DerivedColumnFile[] {
    const folder = this.derivedDir(dir);
    if (!fs.existsSync(folder)) return [];
    return fs.readdirSync(folder).filter((f) => f.endsWith('.json')).sort().flatMap((f) => {
      try {
        return [JSON.parse(fs.readFileSync(path.join(folder, f), 'utf8')) as DerivedColumnFile];
      } catch {
        return []; // a damaged file is skipped, not fatal for the whole column list
      }
    });
  }

  private saveDerived(dir: string, files: DerivedColumnFile[]): void {
    const folder = this.derivedDir(dir);
    fs.mkdirSync(folder, { recursive: true });
    for (const f of files) {
      const target = path.join(folder, `${safeName(f.id.replace(/^derived:/, ''))}.json`);
      fs.writeFileSync(`${target}.tmp`, JSON.stringify(f));
      fs.renameSync(`${target}.tmp`, target);
    }
  }
}
