/**
 * Model-side requests that run in one go: preprocessing a file into DESA inputs and importing the
 * authors' PyTorch checkpoint. The core modules load on first use (tfjs-free, but large).
 */
import { resolve } from 'node:path';
import { ContractError, type CheckpointImportJson, type Params, type PreprocessResultJson } from '../../shared/contract';
import { plainJson } from '../../shared/rpc';

const SPECTRUM_PRESETS = ['paper', 'code', 'paper_rv', 'restframe_z'] as const;

/** `preprocess.file`: the model input(s) and intermediates of one spectrum or one star's quarters. */
export async function preprocessFile(paths: string[], params: Params<'preprocess.file'>): Promise<PreprocessResultJson> {
  const preset = params.spectrumPreset ?? 'paper';
  if (!SPECTRUM_PRESETS.includes(preset)) {
    throw new ContractError('bad-request', `preprocess.file: spectrumPreset must be one of ${SPECTRUM_PRESETS.join(', ')}, got '${String(preset)}'`);
  }
  const { preprocessFiles } = await import('../preprocess/index');
  const result = await preprocessFiles(paths, { spectrum: preset, modelInputOnly: params.modelInputOnly === true });
  return plainJson(result) as PreprocessResultJson;
}

/** `checkpoint.import`: a torch.save `.pth` file into our weights folder (manifest + .bin per tensor). */
export async function importCheckpoint(path: string, outDir: string): Promise<CheckpointImportJson> {
  const { importCheckpointToDir } = await import('../model/checkpoint/index');
  const summary = await importCheckpointToDir(path, resolve(outDir));
  return { outDir: summary.outDir, tensorCount: summary.tensorCount, valueCount: summary.valueCount };
}
