/**
 * Generates and writes every file of one star (its LAMOST spectra and Kepler quarters) and
 * returns what the catalogs need. Depends only on (seed, index), so stars can be made in any
 * order or in parallel workers and the survey stays byte-identical.
 */
import path from 'node:path';
import { drawStar } from './star';
import { Rng, Stream } from './random';
import { lightCurveModel, quarterLightCurve } from './lightcurve';
import { KEPLER_QUARTERS } from './kepler-schedule';
import { writeKeplerQuarter } from './formats/kepler';
import { writeLamostSpectrum } from './formats/lamost';
import { lamostWavelengths, LAMOST_DR1_PIXELS, LAMOST_PIXELS, modelSpectrum, observeSpectrum } from './spectrum';
import { kicParameters, laspParameters } from './observed';
import { eclipseDepth } from './physics/eclipse-depth';
import type { ObservedSpectrum, StarProducts } from './catalogs';

export interface StarTask {
  seed: number;
  index: number;
  outDir: string;
  /** Quarter numbers (1–17) to write. */
  quarters: number[];
  gzipKepler: boolean;
}

const grids = new Map<number, Float64Array>();
function grid(pixels: number): Float64Array {
  let g = grids.get(pixels);
  if (!g) grids.set(pixels, (g = lamostWavelengths(pixels)));
  return g;
}

export async function generateStarFiles(task: StarTask): Promise<StarProducts> {
  const { seed, index } = task;
  const star = drawStar(seed, index);
  const files: string[] = [];
  const obsRng = new Rng(seed, index, Stream.spectrum);
  const lamostDir = path.join(task.outDir, 'LAMOST');
  const keplerDir = path.join(task.outDir, 'Kepler');

  const spectra: ObservedSpectrum[] = [];
  for (const epoch of star.spectra) {
    const wave = grid(epoch.layout === 'dr1' ? LAMOST_DR1_PIXELS : LAMOST_PIXELS);
    const spec = observeSpectrum(obsRng, modelSpectrum(star, epoch, wave), wave, epoch.snrG);
    const lasp = laspParameters(obsRng, star, epoch, spec.snr.g);
    files.push(await writeLamostSpectrum(lamostDir, star, epoch, spec, lasp));
    spectra.push({ epoch, lasp, snr: spec.snr });
  }

  const model = lightCurveModel(seed, star);
  const kic = kicParameters(new Rng(seed, index, Stream.catalog, 1), star);
  const rper: number[] = [];
  const cdpp6: number[] = [];
  let cadences = 0;
  for (const number of task.quarters) {
    const q = KEPLER_QUARTERS[number - 1];
    const lc = quarterLightCurve(seed, star, model, q);
    files.push(await writeKeplerQuarter(keplerDir, star, lc, kic, task.gzipKepler));
    rper.push(lc.spotRangePpm);
    cdpp6.push(lc.cdpp[1]);
    cadences += q.cadences;
  }
  return {
    star, spectra, files,
    baselineDays: cadences * 0.0204336,
    rperPpm: median(rper),
    cdpp6Ppm: median(cdpp6),
    eclipseDepth: star.eclipsing ? eclipseDepth(star) : 0,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}
