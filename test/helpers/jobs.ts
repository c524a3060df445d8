/** Waiting for a job started through the services, as a client would (the job.done event). */
import type { DesaServices } from '../../src/main/services/index';
import type { JobDoneEvent } from '../../src/shared/contract';

/**
 * Resolves with the job.done event of `jobId`. Call it right after the start call answered: jobs
 * that start a worker thread (map.classify, training) cannot end before their id is known.
 */
export function jobDone(services: DesaServices, jobId: string): Promise<JobDoneEvent> {
  return new Promise((resolve) => {
    const off = services.on('job.done', (e) => {
      if (e.jobId === jobId) { off(); resolve(e); }
    });
  });
}

/** The result of a job that must succeed (throws with the job's error otherwise). */
export async function jobResult<T>(services: DesaServices, started: Promise<{ jobId: string }>): Promise<T> {
  const done = await jobDone(services, (await started).jobId);
  if (done.state !== 'done') throw new Error(`job ${done.kind} ${done.state}: ${done.error}`);
  return done.result as T;
}
