/**
 * The Map screen's state: the embedding and its layout, the colouring column, the current
 * selection and named subsets, the clicked star's detail, similar stars and classifier results.
 * Every per-point array is in the layout's row order (stars sorted by id), as the services use.
 *
 * The state is the project's session (src/shared/session.ts): `attach` restores it when a project
 * is opened (the layout from the project's cache, then subsets, selection, colouring and view), and
 * every change is saved back to the project folder after a short pause (`saveSession` at once).
 */
import type { JobDoneEvent, MapClassifierSettings, MapClassifyResult, MapColumnInfo, MapEmbeddingInfo, MapExportFormat, MapNeighbour, StarDetail, Jsonified, Result } from '../../../shared/contract';
import type { JobProgress } from '../../../shared/jobs';
import { intersection, NamedSubsets, selectByCategory, selectByRange, type SubsetOperation } from '../../../main/map/select';
import type { DesaClient } from '../../client/index';
import type { ColumnData } from '../../map/colour';
import { emptyMapSession, type ColourScale, type MapSession, type SavedSession, type SavedView } from '../../../shared/session';

/** How long the map waits after the last change before saving the session. */
const AUTOSAVE_MS = 500;
const LINEAR: ColourScale = { kind: 'linear', range: null };

/** What a drag on the map does: pan the view, draw a lasso or draw a rectangle. */
export type Tool = 'pan' | 'lasso' | 'rect';

export interface Layout {
  embedding: string;
  starIds: string[];
  x: Float32Array;
  y: Float32Array;
  method: string;
  seconds: number;
  cached: boolean;
}

/** A `map.column` reply as the map's column data (its arrays arrive typed; kept without a copy). */
export function toColumnData(c: Result<'map.column'>): ColumnData {
  return c.kind === 'numeric'
    ? { kind: 'numeric', label: c.label, unit: c.unit, values: c.values }
    : { kind: 'categorical', label: c.label, unit: c.unit, categories: c.categories, codes: c.codes };
}

export class MapState {
  embeddings = $state<MapEmbeddingInfo[]>([]);
  columns = $state<MapColumnInfo[]>([]);
  #embedding = $state<string>('');
  layout = $state.raw<Layout | null>(null);
  layoutJob = $state<string | null>(null);
  progress = $state<JobProgress | null>(null);
  colourBy = $state<string>('');
  colour = $state.raw<ColumnData | null>(null);
  /** How numeric colours map to the colour bar (linear or log; automatic or fixed limits). */
  scale = $state.raw<ColourScale>(LINEAR);
  /** The map's current view (kept across screen switches and saved with the session). */
  view = $state.raw<SavedView | null>(null);
  /** Selected rows, sorted; null when nothing is selected. */
  selection = $state.raw<Uint32Array | null>(null);
  subsets = new NamedSubsets();
  subsetList = $state<{ name: string; size: number }[]>([]);
  clickedRow = $state<number | null>(null);
  detail = $state.raw<Jsonified<StarDetail> | null>(null);
  detailMs = $state<number | null>(null);
  similar = $state.raw<MapNeighbour[]>([]);
  classification = $state.raw<MapClassifyResult | null>(null);
  /** The running `map.classify` job and its last progress (the panel shows a bar with Cancel). */
  classifyJob = $state<string | null>(null);
  classifyProgress = $state<JobProgress | null>(null);
  lastExport = $state<string | null>(null);
  error = $state<string | null>(null);
  busy = $state<string | null>(null);
  /** The session's save state for the toolbar ('saved 12:03:04', 'saving…', 'unsaved changes'). */
  sessionStatus = $state<string | null>(null);
  /** What could not be restored from the saved session (e.g. stars no longer in the map). */
  sessionNote = $state<string | null>(null);

  /** The open project this state belongs to, and which opening of it (see ProjectState.opened). */
  private projectDir: string | null = null;
  private opening = -1;
  /** The saved session while it is being restored (changes are not saved meanwhile). */
  private restoring: MapSession | null = null;
  /** A saved session whose map could not be shown: its star sets are kept in later saves. */
  private unrestored: MapSession | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private saving: Promise<void> = Promise.resolve();
  private readonly earlyDone = new Map<string, JobDoneEvent>();
  /** Classification jobs that ended before map.classify's answer named them, and the one being waited for. */
  private readonly classifyEarlyDone = new Map<string, JobDoneEvent>();
  private classifyWaiter: ((e: JobDoneEvent) => void) | null = null;

  /** The embedding chosen in the picker (a change is saved with the session). */
  get embedding(): string {
    return this.#embedding;
  }
  set embedding(name: string) {
    if (name === this.#embedding) return;
    this.#embedding = name;
    this.touch();
  }

  constructor(private readonly client: DesaClient) {
    client.on('job.progress', (p) => {
      if (p.jobId === this.layoutJob) this.progress = p;
      else if (p.jobId === this.classifyJob) this.classifyProgress = p;
    });
    client.on('job.done', (e) => {
      if (e.jobId === this.layoutJob) this.layoutDone(e);
      // A cached layout can finish before map.layout's answer names its job.
      else if (e.kind === 'map.layout') this.earlyDone.set(e.jobId, e);
      if (e.jobId === this.classifyJob && this.classifyWaiter) this.classifyWaiter(e);
      else if (e.kind === 'map.classify') this.classifyEarlyDone.set(e.jobId, e);
    });
  }

  /** Starts the UMAP job of `embedding` (done events that beat the reply are picked up here). */
  private async startLayout(embedding: string): Promise<void> {
    const { jobId } = await this.client.call('map.layout', { embedding });
    this.layoutJob = jobId;
    const early = this.earlyDone.get(jobId);
    this.earlyDone.clear();
    if (early) this.layoutDone(early);
  }

  /** A layout job ended: show its map (restoring a session's star sets and view when one waits). */
  private layoutDone(e: JobDoneEvent): void {
    this.layoutJob = null;
    this.progress = null;
    if (e.state !== 'done') {
      this.error = e.state === 'cancelled' ? null : `UMAP failed: ${e.error ?? 'unknown error'}`;
      if (this.restoring) this.giveUpRestore(this.restoring, `its map was ${e.state === 'cancelled' ? 'cancelled' : 'not recomputed'}`);
      return;
    }
    // The layout's x and y arrive as Float32Arrays (IPC clones them, the server frames them).
    const r = e.result as Layout;
    if (this.layout?.embedding !== r.embedding) {
      this.subsets = new NamedSubsets();
      this.subsetList = [];
    }
    this.selection = null;
    this.similar = [];
    this.clickedRow = null;
    this.detail = null;
    // A new layout is fitted into view; a restored one shows the saved view.
    this.view = this.restoring?.layout === r.embedding ? this.restoring.view : null;
    this.layout = {
      embedding: r.embedding, starIds: r.starIds, method: r.method, seconds: r.seconds, cached: r.cached, x: r.x, y: r.y,
    };
    const restored = this.restoring !== null;
    if (this.restoring) this.restoreStarSets(this.restoring);
    this.restoring = null;
    if (this.colourBy) void this.setColourBy(this.colourBy);
    if (!restored) this.touch();
  }

  // ---------------------------------------------------------------- session

  /**
   * Makes this the map of the project opened as `opening` (ProjectState counts openings) and
   * restores `session` into it: the embedding, the colouring and, when the saved map was on show,
   * its layout (from the project's cache) with its subsets, selection, classifier result and view.
   * Changes still waiting to be saved for the previous project are saved first.
   */
  async attach(projectDir: string, opening: number, session: SavedSession | null): Promise<void> {
    if (opening === this.opening) return;
    this.opening = opening;
    await this.flushSession();
    this.reset();
    this.projectDir = projectDir;
    const saved = session?.map ?? null;
    this.restoring = saved;
    await this.init();
    if (!saved || opening !== this.opening) return;
    const names = new Set(this.embeddings.map((e) => e.name));
    if (saved.embedding && names.has(saved.embedding)) this.#embedding = saved.embedding;
    this.colourBy = saved.colour?.column ?? '';
    this.scale = saved.colour?.scale ?? LINEAR;
    this.classification = saved.classification;
    if (saved.layout && names.has(saved.layout)) {
      let started = false;
      await this.run(null, async () => {
        await this.startLayout(saved.layout!);
        started = true;
      });
      if (!started) this.giveUpRestore(saved, `the saved map of embedding '${saved.layout}' could not be recomputed`);
    } else {
      this.giveUpRestore(saved, saved.layout ? `the project has no embedding '${saved.layout}' any more` : null);
    }
  }

  /** Saves the session now (the toolbar's "Save session"). */
  async saveSession(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    const dir = this.projectDir;
    if (!dir || this.restoring) return;
    const session = this.sessionSnapshot();
    this.sessionStatus = 'saving…';
    this.saving = this.saving.then(async () => {
      try {
        const saved = await this.client.call('session.save', { projectDir: dir, session });
        if (dir === this.projectDir) this.sessionStatus = `saved ${new Date(saved.savedAt).toLocaleTimeString('en-GB')}`;
      } catch (err) {
        if (dir === this.projectDir) this.sessionStatus = `not saved: ${err instanceof Error ? err.message : String(err)}`;
      }
    });
    await this.saving;
  }

  /** Saves a change still waiting for its autosave (before another project is opened). */
  readonly flushSession = async (): Promise<void> => {
    if (this.saveTimer) await this.saveSession();
    await this.saving;
  };

  /** The session as it would be saved now. */
  sessionSnapshot(): MapSession {
    const layout = this.layout;
    const base = this.unrestored ?? emptyMapSession();
    const ids = (rows: Uint32Array): string[] => Array.from(rows, (r) => layout!.starIds[r]);
    return {
      embedding: this.embedding || null,
      layout: layout?.embedding ?? base.layout,
      colour: this.colourBy ? { column: this.colourBy, scale: this.scale } : null,
      view: layout ? this.view : base.view,
      subsets: layout ? this.subsets.list().map((s) => ({ name: s.name, starIds: ids(this.subsets.get(s.name)) })) : base.subsets,
      selection: layout ? (this.selection ? ids(this.selection) : null) : base.selection,
      classification: this.classification,
    };
  }

  /** The pan / zoom of the map changed. */
  setView(view: SavedView): void {
    const v = this.view;
    if (v && v.zoom === view.zoom && v.target[0] === view.target[0] && v.target[1] === view.target[1]) return;
    this.view = view;
    this.touch();
  }

  /** Numeric colouring: linear or log, automatic (2nd–98th percentile) or fixed limits. */
  setScale(scale: ColourScale): void {
    this.scale = scale;
    this.touch();
  }

  /** Schedules an autosave of the session (nothing is saved while one is being restored). */
  private touch(): void {
    if (!this.projectDir || this.restoring) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.sessionStatus = 'unsaved changes';
    this.saveTimer = setTimeout(() => void this.saveSession(), AUTOSAVE_MS);
  }

  /** Subsets and selection of a saved session in this layout's rows; stars no longer in it are reported. */
  private restoreStarSets(saved: MapSession): void {
    const layout = this.layout!;
    const rowOf = new Map(layout.starIds.map((s, i) => [s, i]));
    const missing: string[] = [];
    const rows = (label: string, starIds: string[]): number[] => {
      const found = starIds.flatMap((s) => (rowOf.has(s) ? [rowOf.get(s)!] : []));
      if (found.length < starIds.length) missing.push(`${label}: ${starIds.length - found.length} of ${starIds.length} stars`);
      return found;
    };
    for (const s of saved.subsets) this.subsets.set(s.name, rows(`subset '${s.name}'`, s.starIds));
    this.subsetList = this.subsets.list();
    if (saved.selection) this.setSelection(Uint32Array.from(rows('selection', saved.selection)).sort());
    this.unrestored = null;
    if (missing.length) this.sessionNote = `Not in the map any more (dropped): ${missing.join('; ')}.`;
  }

  private giveUpRestore(saved: MapSession, why: string | null): void {
    this.restoring = null;
    if (!why) return;
    this.unrestored = saved;
    this.sessionNote = `The saved map was not restored: ${why}; its subsets are kept in the session file.`;
  }

  private reset(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    this.projectDir = null;
    this.restoring = null;
    this.unrestored = null;
    this.embeddings = [];
    this.columns = [];
    this.#embedding = '';
    this.layout = null;
    this.layoutJob = null;
    this.progress = null;
    this.colourBy = '';
    this.colour = null;
    this.scale = LINEAR;
    this.view = null;
    this.selection = null;
    this.subsets = new NamedSubsets();
    this.subsetList = [];
    this.clickedRow = null;
    this.detail = null;
    this.similar = [];
    this.classification = null;
    this.lastExport = null;
    this.error = null;
    this.sessionStatus = null;
    this.sessionNote = null;
  }

  /** Loads the project's embeddings and columns; picks 'f' (or the first) embedding. */
  async init(): Promise<void> {
    await this.run('loading columns', async () => {
      const r = await this.client.call('map.columns', {});
      this.embeddings = r.embeddings;
      this.columns = r.columns;
      if (!this.#embedding && r.embeddings.length) this.#embedding = (r.embeddings.find((e) => e.name === 'f') ?? r.embeddings[0]).name;
    });
  }

  /** Starts (or reads from the project's cache) the UMAP of the chosen embedding. */
  async computeLayout(): Promise<void> {
    await this.run(null, () => this.startLayout(this.embedding));
  }

  async cancelLayout(): Promise<void> {
    if (this.layoutJob) await this.client.call('jobs.cancel', { jobId: this.layoutJob });
  }

  async setColourBy(id: string): Promise<void> {
    if (id !== this.colourBy) this.touch();
    this.colourBy = id;
    if (!id || !this.layout) {
      this.colour = null;
      return;
    }
    await this.run('loading column', async () => {
      this.colour = await this.columnData(id);
    });
  }

  /** Any column in the layout's row order. */
  async columnData(id: string): Promise<ColumnData> {
    if (!this.layout) throw new Error('compute the map first');
    return toColumnData(await this.client.call('map.column', { embedding: this.layout.embedding, column: id }));
  }

  setSelection(rows: Uint32Array | null): void {
    this.selection = rows && rows.length ? rows : rows ? new Uint32Array(0) : null;
    this.touch();
  }

  clearSelection(): void {
    this.setSelection(null);
  }

  saveSubset(name: string): void {
    if (!this.selection) return;
    this.subsets.set(name, this.selection);
    this.subsetList = this.subsets.list();
    this.touch();
  }

  combineSubsets(op: SubsetOperation, a: string, b: string, into: string): void {
    this.run(null, async () => {
      this.subsets.combine(op, a, b, into);
      this.subsetList = this.subsets.list();
      this.setSelection(this.subsets.get(into));
    });
  }

  /**
   * Selects the stars whose `column` passes a filter: a value range of a numeric column, or chosen
   * categories of a categorical one (e.g. a classifier's probability ≥ 0.9, or its predicted class);
   * `within` keeps only stars already selected.
   */
  filterBy(column: string, filter: { min: number; max: number } | { categories: string[] }, within: boolean): void {
    this.run('filtering', async () => {
      const data = await this.columnData(column);
      let rows: Uint32Array;
      if ('categories' in filter) {
        if (data.kind !== 'categorical') throw new Error(`${data.label} is numeric: give a value range`);
        rows = selectByCategory(data.codes, filter.categories.map((c) => data.categories.indexOf(c)).filter((code) => code >= 0));
      } else {
        if (data.kind !== 'numeric') throw new Error(`${data.label} is categorical: choose categories`);
        if (Number.isNaN(filter.min) || Number.isNaN(filter.max)) throw new Error(`give both ends of the ${data.label} range (use -Infinity / Infinity for an open end)`);
        rows = selectByRange(data.values, filter.min, filter.max);
      }
      this.setSelection(within && this.selection ? intersection(this.selection, rows) : rows);
    });
  }

  showSubset(name: string): void {
    this.setSelection(this.subsets.get(name));
  }

  /** Star detail of a clicked point (and its neighbours by the map's embedding). */
  async clickRow(row: number | null): Promise<void> {
    this.clickedRow = row;
    if (row === null || !this.layout) {
      this.detail = null;
      return;
    }
    const starId = this.layout.starIds[row];
    await this.run('loading star', async () => {
      const t0 = performance.now();
      this.detail = await this.client.call('star.detail', { starId, embedding: this.layout!.embedding, k: 10 });
      this.detailMs = Math.round(performance.now() - t0);
    });
  }

  /** The nearest stars of the clicked star, or of the selection's centroid. */
  async findSimilar(from: 'star' | 'selection', k = 20): Promise<void> {
    if (!this.layout) return;
    const embedding = this.layout.embedding;
    await this.run('searching', async () => {
      const params = from === 'star' && this.clickedRow !== null
        ? { embedding, starId: this.layout!.starIds[this.clickedRow], k }
        : { embedding, rows: Array.from(this.selection ?? []), k };
      this.similar = (await this.client.call('map.similar', params)).neighbours;
    });
  }

  /**
   * Trains the classifier (default logistic regression) on labelled subsets as a job (progress and
   * Cancel in the panel); when it is done the new columns appear in the colour list.
   */
  async classify(name: string, classes: { label: string; subset: string }[], classifier?: MapClassifierSettings): Promise<void> {
    if (!this.layout || this.classifyJob) return;
    await this.run(null, async () => {
      const { jobId } = await this.client.call('map.classify', {
        embedding: this.layout!.embedding, name, ...(classifier ? { classifier } : {}),
        classes: classes.map((c) => ({ label: c.label, rows: Array.from(this.subsets.get(c.subset)) })),
      });
      const done = await new Promise<JobDoneEvent>((resolve) => {
        const early = this.classifyEarlyDone.get(jobId);
        this.classifyEarlyDone.clear();
        if (early) return resolve(early);
        this.classifyJob = jobId;
        this.classifyWaiter = resolve;
      }).finally(() => {
        this.classifyJob = null;
        this.classifyWaiter = null;
        this.classifyProgress = null;
      });
      if (done.state === 'cancelled') return;
      if (done.state !== 'done') throw new Error(`classification failed: ${done.error ?? 'unknown error'}`);
      this.classification = done.result as MapClassifyResult;
      this.columns = (await this.client.call('map.columns', {})).columns;
      this.touch();
      await this.setColourBy(this.classification.columns[1] ?? this.classification.columns[0]);
    });
  }

  /** Cancels the running classification (it writes no column). */
  async cancelClassify(): Promise<void> {
    if (this.classifyJob) await this.client.call('jobs.cancel', { jobId: this.classifyJob });
  }

  async exportRows(path: string, format: MapExportFormat, scope: 'selection' | 'all'): Promise<void> {
    if (!this.layout) return;
    await this.run('exporting', async () => {
      const extra = this.colourBy ? [this.colourBy] : [];
      const r = await this.client.call('export.selection', {
        embedding: this.layout!.embedding, path, format, columns: extra,
        ...(scope === 'selection' && this.selection ? { rows: Array.from(this.selection) } : {}),
      });
      this.lastExport = `${r.rows} rows → ${r.path} (${r.format}: ${r.columns.join(', ')})`;
    });
  }

  private async run(label: string | null, action: () => Promise<void>): Promise<void> {
    this.error = null;
    if (label) this.busy = label;
    try {
      await action();
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      if (label) this.busy = null;
    }
  }
}

const states = new WeakMap<DesaClient, MapState>();

/** The one MapState of a client, so the map, its selection and subsets survive switching screens. */
export function mapStateFor(client: DesaClient): MapState {
  let state = states.get(client);
  if (!state) {
    state = new MapState(client);
    states.set(client, state);
  }
  return state;
}
