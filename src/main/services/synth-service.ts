/** `synth.start`: the synthetic demo survey as a job (src/main/synth does the physics). */
import { resolve } from 'node:path';
import type { JobRegistry, StartedJob } from '../jobs/registry';

export interface SynthRequest {
  outDir: string;
  stars?: number;
  seed?: number;
  quarters?: number;
}

/** Starts generating; omitted numbers take the generator's demo defaults (DEMO_SURVEY). */
export function startSynth(jobs: JobRegistry, request: SynthRequest): StartedJob<unknown> {
  return jobs.start('synth', async (ctx) => {
    // Loaded on first use: the generator is large and most sessions never run it.
    const { generateSurvey, DEMO_SURVEY } = await import('../synth/index');
    return generateSurvey({
      outDir: resolve(request.outDir),
      stars: request.stars ?? DEMO_SURVEY.stars,
      seed: request.seed ?? DEMO_SURVEY.seed,
      quarters: request.quarters ?? DEMO_SURVEY.quarters,
      signal: ctx.signal,
      onProgress: ctx.onProgress,
      jobId: ctx.jobId,
    });
  });
}
