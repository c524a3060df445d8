/**
 * Benchmark of the synthetic survey generator: generation rate (stars/s) and peak resident
 * memory at growing survey sizes, to show the generator streams (memory does not grow with the
 * number of stars) and to extrapolate to a 200k-star Kepler-sized survey.
 *
 * Run: node --import tsx bench/synth.bench.ts   (writes bench/results/synth.json)
 * Sizes can be overridden: SYNTH_BENCH_SIZES=200,1000 SYNTH_BENCH_FULL=50 node --import tsx bench/synth.bench.ts
 * (SYNTH_BENCH_FULL: stars of the full-mission run, all 17 quarters, used to extrapolate to 200k).
 * Every run uses one worker per core, so peak RSS is comparable across sizes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateSurvey } from '../src/main/synth/index';

interface SynthBenchRow {
  stars: number;
  quarters: number;
  seconds: number;
  starsPerSecond: number;
  cpuSecondsPerStar: number;
  peakRssMb: number;
  bytesWritten: number;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? folderBytes(p) : fs.statSync(p).size;
  }
  return total;
}

async function measure(stars: number, quarters: number): Promise<SynthBenchRow> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-synth-bench-'));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const cpu0 = process.cpuUsage(); // all threads of the process, workers included
  const t0 = performance.now();
  try {
    await generateSurvey({ stars, seed: 7, outDir, quarters, workers: os.availableParallelism() });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    peak = Math.max(peak, process.memoryUsage().rss);
    return {
      stars, quarters, seconds,
      starsPerSecond: stars / seconds,
      cpuSecondsPerStar: (cpu.user + cpu.system) / 1e6 / stars,
      peakRssMb: peak / 2 ** 20,
      bytesWritten: folderBytes(outDir),
    };
  } finally {
    clearInterval(sampler);
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

/** Runs the benchmark and writes bench/results/synth.json. */
export async function run(): Promise<{ rows: SynthBenchRow[]; extrapolated200k: { hours: number; terabytes: number } }> {
  const sizes = (process.env.SYNTH_BENCH_SIZES ?? '200,1000,4000').split(',').map(Number);
  const rows: SynthBenchRow[] = [];
  const report = (row: SynthBenchRow) =>
    console.log(`${row.stars} stars, ${row.quarters} quarter(s): ${row.starsPerSecond.toFixed(1)} stars/s, ${(row.cpuSecondsPerStar * 1000).toFixed(1)} ms CPU/star, peak RSS ${row.peakRssMb.toFixed(0)} MB`);
  for (const stars of sizes) {
    rows.push(await measure(stars, 1));
    report(rows[rows.length - 1]);
  }
  // The full mission (Q1–Q17) on a few stars: per-star cost and size scale linearly from here.
  const full = await measure(Number(process.env.SYNTH_BENCH_FULL ?? 100), 17);
  report(full);
  const extrapolated200k = {
    hours: (200_000 * full.seconds) / full.stars / 3600,
    terabytes: (200_000 * full.bytesWritten) / full.stars / 1e12,
  };
  const result = {
    benchmark: 'synth',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadAverage: os.loadavg(),
    rows,
    fullMission: full,
    // Streaming: the largest survey must not need much more memory than the smallest.
    memoryBounded: rows[rows.length - 1].peakRssMb < 1.25 * rows[0].peakRssMb,
    extrapolated200k,
  };
  const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'results', 'synth.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  return { rows, extrapolated200k };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await run();
}
