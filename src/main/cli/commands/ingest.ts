/**
 * `desa ingest DIR... --project DIR [--json]`: scans folders of LAMOST/Kepler files into a project.
 * Progress (count/total, rate, ETA) goes to stderr; Ctrl-C cancels, keeps what was committed and
 * exits 130; a later ingest continues where this one stopped.
 */
import type { IngestSummary } from '../../../shared/contract';
import { formatProgress } from '../progress-line';
import { defineCommand, EXIT_CANCELLED, UsageError } from '../registry';
import { formatStatus } from './status';

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

    const live = process.stderr.isTTY === true;
    let lastLineLength = 0;
    const stopProgress = services.on('job.progress', (p) => {
      const line = formatProgress(p);
      // On a terminal the line redraws in place; in a log each update is its own line.
      if (live) ctx.stderr(`\r${line.padEnd(lastLineLength)}`);
      else ctx.stderr(`${line}\n`);
      lastLineLength = line.length;
    });
    const done = new Promise<{ state: string; error: string | null; result: unknown }>((resolve) => {
      const stop = services.on('job.done', (event) => {
        stop();
        resolve(event);
      });
    });
    const { jobId } = await services.call('ingest.start', { dirs: ctx.args });
    const cancel = (): void => void services.call('jobs.cancel', { jobId });
    ctx.signal.addEventListener('abort', cancel, { once: true });

    const outcome = await done;
    stopProgress();
    ctx.signal.removeEventListener('abort', cancel);
    if (live) ctx.stderr('\n');
    if (outcome.state === 'cancelled') {
      ctx.stderr('desa ingest: cancelled; files read so far are kept, run the same command again to continue\n');
      return EXIT_CANCELLED;
    }
    if (outcome.state === 'failed') throw new Error(outcome.error ?? 'ingest failed');
    const summary = outcome.result as IngestSummary;
    await ctx.stdout(ctx.options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatStatus(summary as never));
    return 0;
  },
});

