/**
 * A child process for the trainer tests: trains the tiny spectra encoder on real LAMOST DR10 spectra
 * (labels from the shipped AFG parameter table) into the run folder given on the command line.
 * Usage: node --import tsx --import ./scripts/node-hooks/register.mjs test/unit/train/spectra-run.ts RUN_DIR STEPS
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readSurveyFile } from '../../../src/main/survey';
import { readCatalog, getColumn } from '../../../src/main/catalog';
import { buildSpectraDataset } from '../../../src/main/train/datasets/spectra';
import { spectraStage } from '../../../src/main/train/stages/spectra';
import { train } from '../../../src/main/train/trainer';
import { selectBackend } from '../../../src/main/model/backend/select';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/shared/training';
import type { Spectrum } from '../../../src/shared/survey';

const [runDir, stepsArg] = process.argv.slice(2);
const shared = path.resolve(import.meta.dirname, '../../../../shared/data/real');
await selectBackend(['cpu-native', 'cpu']);

const files = readdirSync(path.join(shared, 'lamost')).filter((f) => f.startsWith('spec-') && f.endsWith('.fits.gz')).sort().slice(0, 24);
const spectra = (await Promise.all(files.map((f) => readSurveyFile(path.join(shared, 'lamost', f))))) as Spectrum[];
const catalog = await readCatalog(path.join(shared, 'other', 'AFG_merged_params.csv'));
const col = (name: string) => getColumn(catalog, name).values as ArrayLike<unknown>;
const byObsid = new Map<string, number>();
const obsids = col('obsid');
for (let i = 0; i < catalog.nrows; i++) byObsid.set(String(obsids[i]), i);
const num = (name: string, i: number) => Number(col(name)[i]);
const data = buildSpectraDataset(spectra, (s) => {
  const i = s.obsid !== null ? byObsid.get(s.obsid) : undefined;
  return i === undefined ? null : { teff: num('teff', i), logg: num('logg', i), feh: num('feh', i) };
}, 1024);
const stage = spectraStage(data, { size: 'tiny', validationFraction: 0.25 });
const result = await train(stage, { ...DEFAULT_TRAIN_CONFIG, steps: Number(stepsArg), batchSize: 4, checkpointEvery: 2, evalEvery: 4, warmupSteps: 2, seed: 7 }, {
  runDir,
  onStep: (r) => console.log(`step ${r.step} total ${r.losses.total}`),
});
console.log(`done ${result.stoppedBy} resumedFrom=${result.resumedFrom} steps=${result.stepsDone}`);
