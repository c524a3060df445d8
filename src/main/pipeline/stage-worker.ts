/**
 * StageWorker: runs the DESA stages in a worker thread (stage.worker.ts), so a training step never
 * blocks the thread serving the GUI, the CLI or the server. One worker runs one job at a time and
 * can run several in a row (the demo trains five stages and embeds in one worker).
 *
 * The project database stays on this thread. DuckDB must not open one file twice in a process (its
 * file lock is per process, so a second instance in a worker would not be refused, and two buffer
 * managers writing one file corrupt it), and our store shares its instance per thread only. So the
 * worker gets a stand-in for the few store methods the stages use (STAGE_STORE_METHODS): each call
 * crosses a MessageChannel to this thread, which reads the store and sends typed arrays back by
 * transfer; embeddings come back the same way and are written here.
 *
 * Cancel: the worker stops at its next step boundary, writes a checkpoint there and reports the run
 * as cancelled (the same result as in-process training). A step that has not ended after
 * `cancelGraceMs` gets its worker terminated: the newest checkpoint on disk stays valid, because
 * checkpoints are written to a temporary folder and published by renaming `latest.json`.
 */
import { MessageChannel, type Worker } from 'node:worker_threads';
import type { TrainConfig, TrainingStage, TrainResult } from '../../shared/training';
import { CancelledError } from '../../shared/jobs';
import { spawnWorker, workerUrl } from '../jobs/worker-url';
import { errorFromJson, serveMethods } from '../jobs/rpc';
import { throwIfCancelled } from '../jobs/cancel';
import type { BackendChoice } from '../model/backend/select';
import { STAGE_STORE_METHODS } from './project-data';
import type { EmbedSummary, FineTuneResult, StageContext, StageRunner } from './stages';
import type { HostMessage, StageJob, StageWorkerData, WorkerBackend, WorkerMessage } from './stage-worker-protocol';

export interface StageWorkerOptions {
  /** Backends the worker may choose, in order (default: the full probe, or DESA_BACKEND). */
  backends?: BackendChoice[];
  /** How long a cancelled job may take to reach its next step before its worker is terminated, ms (default 10 000). */
  cancelGraceMs?: number;
  /** Told, for every worker started, which backend it runs. */
  onBackend?: (backend: WorkerBackend) => void;
  /** Told when a worker dies while no job runs (e.g. no backend could start); a job's own failure rejects the job. */
  onFailure?: (err: Error) => void;
}

interface Running {
  id: number;
  worker: Worker;
  ctx: StageContext;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export class StageWorker implements StageRunner {
  private worker: Worker | null = null;
  private running: Running | null = null;
  private nextId = 1;
  private readonly cancelGraceMs: number;

  constructor(private readonly options: StageWorkerOptions = {}) {
    this.cancelGraceMs = options.cancelGraceMs ?? 10_000;
  }

  /** The worker's thread id (null before the first job or after close). */
  get threadId(): number | null {
    return this.worker?.threadId ?? null;
  }

  train(ctx: StageContext, stage: TrainingStage, cfg: TrainConfig): Promise<TrainResult | FineTuneResult> {
    return this.run(ctx, { kind: 'train', stage, config: cfg }) as Promise<TrainResult | FineTuneResult>;
  }

  embed(ctx: StageContext): Promise<EmbedSummary> {
    return this.run(ctx, { kind: 'embed' }) as Promise<EmbedSummary>;
  }

  /** Starts the worker now (tfjs and backend initialise meanwhile) rather than at the first job. */
  prepare(): void {
    if (!this.worker) this.start();
  }

  /** Stops the worker (a running job rejects). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.running?.reject(new Error('the training worker was closed'));
    this.running = null;
    await worker?.terminate();
  }

  private run(ctx: StageContext, job: StageJob): Promise<unknown> {
    try {
      throwIfCancelled(ctx.signal);
      if (this.running) throw new Error('a StageWorker runs one job at a time');
    } catch (err) {
      return Promise.reject(err);
    }
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    const channel = new MessageChannel();
    const stopServing = serveMethods(channel.port1, ctx.store, STAGE_STORE_METHODS);
    let graceTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      const reason = typeof ctx.signal?.reason === 'string' ? ctx.signal.reason : 'cancelled by user';
      worker.postMessage({ type: 'cancel', id, reason } satisfies HostMessage);
      graceTimer = setTimeout(() => {
        if (this.running?.id !== id) return;
        this.running.reject(new CancelledError(`${reason}; the training worker did not stop within ${this.cancelGraceMs} ms and was terminated (the last checkpoint is kept)`));
        this.running = null;
        if (this.worker === worker) this.worker = null;
        void worker.terminate();
      }, this.cancelGraceMs);
    };
    const result = new Promise<unknown>((resolve, reject) => {
      this.running = { id, worker, ctx, resolve, reject };
    });
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    const context = { projectDir: ctx.projectDir, size: ctx.size, labels: ctx.labels };
    worker.postMessage({ type: 'run', id, job, context, store: channel.port2 } satisfies HostMessage, [channel.port2]);
    return result.finally(() => {
      clearTimeout(graceTimer);
      ctx.signal?.removeEventListener('abort', onAbort);
      stopServing();
    });
  }

  private start(): Worker {
    const workerData: StageWorkerData = { backends: this.options.backends };
    const worker = spawnWorker(workerUrl(import.meta.url, './stage'), { workerData });
    worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'ready') return this.options.onBackend?.(msg.backend);
      const job = this.running;
      if (!job || job.worker !== worker || job.id !== msg.id) return; // a late message of a job already given up
      if (msg.type === 'step') return job.ctx.onStep?.(msg.stage, msg.report);
      this.running = null;
      if (msg.type === 'done') job.resolve(msg.value);
      else job.reject(errorFromJson(msg.error));
    });
    const onDeath = (err: Error): void => {
      const unexpected = this.worker === worker; // close() forgets the worker before terminating it
      if (unexpected) this.worker = null;
      if (this.running?.worker !== worker) {
        if (unexpected) this.options.onFailure?.(err);
        return;
      }
      this.running.reject(err);
      this.running = null;
    };
    worker.on('error', (err) => onDeath(new Error(`the training worker failed: ${err.message}`)));
    worker.on('exit', (code) => onDeath(new Error(`the training worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
