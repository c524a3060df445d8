/**
 * `desa synth --out DIR [--stars N] [--seed S] [--quarters Q] [--json]`: writes the synthetic
 * Kepler × LAMOST demo survey (real file formats, catalogs, truth table) into DIR.
 */
import { runJobWithProgress } from '../job-runner';
import { defineCommand, EXIT_CANCELLED, UsageError } from '../registry';

/** A non-negative integer option, or undefined when not given. */
function integerOption(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got '${String(value)}'`);
  return n;
}

export default defineCommand({
  name: 'synth',
  summary: 'generate the synthetic Kepler × LAMOST demo survey (files in the real formats + truth)',
  usage: 'desa synth --out DIR [--stars N] [--seed S] [--quarters Q] [--json]',
  options: {
    out: { type: 'string' },
    stars: { type: 'string' },
    seed: { type: 'string' },
    quarters: { type: 'string' },
    json: { type: 'boolean' },
  },
  maxArgs: 0,
  async run(ctx) {
    const outDir = ctx.options.out;
    if (typeof outDir !== 'string') throw new UsageError('--out DIR is required');
    const params = {
      outDir,
      stars: integerOption(ctx.options.stars, 'stars'),
      seed: integerOption(ctx.options.seed, 'seed'),
      quarters: integerOption(ctx.options.quarters, 'quarters'),
    };
    const services = await ctx.services();
    const outcome = await runJobWithProgress(ctx, services, () => services.call('synth.start', params));
    if (outcome.state === 'cancelled') {
      ctx.stderr('desa synth: cancelled; the files written so far stay in place\n');
      return EXIT_CANCELLED;
    }
    if (outcome.state === 'failed') throw new Error(outcome.error ?? 'synth failed');
    const summary = outcome.result as Record<string, unknown>;
    await ctx.stdout(
      ctx.options.json
        ? `${JSON.stringify(summary, null, 2)}\n`
        : `${summary.stars} stars, ${summary.spectra} spectra, ${summary.lightCurveFiles} light-curve files written to ${summary.outDir}\n`,
    );
    return 0;
  },
});
