/**
 * Building an embedding's similarity index off the services thread (see ann-index.worker.ts), so
 * opening a large project's map leaves the server answering while the index for star clicks builds.
 */
import type { EmbeddingMatrix } from '../map/matrix';
import { spawnWorker, workerUrl } from '../jobs/worker-url';
import type { AnnIndexWorkerInput, AnnIndexWorkerMessage } from './ann-index.worker';

/**
 * Makes sure `<projectDir>/map/` holds the similarity index of `matrix` (built in a worker thread
 * when missing); `AnnIndex.loadOrBuild` on this thread then only loads it.
 * @throws Error with the worker's message when the build fails
 */
export function buildAnnIndexInWorker(projectDir: string, matrix: EmbeddingMatrix): Promise<void> {
  return new Promise((resolve, reject) => {
    const input: AnnIndexWorkerInput = { projectDir, matrix };
    const worker = spawnWorker(workerUrl(import.meta.url, './ann-index'), { workerData: input });
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (m: AnnIndexWorkerMessage) => finish(() => (m.type === 'done' ? resolve() : reject(new Error(m.message)))));
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the similarity-index worker stopped (exit code ${code}) before answering`))));
  });
}
