/**
 * Issue 5's target: the whole `small` pipeline (both pretrainings, alignment, two fine-tunes) on a
 * 5,000-star demo survey within an hour on two cores. Runs `runDemo` with the stages in the training
 * worker, as the app and CLI run them, and records the wall time of each phase. Knobs: BENCH_STARS (5000), BENCH_SIZE (small), BENCH_EPOCHS (1 pass over the stars per
 * stage), BENCH_OUT (a temp folder). Writes bench/results/pipeline.json. Long: run it alone.
 */
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDemo } from '../src/main/pipeline/demo';
import { StageWorker } from '../src/main/pipeline/stage-worker';
import type { ModelSize } from '../src/main/model/configs';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function run() {
  const stars = Number(process.env.BENCH_STARS ?? 5000);
  const size = (process.env.BENCH_SIZE ?? 'small') as ModelSize;
  const batchSize = 16;
  const steps = Math.ceil((Number(process.env.BENCH_EPOCHS ?? 1) * stars) / batchSize);
  const outDir = process.env.BENCH_OUT ?? mkdtempSync(path.join(os.tmpdir(), 'desa-pipeline-bench-'));
  let backend = '';
  const runner = new StageWorker({ onBackend: (b) => (backend = b.description) });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const phases: { line: string; at: number }[] = [];
  const summary = await runDemo({
    outDir, stars, seed: 42, size, quarters: 1, batchSize, runner,
    steps: { spectra: steps, lightcurve: steps, dualformer: steps, finetune: steps },
    log: (line) => { phases.push({ line, at: (performance.now() - t0) / 1000 }); console.log(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${line}`); },
  }).finally(() => runner.close());
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // CPU seconds of this process (all its threads): on a shared machine, wall time alone overstates
  // the cost; cpuSeconds / cores bounds the wall time on an idle machine of the same kind.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const result = {
    stars, size, batchSize, stepsPerStage: steps, backend, seconds, cpuSeconds, cores: os.cpus().length,
    loadAverageAtEnd: os.loadavg(), withinOneHour: seconds <= 3600, phases, stages: summary.stages, date: new Date().toISOString() };
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(path.join(here, 'results', 'pipeline.json'), JSON.stringify(result, null, 2));
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await run(), null, 2));
