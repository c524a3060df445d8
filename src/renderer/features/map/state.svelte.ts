/**
 * The Map screen's state: the embedding and its layout, the colouring column, the current
 * selection and named subsets, the clicked star's detail, similar stars and classifier results.
 * Every per-point array is in the layout's row order (stars sorted by id), as the services use.
 */
import type { MapClassifyResult, MapColumnInfo, MapEmbeddingInfo, MapExportFormat, MapNeighbour, StarDetail, Jsonified } from '../../../shared/contract';
import type { JobProgress } from '../../../shared/jobs';
import { NamedSubsets, type SubsetOperation } from '../../../main/map/select';
import type { DesaClient } from '../../client/index';
import type { ColumnData } from '../../map/colour';

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

/** A column reply (JSON: null for NaN) as typed arrays. */
export function toColumnData(c: Awaited<ReturnType<DesaClient['call']>> & { kind: string }): ColumnData {
  const j = c as unknown as { kind: 'numeric' | 'categorical'; label: string; unit: string | null; values?: (number | null)[]; categories?: string[]; codes?: number[] };
  return j.kind === 'numeric'
    ? { kind: 'numeric', label: j.label, unit: j.unit, values: Float64Array.from(j.values ?? [], (v) => (v === null ? NaN : v)) }
    : { kind: 'categorical', label: j.label, unit: j.unit, categories: j.categories ?? [], codes: Int32Array.from(j.codes ?? []) };
}

export class MapState {
  embeddings = $state<MapEmbeddingInfo[]>([]);
  columns = $state<MapColumnInfo[]>([]);
  embedding = $state<string>('');
  layout = $state.raw<Layout | null>(null);
  layoutJob = $state<string | null>(null);
  progress = $state<JobProgress | null>(null);
  colourBy = $state<string>('');
  colour = $state.raw<ColumnData | null>(null);
  /** Selected rows, sorted; null when nothing is selected. */
  selection = $state.raw<Uint32Array | null>(null);
  subsets = new NamedSubsets();
  subsetList = $state<{ name: string; size: number }[]>([]);
  clickedRow = $state<number | null>(null);
  detail = $state.raw<Jsonified<StarDetail> | null>(null);
  detailMs = $state<number | null>(null);
  similar = $state.raw<MapNeighbour[]>([]);
  classification = $state.raw<MapClassifyResult | null>(null);
  lastExport = $state<string | null>(null);
  error = $state<string | null>(null);
  busy = $state<string | null>(null);

  constructor(private readonly client: DesaClient) {
    client.on('job.progress', (p) => {
      if (p.jobId === this.layoutJob) this.progress = p;
    });
    client.on('job.done', (e) => {
      if (e.jobId !== this.layoutJob) return;
      this.layoutJob = null;
      this.progress = null;
      if (e.state !== 'done') {
        this.error = e.state === 'cancelled' ? null : `UMAP failed: ${e.error ?? 'unknown error'}`;
        return;
      }
      const r = e.result as { embedding: string; starIds: string[]; x: (number | null)[]; y: (number | null)[]; method: string; seconds: number; cached: boolean };
      if (this.layout?.embedding !== r.embedding) {
        this.subsets = new NamedSubsets();
        this.subsetList = [];
      }
      this.clearSelection();
      this.similar = [];
      this.clickedRow = null;
      this.detail = null;
      this.layout = {
        embedding: r.embedding, starIds: r.starIds, method: r.method, seconds: r.seconds, cached: r.cached,
        x: Float32Array.from(r.x, (v) => v ?? NaN), y: Float32Array.from(r.y, (v) => v ?? NaN),
      };
      if (this.colourBy) void this.setColourBy(this.colourBy);
    });
  }

  /** Loads the project's embeddings and columns; picks 'f' (or the first) embedding. */
  async init(): Promise<void> {
    await this.run('loading columns', async () => {
      const r = await this.client.call('map.columns', {});
      this.embeddings = r.embeddings;
      this.columns = r.columns;
      if (!this.embedding && r.embeddings.length) this.embedding = (r.embeddings.find((e) => e.name === 'f') ?? r.embeddings[0]).name;
    });
  }

  /** Starts (or reads from the project's cache) the UMAP of the chosen embedding. */
  async computeLayout(): Promise<void> {
    await this.run(null, async () => {
      this.layoutJob = (await this.client.call('map.layout', { embedding: this.embedding })).jobId;
    });
  }

  async cancelLayout(): Promise<void> {
    if (this.layoutJob) await this.client.call('jobs.cancel', { jobId: this.layoutJob });
  }

  async setColourBy(id: string): Promise<void> {
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
    return toColumnData(await this.client.call('map.column', { embedding: this.layout.embedding, column: id }) as never);
  }

  setSelection(rows: Uint32Array | null): void {
    this.selection = rows && rows.length ? rows : rows ? new Uint32Array(0) : null;
  }

  clearSelection(): void {
    this.selection = null;
  }

  saveSubset(name: string): void {
    if (!this.selection) return;
    this.subsets.set(name, this.selection);
    this.subsetList = this.subsets.list();
  }

  combineSubsets(op: SubsetOperation, a: string, b: string, into: string): void {
    this.run(null, async () => {
      this.subsets.combine(op, a, b, into);
      this.subsetList = this.subsets.list();
      this.selection = this.subsets.get(into);
    });
  }

  showSubset(name: string): void {
    this.selection = this.subsets.get(name);
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

  /** Trains the classifier on labelled subsets; the new columns appear in the colour list. */
  async classify(name: string, classes: { label: string; subset: string }[]): Promise<void> {
    if (!this.layout) return;
    await this.run('training classifier', async () => {
      this.classification = await this.client.call('map.classify', {
        embedding: this.layout!.embedding, name,
        classes: classes.map((c) => ({ label: c.label, rows: Array.from(this.subsets.get(c.subset)) })),
      });
      this.columns = (await this.client.call('map.columns', {})).columns;
      await this.setColourBy(this.classification.columns[1] ?? this.classification.columns[0]);
    });
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
