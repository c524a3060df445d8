/**
 * `star.detail`: everything the map's star panel shows for one star, read from the project store
 * and run through the same preprocessing the model sees (src/main/preprocess): the first spectrum
 * raw and preprocessed, the stitched Kepler light curve with its quarters, and the ACF and FFT of
 * the DESA light-curve transform, plus every matched catalogue value.
 *
 * A click must answer within 200 ms (bench/star-detail.bench.ts), so:
 * - the store reads that do not depend on each other (star row, spectrum, catalogue values) are
 *   issued together, and the light curves as soon as the star's KIC is known;
 * - the ACF uses two real-input FFTs (half-size complex transforms) instead of two full complex
 *   ones, and the per-lag / per-frequency axes and the normalised flux are computed only at the
 *   points kept for plotting;
 * - the expensive spectrum and light-curve products are kept per open store (a small LRU keyed by
 *   the star and its counts of spectra and light curves, so newly ingested data is picked up), so
 *   clicking back to a star costs only the catalogue query.
 */
import { ContractError, type StarDetail } from '../../shared/contract';
import { fillNaNs, LIGHT_CURVE_DEFAULTS, movingAverage, preprocessSpectrum, stitchQuarters } from '../preprocess/index';
import type { ProjectStore } from '../store/index';
import { acfPaddedLength, plannedRfft } from './star-detail-fft';

/**
 * Most points of one plotted series; longer series are thinned by min/max pairs so peaks survive.
 * 2,000 bins keep two or more bins per pixel of the panel's plots (at most ~900 px wide).
 */
const MAX_PLOT_POINTS = 4000;

/** Stars whose spectrum and light-curve products are kept per open store. */
const CACHED_STARS = 64;

/** Indices that keep, per bin, the first sample, the minimum and the maximum (display thinning). */
export function thinForPlot(values: ArrayLike<number>, maxPoints = MAX_PLOT_POINTS): Uint32Array {
  const n = values.length;
  if (n <= maxPoints) return Uint32Array.from({ length: n }, (_, i) => i);
  const bins = Math.floor(maxPoints / 2);
  const keep = new Uint32Array(2 * bins);
  let kept = 0;
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * n) / bins);
    const to = Math.floor(((b + 1) * n) / bins);
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (!(values[i] >= values[lo])) lo = Number.isNaN(values[i]) ? lo : i;
      if (!(values[i] <= values[hi])) hi = Number.isNaN(values[i]) ? hi : i;
    }
    keep[kept++] = Math.min(lo, hi);
    if (lo !== hi) keep[kept++] = Math.max(lo, hi);
  }
  return keep.slice(0, kept);
}

function pick<T extends Float32Array | Float64Array>(a: T, idx: Uint32Array): T {
  const out = new (a.constructor as new (n: number) => T)(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = a[idx[i]];
  return out;
}

/** Rearranges a[lo..hi] so that a[k] holds the value a sorted copy would hold there (Hoare's quickselect). */
function selectInPlace(a: Float64Array, k: number, lo = 0, hi = a.length - 1): number {
  while (hi > lo) {
    // Median-of-three pivot keeps sorted and reversed inputs (time steps) linear.
    const mid = (lo + hi) >> 1;
    const x = a[lo], y = a[mid], z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

/** Median of the finite values (NaN when there are none), in linear time. */
export function finiteMedian(values: ArrayLike<number>): number {
  const finite = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite[n++] = values[i];
  if (n === 0) return NaN;
  const a = finite.subarray(0, n);
  const m = n >> 1;
  const upper = selectInPlace(a, m);
  if (n % 2) return upper;
  // Everything left of m is ≤ a[m] after selection: the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < m; i++) if (a[i] > lower) lower = a[i];
  return (lower + upper) / 2;
}

/**
 * The autocorrelation at lags 0…n−1 (demeaned, biased, divided by lag 0: statsmodels `acf(x,
 * nlags=n−1, fft=True)`, as preprocess's `autocorrelation`), from two real-input FFTs: the power
 * spectrum of x zero-padded to a power of two m ≥ 2n, and its transform back (a real, even sequence,
 * so its inverse transform is its forward transform over m).
 */
export function autocorrelationByRealFft(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  const m = acfPaddedLength(n);
  const padded = new Float64Array(m);
  for (let i = 0; i < n; i++) padded[i] = x[i] - mean;
  const spectrum = plannedRfft(padded);
  const power = new Float64Array(m);
  for (let k = 0; k <= m / 2; k++) {
    const p = spectrum.re[k] * spectrum.re[k] + spectrum.im[k] * spectrum.im[k];
    power[k] = p;
    if (k > 0) power[m - k] = p;
  }
  const acov = plannedRfft(power).re;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = acov[k] / acov[0];
  return out;
}

/** preprocess's `logAmplitudeSpectrum` (log1p|rfft x|, the DESA FFT channel before resampling) through a planned rfft. */
export function logAmplitudeByPlannedFft(x: ArrayLike<number>): Float64Array {
  const spectrum = plannedRfft(x);
  return spectrum.re.map((r, k) => Math.log1p(Math.hypot(r, spectrum.im[k])));
}

type Row = Record<string, unknown>;
const asNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The spectrum and light-curve parts of a detail, with the notes they raised. */
interface Products {
  spectrum: StarDetail['spectrum'];
  lightCurve: StarDetail['lightCurve'];
  notes: string[];
}

/** A small least-recently-used map. */
class Lru<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    const v = this.entries.get(key);
    if (v !== undefined) { this.entries.delete(key); this.entries.set(key, v); }
    return v;
  }
  delete(key: string): void {
    this.entries.delete(key);
  }
  set(key: string, v: V): void {
    this.entries.delete(key);
    this.entries.set(key, v);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** Products per open store; dropped with the store object. */
const productCache = new WeakMap<ProjectStore, Lru<Promise<Products>>>();

/**
 * The detail of one star. `neighbours` is filled by the caller (it owns the ANN index).
 * @throws ContractError 'not-found' naming the star when the project has no such star
 */
export async function readStarDetail(store: ProjectStore, starId: string): Promise<StarDetail> {
  // The catalogue values (never cached: a new import shows at once) are read while the star's row,
  // with its spectrum ids in the same query, is; its products start as soon as that row is there.
  const catalogRead = catalogValuesOf(store, starId);
  catalogRead.catch(() => undefined); // awaited below; an unknown star must not leave it unobserved
  const row = await store.database.one<Row>(
    `SELECT s.*, (SELECT list(spectrum_id ORDER BY lmjd, spectrum_id) FROM spectra WHERE star_id = s.star_id) AS spectrum_ids
     FROM stars s WHERE s.star_id = $1`, [starId]);
  if (!row) throw new ContractError('not-found', `${store.dir}: no star '${starId}' in the project`);
  const star: StarDetail['star'] = {
    starId, kic: asNumber(row.kic), epic: asNumber(row.epic), designation: (row.designation as string | null) ?? null,
    ra: asNumber(row.ra), dec: asNumber(row.dec), spectra: asNumber(row.n_spectra) ?? 0, lightCurves: asNumber(row.n_lightcurves) ?? 0,
  };
  const spectrumIds = listOfStrings(row.spectrum_ids);
  const [products, catalog] = await Promise.all([productsOf(store, star, spectrumIds), catalogRead]);
  return { star, spectrum: products.spectrum, lightCurve: products.lightCurve, catalog, neighbours: [], notes: [...products.notes] };
}

/** A DuckDB LIST of VARCHAR as the node API returns it (an array, or an object holding `items`). */
function listOfStrings(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : (value as { items?: unknown[] }).items;
  if (!Array.isArray(items)) throw new Error(`star detail: unexpected spectrum id list ${JSON.stringify(value)}`);
  return items.map(String);
}

/** Stars a warm-up reads: enough calls for the JIT to optimise the hot loops, not the first click. */
const WARM_UP_STARS = 3;

/**
 * Reads the detail of a few stars (those with the most light-curve quarters) off the request path,
 * so the first real click finds the code optimised, the FFT plans of a typical length built and
 * the store's pages read (a single read leaves the loops unoptimised: the first clicks cost 2–3×
 * the later ones). Resolves quietly whatever happens: a warm-up is never an error.
 */
export async function warmStarDetail(store: ProjectStore): Promise<void> {
  try {
    const rows = await store.database.all<{ star_id: string }>(
      `SELECT star_id FROM stars ORDER BY n_lightcurves DESC, n_spectra DESC, star_id LIMIT ${WARM_UP_STARS}`);
    for (const row of rows) await readStarDetail(store, row.star_id);
  } catch {
    // The click itself reports whatever is wrong with the star.
  }
}

/** The star's spectrum and light-curve products, from the cache when its data has not changed. */
function productsOf(store: ProjectStore, star: StarDetail['star'], spectrumIds: string[]): Promise<Products> {
  let cache = productCache.get(store);
  if (!cache) productCache.set(store, (cache = new Lru(CACHED_STARS)));
  const key = `${star.starId}\0${star.kic}\0${star.spectra}\0${star.lightCurves}`;
  const held = cache.get(key);
  if (held) return held;
  const computed = (async (): Promise<Products> => {
    const spectrumNotes: string[] = [];
    const lightCurveNotes: string[] = [];
    const [spectrum, lightCurve] = await Promise.all([
      spectrumOf(store, spectrumIds, spectrumNotes),
      star.kic !== null ? lightCurveOf(store, star.kic, lightCurveNotes) : null,
    ]);
    return { spectrum, lightCurve, notes: [...spectrumNotes, ...lightCurveNotes] };
  })();
  cache.set(key, computed);
  // A failed read is not remembered: the next click tries again.
  computed.catch(() => cache.delete(key));
  return computed;
}

async function spectrumOf(store: ProjectStore, ids: string[], notes: string[]): Promise<StarDetail['spectrum']> {
  if (ids.length === 0) return null;
  const spectrum = await store.getSpectrum(ids[0]);
  if (!spectrum) return null;
  let preprocessed: { wavelength: Float64Array; flux: Float64Array } | null = null;
  try {
    const p = preprocessSpectrum(spectrum);
    const wavelength = new Float64Array(p.blue.grid.length + p.red.grid.length);
    wavelength.set(p.blue.grid);
    wavelength.set(p.red.grid, p.blue.grid.length);
    preprocessed = { wavelength, flux: p.preprocessed };
  } catch (err) {
    notes.push(`spectrum ${ids[0]}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (ids.length > 1) notes.push(`showing the first of ${ids.length} spectra (${ids[0]})`);
  return { spectrumId: ids[0], wavelength: spectrum.wavelength, flux: spectrum.flux, preprocessed };
}

async function lightCurveOf(store: ProjectStore, kic: number, notes: string[]): Promise<StarDetail['lightCurve']> {
  const parts = await store.getLightCurves(kic, 'Kepler');
  if (parts.length === 0) return null;
  const total = parts.reduce((n, p) => n + p.time.length, 0);
  // The model's light-curve chain on the whole series (stitch, fill, smooth, then ACF and
  // log|rfft|, as transformView computes them), without resampling onto the model length.
  const { stitched } = stitchQuarters(parts.map((p) => p.pdcsapFlux));
  const smoothed = movingAverage(fillNaNs(stitched, parts[0].sourcePath).filled, LIGHT_CURVE_DEFAULTS.movingAverageWindow);
  const acf = autocorrelationByRealFft(smoothed);
  const fftLog1pAbs = logAmplitudeByPlannedFft(smoothed);
  const time = new Float64Array(total);
  let at = 0;
  for (const p of parts) { time.set(p.time, at); at += p.time.length; }
  const steps = new Float64Array(Math.max(0, total - 1));
  for (let i = 1; i < total; i++) steps[i - 1] = time[i] - time[i - 1];
  const cadence = finiteMedian(steps);
  if (!(cadence > 0)) notes.push(`KIC ${kic}: no regular cadence in the time stamps; ACF lags and FFT frequencies are per sample`);
  const dt = cadence > 0 ? cadence : 1;
  const quarters = parts.map((p) => {
    let first = 0;
    while (first < p.time.length && !Number.isFinite(p.time[first])) first++;
    let last = p.time.length - 1;
    while (last >= 0 && !Number.isFinite(p.time[last])) last--;
    const start = first < p.time.length ? p.time[first] : NaN;
    return { quarter: p.quarter, start, end: last >= 0 ? p.time[last] : start };
  });
  // Thinning picks the same samples from flux whatever its scale, so normalise only what is kept.
  const keepLc = thinForPlot(stitched);
  const level = finiteMedian(stitched);
  const flux = pick(stitched, keepLc).map((v) => v / level);
  const keepAcf = thinForPlot(acf);
  const keepFft = thinForPlot(fftLog1pAbs);
  return {
    time: pick(time, keepLc), flux, quarters,
    acf: { lagDays: Float64Array.from(keepAcf, (k) => k * dt), value: pick(acf, keepAcf) },
    fft: { frequencyPerDay: Float64Array.from(keepFft, (k) => k / (total * dt)), log1pAmplitude: pick(fftLog1pAbs, keepFft) },
  };
}

async function catalogValuesOf(store: ProjectStore, starId: string): Promise<StarDetail['catalog']> {
  // Names and column order straight from the catalogs table (listCatalogs also counts matches, which a click does not need).
  const [catalogs, rows] = await Promise.all([
    store.database.all<{ catalog_id: string; name: string; columns: string }>('SELECT catalog_id, name, columns FROM catalogs ORDER BY imported_at, catalog_id'),
    store.database.all<{ catalog_id: string; column_name: string; num_value: number | null; str_value: string | null }>(
      `SELECT v.catalog_id, v.column_name, v.num_value, v.str_value
       FROM (SELECT catalog_id, min(row_index) AS row_index FROM crossmatch WHERE star_id = $1 GROUP BY catalog_id) x
       JOIN catalog_values v ON v.catalog_id = x.catalog_id AND v.row_index = x.row_index`,
      [starId],
    ),
  ]);
  const out: StarDetail['catalog'] = [];
  for (const c of catalogs) {
    const values = new Map(rows.filter((r) => r.catalog_id === c.catalog_id).map((r) => [r.column_name, r.num_value ?? r.str_value]));
    for (const column of JSON.parse(c.columns) as string[]) if (values.has(column)) out.push({ catalog: c.name, column, value: values.get(column) ?? null });
  }
  return out;
}
