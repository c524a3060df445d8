/**
 * `desa ingest DIR... --project DIR [--json]`: scans folders of LAMOST/Kepler files into a project.
 * Progress (count/total, rate, ETA) goes to stderr; Ctrl-C cancels, keeps what was committed and
 * exits 130; a later ingest continues where this one stopped.
 */
import type { IngestSummary } from '../../../shared/contract';
import { runJobWithProgress } from '../job-runner';
import { defineCommand, EXIT_CANCELLED, UsageError } from '../registry';
import { formatCounts } from './status';

export default defineCommand({
  name: 'ingest',
  summary: 'ingest folders of LAMOST spectra and Kepler/K2 light curves into a project',
  usage: 'desa ingest DIR... --project DIR [--json]',
  options: { project: { type: 'string' }, json: { type: 'boolean' } },
  minArgs: 1,
  async run(ctx) {
    const project = ctx.options.project;
    if (typeof project !== 'string') throw new UsageError('--project DIR is required');
    const services = await ctx.services();
    await services.call('project.create', { dir: project });

    const outcome = await runJobWithProgress(ctx, services, () => services.call('ingest.start', { dirs: ctx.args }));
    if (outcome.state === 'cancelled') {
      ctx.stderr('desa ingest: cancelled; files read so far are kept, run the same command again to continue\n');
      return EXIT_CANCELLED;
    }
    if (outcome.state === 'failed') throw new Error(outcome.error ?? 'ingest failed');
    const summary = outcome.result as IngestSummary;
    await ctx.stdout(ctx.options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatIngestSummary(summary));
    return 0;
  },
});

function formatIngestSummary(summary: IngestSummary): string {
  const run =
    `read ${summary.filesRead} of ${summary.filesSeen} files (${summary.filesUnchanged} unchanged, ` +
    `${summary.filesSkipped} skipped) in ${summary.elapsedSeconds.toFixed(1)} s\n`;
  const skipped = summary.skipped.map((s) => `  skipped: ${s.reason}\n`).join('');
  return `${run}${formatCounts(summary.totals)}${skipped}`;
}
