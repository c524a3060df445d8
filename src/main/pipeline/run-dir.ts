/** Where the stages keep their runs: <project>/runs/<stage>-<size>/ (a light module: no tfjs). */
import path from 'node:path';
import type { TrainingStage } from '../../shared/training';

/** The training stages, in pipeline order. */
export const TRAINING_STAGES: readonly TrainingStage[] = ['spectra', 'lightcurve', 'dualformer', 'finetune-binary', 'finetune-age'];

/** The run folder of `stage` (a stage name as trained, e.g. 'finetune-age') at a model size. */
export const runDirOf = (ctx: { projectDir: string; size: string }, stage: string): string => path.join(ctx.projectDir, 'runs', `${stage}-${ctx.size}`);
