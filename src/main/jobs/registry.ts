/**
 * JobRegistry: the one place services start long jobs, so every host (GUI, CLI, server) can list
 * them, cancel them and subscribe to their progress the same way.
 */
import { randomUUID } from 'node:crypto';
import type { JobProgress, JobState, JobSummary } from '../../shared/jobs';
import { isCancelled } from './cancel';
import { ProgressTracker, type ProgressTrackerOptions } from './progress';

/** What a job body receives from the registry. */
export interface JobContext {
  jobId: string;
  kind: string;
  /** Aborted when someone calls `registry.cancel(jobId)`; pass it down to every cancellable step. */
  signal: AbortSignal;
  /** Report progress; the registry records it as the job's last progress and broadcasts it. */
  onProgress: (p: JobProgress) => void;
  /** A ProgressTracker already wired to `onProgress`. */
  tracker: (opts: Omit<ProgressTrackerOptions, 'jobId' | 'kind' | 'onProgress'>) => ProgressTracker;
}

export type JobEvent =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'state'; job: JobSummary };

export type JobListener = (event: JobEvent) => void;

export interface StartedJob<T> {
  jobId: string;
  /** Settles with the job's value; rejects with the job's error (CancelledError when cancelled). */
  result: Promise<T>;
}

interface JobEntry {
  summary: JobSummary;
  controller: AbortController;
}

export class JobRegistry {
  private readonly jobs = new Map<string, JobEntry>();
  private readonly listeners = new Set<JobListener>();

  /**
   * Starts `run` as a job and returns at once. The job's state becomes 'done', 'failed' or
   * 'cancelled' (a CancelledError, or any error after cancel() was called) when `run` settles.
   */
  start<T>(kind: string, run: (ctx: JobContext) => Promise<T>, opts: { jobId?: string } = {}): StartedJob<T> {
    const jobId = opts.jobId ?? randomUUID();
    const existing = this.jobs.get(jobId);
    if (existing && existing.summary.state === 'running') throw new Error(`job ${jobId} is already running`);
    const controller = new AbortController();
    const entry: JobEntry = {
      controller,
      summary: { jobId, kind, state: 'running', startedAt: new Date().toISOString(), endedAt: null, error: null, last: null },
    };
    this.jobs.set(jobId, entry);
    this.broadcast({ type: 'state', job: { ...entry.summary } });

    const onProgress = (p: JobProgress): void => {
      entry.summary.last = p;
      this.broadcast({ type: 'progress', progress: p });
    };
    const ctx: JobContext = {
      jobId,
      kind,
      signal: controller.signal,
      onProgress,
      tracker: (o) => new ProgressTracker({ ...o, jobId, kind, onProgress }),
    };
    const result = (async () => {
      try {
        const value = await run(ctx);
        this.finish(entry, 'done', null);
        return value;
      } catch (err) {
        const cancelled = isCancelled(err) || controller.signal.aborted;
        this.finish(entry, cancelled ? 'cancelled' : 'failed', err instanceof Error ? err.message : String(err));
        throw err;
      }
    })();
    // The caller may only care about events; an unobserved rejection must not crash the host.
    result.catch(() => undefined);
    return { jobId, result };
  }

  /** Requests cancellation; returns false when no running job has this id. */
  cancel(jobId: string, reason = 'cancelled by user'): boolean {
    const entry = this.jobs.get(jobId);
    if (!entry || entry.summary.state !== 'running') return false;
    entry.controller.abort(reason);
    return true;
  }

  /** A copy of one job's summary (state, times, error, last progress); undefined for an unknown id. */
  get(jobId: string): JobSummary | undefined {
    const entry = this.jobs.get(jobId);
    return entry ? { ...entry.summary } : undefined;
  }

  /** All known jobs, oldest first. */
  list(): JobSummary[] {
    return [...this.jobs.values()].map((e) => ({ ...e.summary }));
  }

  /** Subscribes to progress and state events of every job; returns the unsubscribe function. */
  subscribe(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private finish(entry: JobEntry, state: JobState, error: string | null): void {
    entry.summary.state = state;
    entry.summary.endedAt = new Date().toISOString();
    entry.summary.error = state === 'failed' ? error : null;
    this.broadcast({ type: 'state', job: { ...entry.summary } });
  }

  private broadcast(event: JobEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A faulty subscriber (e.g. a closed socket) must not break the job or other subscribers.
      }
    }
  }
}
