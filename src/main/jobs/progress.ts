/**
 * ProgressTracker turns "I finished n more units" into JobProgress events with a rate measured
 * over a sliding time window (so a slow start does not distort the ETA forever) and throttles how
 * often it emits (a million ticks must not mean a million WebSocket messages).
 */
import type { JobProgress } from '../../shared/jobs';

export interface ProgressTrackerOptions {
  jobId: string;
  kind: string;
  unit: string;
  phase?: string;
  total?: number | null;
  /** Receives throttled snapshots; the final `flush()` always emits. */
  onProgress?: (p: JobProgress) => void;
  /** Width of the window the rate is measured over, ms (default 5000). */
  windowMs?: number;
  /** Minimum time between two emitted events, ms (default 250). */
  minIntervalMs?: number;
  /** Clock in ms; injectable for tests. */
  now?: () => number;
}

interface Sample {
  t: number;
  done: number;
}

export class ProgressTracker {
  readonly jobId: string;
  readonly kind: string;
  private unit: string;
  private phase: string;
  private total: number | null;
  private done = 0;
  private message: string | undefined;
  private samples: Sample[] = [];
  private lastEmit = -Infinity;
  private readonly windowMs: number;
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private readonly onProgress?: (p: JobProgress) => void;

  constructor(opts: ProgressTrackerOptions) {
    this.jobId = opts.jobId;
    this.kind = opts.kind;
    this.unit = opts.unit;
    this.phase = opts.phase ?? '';
    this.total = opts.total ?? null;
    this.onProgress = opts.onProgress;
    this.windowMs = opts.windowMs ?? 5000;
    this.minIntervalMs = opts.minIntervalMs ?? 250;
    this.now = opts.now ?? (() => performance.now());
    this.samples.push({ t: this.now(), done: 0 });
  }

  /**
   * Starts a new phase: the count (0 unless `done` is given) and the rate window restart, and an
   * event is emitted at once.
   */
  setPhase(phase: string, opts: { total?: number | null; unit?: string; done?: number } = {}): void {
    this.phase = phase;
    if (opts.total !== undefined) this.total = opts.total;
    if (opts.unit !== undefined) this.unit = opts.unit;
    this.done = opts.done ?? 0;
    this.message = undefined;
    this.samples = [{ t: this.now(), done: this.done }];
    this.flush();
  }

  setTotal(total: number | null): void {
    this.total = total;
  }

  /** Adds `n` finished units (default 1) and emits if the throttle allows. */
  tick(n = 1, message?: string): void {
    this.update(this.done + n, message);
  }

  /** Sets the absolute count of finished units and emits if the throttle allows. */
  update(done: number, message?: string): void {
    this.done = done;
    if (message !== undefined) this.message = message;
    const t = this.now();
    this.samples.push({ t, done });
    this.trimWindow(t);
    if (t - this.lastEmit >= this.minIntervalMs) this.emit(t);
  }

  /** Emits the current state regardless of the throttle (use at phase ends and job end). */
  flush(): void {
    this.emit(this.now());
  }

  /** The current state as a JobProgress. */
  snapshot(): JobProgress {
    const rate = this.rate();
    const remaining = this.total === null ? null : Math.max(0, this.total - this.done);
    const etaSeconds = remaining === null || rate === null || rate <= 0 ? null : remaining / rate;
    const p: JobProgress = {
      jobId: this.jobId,
      kind: this.kind,
      phase: this.phase,
      done: this.done,
      total: this.total,
      rate,
      etaSeconds,
      unit: this.unit,
    };
    if (this.message !== undefined) p.message = this.message;
    return p;
  }

  /** Units per second over the window; null until two samples at different times exist. */
  private rate(): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const dt = (last.t - first.t) / 1000;
    if (this.samples.length < 2 || dt <= 0) return null;
    return (last.done - first.done) / dt;
  }

  /** Drops samples older than the window, but always keeps one at or before its start as the anchor. */
  private trimWindow(t: number): void {
    while (this.samples.length > 2 && this.samples[1].t <= t - this.windowMs) this.samples.shift();
  }

  private emit(t: number): void {
    this.lastEmit = t;
    this.onProgress?.(this.snapshot());
  }
}
