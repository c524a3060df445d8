/** Jobs toolkit: progress, cancellation, the job registry and the worker pool. */
export { ProgressTracker, type ProgressTrackerOptions } from './progress';
export { throwIfCancelled, isCancelled, toCancelledError, sleep } from './cancel';
export { JobRegistry, type JobContext, type JobEvent, type JobListener, type StartedJob } from './registry';
export { WorkerPool, type WorkerPoolOptions, type Settled } from './pool';
export { workerUrl, spawnWorker, isSourceModule } from './worker-url';
export { collectTransferables } from './protocol';
export { serveTasks } from './worker-side';
