/**
 * Runs a service job from the CLI: starts it, prints its progress on stderr (redrawn in place on a
 * terminal, one line per update in a log), cancels it on Ctrl-C, and waits for `job.done`.
 */
import type { JobDoneEvent } from '../../shared/contract';
import type { DesaServices } from '../services/index';
import { formatProgress } from './progress-line';
import type { CliContext } from './registry';

/** Starts the job with `start` and resolves with its `job.done` event. */
export async function runJobWithProgress(
  ctx: CliContext,
  services: DesaServices,
  start: () => Promise<{ jobId: string }>,
): Promise<JobDoneEvent> {
  const live = process.stderr.isTTY === true;
  let jobId: string | null = null;
  let lastLength = 0;
  // Events of this job only; they may arrive before start() returns, so buffer until the id is known.
  const early: JobDoneEvent[] = [];
  let resolveDone: (event: JobDoneEvent) => void = () => undefined;
  const done = new Promise<JobDoneEvent>((resolve) => (resolveDone = resolve));

  const stopProgress = services.on('job.progress', (p) => {
    if (jobId !== null && p.jobId !== jobId) return;
    const line = formatProgress(p);
    if (live) ctx.stderr(`\r${line.padEnd(lastLength)}`);
    else ctx.stderr(`${line}\n`);
    lastLength = line.length;
  });
  const stopDone = services.on('job.done', (event) => {
    if (jobId === null) early.push(event);
    else if (event.jobId === jobId) resolveDone(event);
  });

  const cancel = (): void => {
    if (jobId !== null) void services.call('jobs.cancel', { jobId });
  };
  ctx.signal.addEventListener('abort', cancel, { once: true });
  try {
    jobId = (await start()).jobId;
    const already = early.find((e) => e.jobId === jobId);
    if (already) resolveDone(already);
    if (ctx.signal.aborted) cancel();
    return await done;
  } finally {
    stopProgress();
    stopDone();
    ctx.signal.removeEventListener('abort', cancel);
    if (live && lastLength > 0) ctx.stderr('\n');
  }
}
