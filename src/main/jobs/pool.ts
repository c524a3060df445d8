/**
 * WorkerPool: a fixed set of worker threads (one per core by default) running the tasks of one
 * `*.worker.ts` entry. Results come back by transfer (see protocol.ts), and `mapOrdered` streams
 * results in input order with a bounded number of tasks in flight, which is the back-pressure
 * ingest relies on: the pool never runs ahead of the consumer by more than `concurrency` results.
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { throwIfCancelled, toCancelledError } from './cancel';
import type { TaskReply, TaskRequest } from './protocol';
import { spawnWorker } from './worker-url';

export interface WorkerPoolOptions {
  /** Number of worker threads; default os.availableParallelism(). */
  size?: number;
  /** Passed to every worker as `workerData`. */
  workerData?: unknown;
}

/** One settled task of `mapOrdered`: the input and either its value or its error. */
export type Settled<In, Out> = { input: In; ok: true; value: Out } | { input: In; ok: false; error: Error };

interface Pending<In, Out> {
  id: number;
  input: In;
  resolve: (v: Out) => void;
  reject: (e: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot<In, Out> {
  worker: Worker;
  task: Pending<In, Out> | null;
}

export class WorkerPool<In, Out> {
  readonly size: number;
  private readonly url: URL;
  private readonly workerData: unknown;
  private readonly slots: Slot<In, Out>[] = [];
  private readonly queue: Pending<In, Out>[] = [];
  private nextId = 1;
  private closed = false;

  constructor(url: URL, opts: WorkerPoolOptions = {}) {
    this.url = url;
    this.size = Math.max(1, opts.size ?? os.availableParallelism());
    this.workerData = opts.workerData;
  }

  /** Runs one task on the next free worker. Rejects with CancelledError if `signal` aborts first. */
  run(input: In, opts: { signal?: AbortSignal } = {}): Promise<Out> {
    if (this.closed) return Promise.reject(new Error('WorkerPool is closed'));
    try {
      throwIfCancelled(opts.signal);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<Out>((resolve, reject) => {
      const task: Pending<In, Out> = { id: this.nextId++, input, resolve, reject, signal: opts.signal };
      if (opts.signal) {
        task.onAbort = () => {
          const queued = this.queue.indexOf(task);
          if (queued >= 0) this.queue.splice(queued, 1);
          // A running task cannot be interrupted mid-parse; its late reply is ignored.
          this.settle(task, undefined, toCancelledError(opts.signal?.reason));
        };
        opts.signal.addEventListener('abort', task.onAbort, { once: true });
      }
      this.queue.push(task);
      this.dispatch();
    });
  }

  /**
   * Runs `inputs` through the pool and yields every result, success or failure, in input order.
   * At most `concurrency` tasks (default 2 x size) are in flight or waiting to be consumed.
   * Stops with CancelledError when `signal` aborts.
   */
  async *mapOrdered(
    inputs: Iterable<In>,
    opts: { concurrency?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<Settled<In, Out>> {
    const concurrency = Math.max(1, opts.concurrency ?? this.size * 2);
    const source = inputs[Symbol.iterator]();
    const window: { input: In; settled: Promise<Settled<In, Out>> }[] = [];
    const fill = (): void => {
      while (window.length < concurrency) {
        const next = source.next();
        if (next.done) return;
        const input = next.value;
        const settled = this.run(input, { signal: opts.signal }).then(
          (value): Settled<In, Out> => ({ input, ok: true, value }),
          (error: unknown): Settled<In, Out> => ({ input, ok: false, error: asError(error) }),
        );
        window.push({ input, settled });
      }
    };
    fill();
    while (window.length > 0) {
      const head = window.shift() as (typeof window)[number];
      const result = await head.settled;
      throwIfCancelled(opts.signal);
      yield result;
      fill();
    }
  }

  /** Stops every worker; queued tasks reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) this.settle(task, undefined, new Error('WorkerPool closed'));
    const slots = this.slots.splice(0);
    for (const slot of slots) if (slot.task) this.settle(slot.task, undefined, new Error('WorkerPool closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.task === null);
      if (!slot && this.slots.length < this.size) slot = this.startWorker();
      if (!slot) return;
      const task = this.queue.shift() as Pending<In, Out>;
      slot.task = task;
      const msg: TaskRequest<In> = { id: task.id, input: task.input };
      slot.worker.postMessage(msg);
    }
  }

  private startWorker(): Slot<In, Out> {
    const worker = spawnWorker(this.url, { workerData: this.workerData });
    const slot: Slot<In, Out> = { worker, task: null };
    worker.on('message', (reply: TaskReply<Out>) => {
      const task = slot.task;
      slot.task = null;
      if (task && task.id === reply.id) {
        if (reply.ok) this.settle(task, reply.value, null);
        else this.settle(task, undefined, remoteError(reply.error));
      }
      this.dispatch();
    });
    // A crashed worker fails only its own task; a fresh worker takes its place on the next dispatch.
    const onDeath = (err: Error): void => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      if (slot.task) this.settle(slot.task, undefined, err);
      slot.task = null;
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (err) => onDeath(new Error(`worker ${this.url.pathname} crashed: ${err.message}`)));
    worker.on('exit', (code) => onDeath(new Error(`worker ${this.url.pathname} exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private settle(task: Pending<In, Out>, value: Out | undefined, error: Error | null): void {
    if (task.onAbort) task.signal?.removeEventListener('abort', task.onAbort);
    task.onAbort = undefined;
    if (error) task.reject(error);
    else task.resolve(value as Out);
    // Later settle() calls for the same task (late reply after cancel) are harmless no-ops on a settled promise.
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** Rebuilds a worker's error on this thread, keeping its name (e.g. 'SurveyError') and message. */
function remoteError(e: { name: string; message: string; stack?: string }): Error {
  const err = new Error(e.message);
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}
