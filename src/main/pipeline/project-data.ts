/**
 * What the training stages need, read from a project: per star its first spectrum, its stitched
 * light curve, and label columns from the catalogues imported into the project.
 */
import type { ProjectStore } from '../store';
import type { StarInfo } from '../../shared/project';
import type { Spectrum } from '../../shared/survey';
import { fillNaNs, stitchQuarters, absoluteMagnitude } from '../preprocess';
import { binaryLabels, type BinaryRule } from './binary-labels';

/**
 * The store methods the training stages use. A stage running in the training worker gets a stand-in
 * that forwards these calls to the thread owning the project database (see stage-worker.ts).
 */
export const STAGE_STORE_METHODS = ['listStars', 'spectrumIdsOfStar', 'getSpectrum', 'getLightCurves', 'listCatalogs', 'catalogColumn', 'counts', 'putEmbeddings'] as const;

/** What the stages need of a project store. */
export type StageStore = Pick<ProjectStore, (typeof STAGE_STORE_METHODS)[number]>;

/**
 * A catalogue column to use as a label: the catalogue's name (file name by default) or id, and the
 * column; for the binary fine-tune also how its values become the two classes (BinaryRule).
 */
export interface LabelSource extends BinaryRule {
  catalog: string;
  column: string;
}

/** The imported catalogue `src` names. @throws Error naming the catalogue or column when absent */
async function catalogOf(store: StageStore, src: LabelSource): Promise<{ catalogId: string; name: string }> {
  const catalogs = await store.listCatalogs();
  const cat = catalogs.find((c) => c.catalogId === src.catalog || c.name === src.catalog);
  if (!cat) {
    throw new Error(`label catalogue '${src.catalog}' is not imported in this project (imported: ${catalogs.map((c) => c.name).join(', ') || 'none'})`);
  }
  if (!cat.columns.includes(src.column)) throw new Error(`catalogue '${cat.name}' has no column '${src.column}' (columns: ${cat.columns.join(', ')})`);
  return cat;
}

/**
 * star id → 1 or 0 for the binary fine-tune: numeric values above `src.threshold` (default 0), or
 * text values among `src.positive`, are positive.
 * @throws Error naming the column when the rule does not fit it or leaves a class empty
 */
export async function binaryLabelMap(store: StageStore, src: LabelSource | null): Promise<Map<string, 0 | 1>> {
  if (!src) return new Map();
  const cat = await catalogOf(store, src);
  return binaryLabels(await store.catalogColumn(cat.catalogId, src.column), src, `'${src.column}' of catalogue '${cat.name}'`);
}

/** star id → value of the column (stars without a matched row are absent). */
export async function labelMap(store: StageStore, src: LabelSource | null): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!src) return out;
  const cat = await catalogOf(store, src);
  for (const r of await store.catalogColumn(cat.catalogId, src.column)) {
    if (r.value !== null && Number.isFinite(r.value) && !out.has(r.starId)) out.set(r.starId, r.value);
  }
  return out;
}

/** The first spectrum of each star that has one, in star order. */
export async function spectraOfStars(store: StageStore, stars: readonly StarInfo[]): Promise<{ star: StarInfo; spectrum: Spectrum }[]> {
  const out: { star: StarInfo; spectrum: Spectrum }[] = [];
  for (const star of stars) {
    const [id] = await store.spectrumIdsOfStar(star.starId);
    const spectrum = id ? await store.getSpectrum(id) : null;
    if (spectrum) out.push({ star, spectrum });
  }
  return out;
}

export interface StitchedStar {
  star: StarInfo;
  /** Quarters stitched (each offset to the previous one's end, as the reference does) and NaN-filled. */
  flux: Float32Array;
  kepmag: number | null;
}

/** Every Kepler star's light curve stitched from all its quarters. */
export async function lightCurvesOfStars(store: StageStore, stars: readonly StarInfo[]): Promise<StitchedStar[]> {
  const out: StitchedStar[] = [];
  for (const star of stars) {
    if (star.kic === null) continue;
    const quarters = await store.getLightCurves(star.kic);
    if (quarters.length === 0) continue;
    quarters.sort((a, b) => (a.quarter ?? 0) - (b.quarter ?? 0));
    const { stitched } = stitchQuarters(quarters.map((q) => q.pdcsapFlux));
    const { filled } = fillNaNs(stitched, `KIC ${star.kic}`);
    out.push({ star, flux: filled, kepmag: quarters[0].kepmag });
  }
  return out;
}

/** k of the paper's channel-A normalisation, or null (then channel A is the raw smoothed flux). */
export function absMagnitudeOf(kepmag: number | null, distancePc: number | undefined): number | null {
  return kepmag !== null && distancePc !== undefined && distancePc > 0 ? absoluteMagnitude(kepmag, distancePc) : null;
}
