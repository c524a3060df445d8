/**
 * `desa train --project DIR --stage STAGE [--config tiny|small|paper|FILE.json] [--steps N] [--batch N] [--lr X] [--seed S] [--json]`:
 * trains one DESA stage on a project, resuming the stage's run when it exists. Stages, in order:
 * spectra, lightcurve, dualformer, finetune-binary, finetune-age.
 */
import { readFileSync } from 'node:fs';
import { runJobWithProgress } from '../job-runner';
import { defineCommand, EXIT_CANCELLED, UsageError } from '../registry';
import type { TrainConfig, TrainingStage } from '../../../shared/training';

const STAGES: TrainingStage[] = ['spectra', 'lightcurve', 'dualformer', 'finetune-binary', 'finetune-age'];
const SIZES = ['tiny', 'small', 'paper'] as const;
type Size = (typeof SIZES)[number];

/** `--config` is a model size name or a JSON file with { size?, ...TrainConfig fields }. */
function readConfig(value: unknown): { size: Size; config: Partial<TrainConfig> } {
  if (value === undefined) return { size: 'tiny', config: {} };
  if (typeof value === 'string' && (SIZES as readonly string[]).includes(value)) return { size: value as Size, config: {} };
  const file = String(value);
  let json: { size?: Size } & Partial<TrainConfig>;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config ${file}: not a size (${SIZES.join(', ')}) nor a readable JSON file (${(e as Error).message})`);
  }
  const { size = 'tiny', ...config } = json;
  if (!SIZES.includes(size)) throw new UsageError(`${file}: size must be one of ${SIZES.join(', ')}`);
  return { size, config };
}

function numberOption(v: unknown, name: string, integer = true): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got '${String(v)}'`);
  return n;
}

export default defineCommand({
  name: 'train',
  summary: 'train one DESA stage on a project (resumes its last checkpoint)',
  usage: 'desa train --project DIR --stage spectra|lightcurve|dualformer|finetune-binary|finetune-age [--config tiny|small|paper|FILE.json] [--steps N] [--batch N] [--lr X] [--seed S] [--json]',
  options: {
    project: { type: 'string' }, stage: { type: 'string' }, config: { type: 'string' },
    steps: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' },
  },
  maxArgs: 0,
  async run(ctx) {
    const projectDir = ctx.options.project;
    if (typeof projectDir !== 'string') throw new UsageError('--project DIR is required');
    const stage = ctx.options.stage as TrainingStage;
    if (!STAGES.includes(stage)) throw new UsageError(`--stage must be one of ${STAGES.join(', ')}`);
    const { size, config } = readConfig(ctx.options.config);
    const overrides: Partial<TrainConfig> = { ...config };
    const steps = numberOption(ctx.options.steps, 'steps'), batch = numberOption(ctx.options.batch, 'batch');
    const lr = numberOption(ctx.options.lr, 'lr', false), seed = numberOption(ctx.options.seed, 'seed');
    if (steps) overrides.steps = steps;
    if (batch) overrides.batchSize = batch;
    if (lr) overrides.lr = lr;
    if (seed) overrides.seed = seed;
    const services = await ctx.services();
    const outcome = await runJobWithProgress(ctx, services, () => services.call('train.start', { projectDir, stage, size, config: overrides }));
    if (outcome.state === 'failed') throw new Error(outcome.error ?? 'training failed');
    const r = outcome.result as { runDir: string; stepsDone: number; stoppedBy: string; history: { losses: Record<string, number> }[]; metrics?: object };
    // A cancel reaching the worker between steps ends the job normally with the run checkpointed and marked
    // cancelled; one that had to terminate the worker ends the job as cancelled. Both keep the last checkpoint.
    if (outcome.state === 'cancelled' || r.stoppedBy === 'cancelled') {
      ctx.stderr(`desa train: cancelled${r?.stepsDone ? ` at step ${r.stepsDone}` : ''}; the last checkpoint is kept and 'desa train' with the same options resumes from it\n`);
      return EXIT_CANCELLED;
    }
    await ctx.stdout(ctx.options.json ? `${JSON.stringify({ ...r, history: undefined }, null, 2)}\n`
      : `${stage} (${size}): ${r.stepsDone} steps, ${r.stoppedBy}; loss ${r.history[0]?.losses.total?.toFixed(4)} → ${r.history.at(-1)?.losses.total?.toFixed(4)}${r.metrics ? `; ${JSON.stringify(r.metrics)}` : ''}\nrun: ${r.runDir}\n`);
    return 0;
  },
});
