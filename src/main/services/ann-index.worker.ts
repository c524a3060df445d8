/**
 * Worker thread that builds (or finds) the similarity index of one embedding and leaves it in the
 * project's map cache (`AnnIndex.loadOrBuild`), then posts 'done'. The services thread then loads
 * the saved file in milliseconds instead of spending minutes of its own time building the HNSW
 * graph (about 1,000 CPU-seconds at a million stars) while the server stops answering.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { AnnIndex } from '../map/ann';
import type { EmbeddingMatrix } from '../map/matrix';

/** What the host passes as workerData. */
export interface AnnIndexWorkerInput {
  projectDir: string;
  matrix: EmbeddingMatrix;
}

/** Messages the worker posts. */
export type AnnIndexWorkerMessage = { type: 'done' } | { type: 'error'; message: string };

const port = parentPort;
if (!port) throw new Error('ann-index.worker.ts must run as a worker thread');
const input = workerData as AnnIndexWorkerInput;
// A background build: lowest CPU priority, so the server's thread, the renderer and the GUI's own
// work come first. On Linux this sets this thread's nice value only, and the index's build threads
// (started from here) inherit it; searches use an exact scan until the index is saved.
try {
  os.setPriority(19);
} catch {
  // Not permitted on this platform: build at normal priority.
}
try {
  AnnIndex.loadOrBuild(input.projectDir, input.matrix);
  port.postMessage({ type: 'done' } satisfies AnnIndexWorkerMessage);
} catch (err) {
  port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies AnnIndexWorkerMessage);
}
