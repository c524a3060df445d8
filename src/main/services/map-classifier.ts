/**
 * Population classification for `map.classify`, run as a job: the classifier (src/main/map/
 * classifiers/population.ts) runs in a worker thread, so the services process keeps answering
 * while a full-covariance GMM fits for seconds, progress (folds, final fit, scoring blocks, EM
 * iterations) flows back as it happens, and cancelling terminates the thread at once.
 */
import type { ClassificationProgress, PopulationClassification } from '../map/classifiers/population';
import type { ClassifyWorkerInput, ClassifyWorkerMessage } from '../map/classifiers/classify.worker';
import { spawnWorker, workerUrl } from '../jobs/worker-url';
import { toCancelledError } from '../jobs/cancel';

export {
  argmaxRows, crossValidate, fitLogistic, predictProbabilities, stratifiedFolds,
  type CrossValidation, type FitOptions, type LogisticModel,
} from '../map/classifiers/index';
export { classifyPopulations, classificationSteps, type PopulationClassification, type ClassificationProgress } from '../map/classifiers/population';

/**
 * Runs classifyPopulations on `input` in a worker thread.
 * @throws CancelledError when `signal` aborts (the worker is terminated; nothing is returned)
 * @throws Error with the classifier's message when it fails (a bad setting, EM breaking down)
 */
export function classifyInWorker(
  input: ClassifyWorkerInput,
  opts: { signal?: AbortSignal; onProgress?: (p: ClassificationProgress) => void } = {},
): Promise<PopulationClassification> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(toCancelledError(opts.signal.reason));
    const worker = spawnWorker(workerUrl(import.meta.url, '../map/classifiers/classify'), { workerData: input });
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      f();
      void worker.terminate();
    };
    const onAbort = (): void => finish(() => reject(toCancelledError(opts.signal?.reason)));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: ClassifyWorkerMessage) => {
      if (m.type === 'progress') { if (!settled) opts.onProgress?.(m.progress); }
      else if (m.type === 'done') finish(() => resolve(m.result));
      else finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the classification worker stopped (exit code ${code}) before answering`))));
  });
}
