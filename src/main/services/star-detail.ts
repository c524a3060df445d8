/**
 * `star.detail`: everything the map's star panel shows for one star, read from the project store
 * and run through the same preprocessing the model sees (src/main/preprocess): the first spectrum
 * raw and preprocessed, the stitched Kepler light curve with its quarters, and the ACF and FFT of
 * the DESA light-curve transform, plus every matched catalogue value.
 */
import { ContractError, type StarDetail } from '../../shared/contract';
import { autocorrelation, fillNaNs, LIGHT_CURVE_DEFAULTS, logAmplitudeSpectrum, movingAverage, preprocessSpectrum, stitchQuarters } from '../preprocess/index';
import type { ProjectStore } from '../store/index';

/** Most points of one plotted series; longer series are thinned by min/max pairs so peaks survive. */
const MAX_PLOT_POINTS = 8000;

/** Indices that keep, per bin, the first sample, the minimum and the maximum (display thinning). */
export function thinForPlot(values: ArrayLike<number>, maxPoints = MAX_PLOT_POINTS): Uint32Array {
  const n = values.length;
  if (n <= maxPoints) return Uint32Array.from({ length: n }, (_, i) => i);
  const bins = Math.floor(maxPoints / 2);
  const keep: number[] = [];
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * n) / bins);
    const to = Math.floor(((b + 1) * n) / bins);
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (!(values[i] >= values[lo])) lo = Number.isNaN(values[i]) ? lo : i;
      if (!(values[i] <= values[hi])) hi = Number.isNaN(values[i]) ? hi : i;
    }
    keep.push(Math.min(lo, hi));
    if (lo !== hi) keep.push(Math.max(lo, hi));
  }
  return Uint32Array.from(keep);
}

function pick<T extends Float32Array | Float64Array>(a: T, idx: Uint32Array): T {
  const out = new (a.constructor as new (n: number) => T)(idx.length);
  idx.forEach((j, i) => { out[i] = a[j]; });
  return out;
}

function median(values: ArrayLike<number>): number {
  const finite = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const m = finite.length >> 1;
  return finite.length % 2 ? finite[m] : (finite[m - 1] + finite[m]) / 2;
}

type Row = Record<string, unknown>;
const asNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The detail of one star. `neighbours` is filled by the caller (it owns the ANN index).
 * @throws ContractError 'not-found' naming the star when the project has no such star
 */
export async function readStarDetail(store: ProjectStore, starId: string): Promise<StarDetail> {
  const row = await store.database.one<Row>('SELECT * FROM stars WHERE star_id = $1', [starId]);
  if (!row) throw new ContractError('not-found', `${store.dir}: no star '${starId}' in the project`);
  const star: StarDetail['star'] = {
    starId, kic: asNumber(row.kic), epic: asNumber(row.epic), designation: (row.designation as string | null) ?? null,
    ra: asNumber(row.ra), dec: asNumber(row.dec), spectra: asNumber(row.n_spectra) ?? 0, lightCurves: asNumber(row.n_lightcurves) ?? 0,
  };
  const notes: string[] = [];
  return {
    star,
    spectrum: await spectrumOf(store, starId, notes),
    lightCurve: star.kic !== null ? await lightCurveOf(store, star.kic, notes) : null,
    catalog: await catalogValuesOf(store, starId),
    neighbours: [],
    notes,
  };
}

async function spectrumOf(store: ProjectStore, starId: string, notes: string[]): Promise<StarDetail['spectrum']> {
  const ids = await store.spectrumIdsOfStar(starId);
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
  const acfRaw = autocorrelation(smoothed);
  const fftLog1pAbs = logAmplitudeSpectrum(smoothed);
  const time = new Float64Array(total);
  let at = 0;
  for (const p of parts) { time.set(p.time, at); at += p.time.length; }
  const level = median(stitched);
  const flux = stitched.map((v) => v / level);
  const steps: number[] = [];
  for (let i = 1; i < time.length; i++) if (Number.isFinite(time[i]) && Number.isFinite(time[i - 1])) steps.push(time[i] - time[i - 1]);
  const cadence = median(steps);
  if (!(cadence > 0)) notes.push(`KIC ${kic}: no regular cadence in the time stamps; ACF lags and FFT frequencies are per sample`);
  const dt = cadence > 0 ? cadence : 1;
  const lagDays = Float64Array.from(acfRaw, (_, k) => k * dt);
  const frequencyPerDay = Float64Array.from(fftLog1pAbs, (_, k) => k / (total * dt));
  let start = 0;
  const quarters = parts.map((p) => {
    const t = p.time.filter(Number.isFinite);
    const span = { quarter: p.quarter, start: t.length ? t[0] : time[start], end: t.length ? t[t.length - 1] : time[start] };
    start += p.time.length;
    return span;
  });
  const keepLc = thinForPlot(flux);
  const keepAcf = thinForPlot(acfRaw);
  const keepFft = thinForPlot(fftLog1pAbs);
  return {
    time: pick(time, keepLc), flux: pick(flux, keepLc), quarters,
    acf: { lagDays: pick(lagDays, keepAcf), value: pick(acfRaw, keepAcf) },
    fft: { frequencyPerDay: pick(frequencyPerDay, keepFft), log1pAmplitude: pick(fftLog1pAbs, keepFft) },
  };
}

async function catalogValuesOf(store: ProjectStore, starId: string): Promise<StarDetail['catalog']> {
  const catalogs = await store.listCatalogs();
  const rows = await store.database.all<{ catalog_id: string; column_name: string; num_value: number | null; str_value: string | null }>(
    `SELECT v.catalog_id, v.column_name, v.num_value, v.str_value
     FROM (SELECT catalog_id, min(row_index) AS row_index FROM crossmatch WHERE star_id = $1 GROUP BY catalog_id) x
     JOIN catalog_values v ON v.catalog_id = x.catalog_id AND v.row_index = x.row_index`,
    [starId],
  );
  const out: StarDetail['catalog'] = [];
  for (const c of catalogs) {
    const values = new Map(rows.filter((r) => r.catalog_id === c.catalogId).map((r) => [r.column_name, r.num_value ?? r.str_value]));
    for (const column of c.columns) if (values.has(column)) out.push({ catalog: c.name, column, value: values.get(column) ?? null });
  }
  return out;
}
