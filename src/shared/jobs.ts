/**
 * Long jobs (ingest, training, UMAP, export) report progress the same way everywhere:
 * the CLI prints it, the server streams it over WebSocket, the GUI draws it.
 */

export interface JobProgress {
  jobId: string;
  kind: string;
  /** Human label of the current phase, e.g. 'reading files', 'training stage 2'. */
  phase: string;
  done: number;
  total: number | null;
  /** Units per second over a recent window; null until measurable. */
  rate: number | null;
  /** Seconds remaining, from rate and total; null when unknown. */
  etaSeconds: number | null;
  unit: string;
  message?: string;
}

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobSummary {
  jobId: string;
  kind: string;
  state: JobState;
  startedAt: string;
  endedAt: string | null;
  error: string | null;
  last: JobProgress | null;
}

/** Thrown (or returned) when a job stops because the user cancelled it. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}
