/**
 * Worker thread of a `map.classify` job: runs classifyPopulations on the matrix it was started
 * with and posts its progress, then the result (typed arrays moved, not copied). The host cancels
 * by terminating the thread, so a long EM fit stops at once and nothing is written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { classifyPopulations, type ClassificationProgress, type PopulationClassification } from './population';

/** What the host passes as workerData. */
export interface ClassifyWorkerInput {
  data: Float32Array;
  dim: number;
  stars: number;
  rows: number[];
  labels: number[];
  classes: number;
  folds: number;
  settings: unknown;
}

/** Messages the worker posts. */
export type ClassifyWorkerMessage =
  | { type: 'progress'; progress: ClassificationProgress }
  | { type: 'done'; result: PopulationClassification }
  | { type: 'error'; message: string };

const port = parentPort;
if (!port) throw new Error('classify.worker.ts must run as a worker thread');
const input = workerData as ClassifyWorkerInput;
try {
  const result = classifyPopulations(
    input.data, input.dim, input.stars, input.rows, input.labels, input.classes, input.folds, input.settings,
    (progress) => port.postMessage({ type: 'progress', progress } satisfies ClassifyWorkerMessage),
  );
  port.postMessage({ type: 'done', result } satisfies ClassifyWorkerMessage, [result.probabilities.buffer as ArrayBuffer, result.predicted.buffer as ArrayBuffer]);
} catch (err) {
  port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies ClassifyWorkerMessage);
}
