/**
 * `desa demo [--out DIR] [--stars N] [--seed S] [--config tiny|small] [--steps N] [--json]`: the main job end to end on
 * the embedded demo survey: generate, ingest, import catalogues, train every stage, embed. Prints
 * where the results are and how to open them in the app.
 */
import path from 'node:path';
import { runJobWithProgress } from '../job-runner';
import { defineCommand, EXIT_CANCELLED, UsageError } from '../registry';

function positive(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got '${String(v)}'`);
  return n;
}

export default defineCommand({
  name: 'demo',
  summary: 'run the whole DESA pipeline on the embedded demo survey',
  usage: 'desa demo [--out DIR] [--stars N] [--seed S] [--config tiny|small] [--steps N] [--quarters Q] [--json]',
  options: {
    out: { type: 'string' }, stars: { type: 'string' }, seed: { type: 'string' }, config: { type: 'string' },
    steps: { type: 'string' }, quarters: { type: 'string' }, json: { type: 'boolean' },
  },
  maxArgs: 0,
  async run(ctx) {
    const outDir = path.resolve(typeof ctx.options.out === 'string' ? ctx.options.out : 'desa-demo');
    const size = (ctx.options.config ?? 'tiny') as 'tiny' | 'small';
    if (!['tiny', 'small'].includes(size)) throw new UsageError('--config must be tiny or small');
    const services = await ctx.services();
    const outcome = await runJobWithProgress(ctx, services, () => services.call('demo.start', {
      outDir, size, stars: positive(ctx.options.stars, 'stars'), seed: positive(ctx.options.seed, 'seed'),
      steps: positive(ctx.options.steps, 'steps'), quarters: positive(ctx.options.quarters, 'quarters'),
    }));
    if (outcome.state === 'cancelled') {
      ctx.stderr('desa demo: cancelled; run it again to continue (generation is deterministic, ingest skips unchanged files, training resumes)\n');
      return EXIT_CANCELLED;
    }
    if (outcome.state === 'failed') throw new Error(outcome.error ?? 'demo failed');
    const r = outcome.result as { projectDir: string; surveyDir: string; log: string[]; embeddings: { stars: number } };
    if (ctx.options.json) {
      await ctx.stdout(`${JSON.stringify(r, null, 2)}\n`);
      return 0;
    }
    await ctx.stdout([...r.log, '',
      `Results: the project is ${r.projectDir} (store.duckdb, arrays/, runs/<stage>-${size}/ with checkpoints, metrics.jsonl and run.json);`,
      `the generated survey (FITS files, catalogues, truth.csv) is ${r.surveyDir}.`,
      `Open it in the app: npm start, then open the project folder ${r.projectDir}`,
      `(or headless: node bin/desa.js serve --project ${r.projectDir}, and open the printed URL).`, ''].join('\n'));
    return 0;
  },
});
