/**
 * `npm run bench [name...]`: runs every bench/*.bench.ts (or the named ones) one after another, so
 * timings never compete with each other. Each bench exports `run(): Promise<object>` and writes its
 * own JSON to bench/results/<name>.json; this runner also writes bench/results/summary.json.
 */
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();
if (files.length === 0) {
  console.error(`bench: nothing matches ${wanted.join(', ')}; available: ${readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).join(', ')}`);
  process.exit(2);
}

const summary: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  results: {},
};
mkdirSync(path.join(benchDir, 'results'), { recursive: true });
for (const f of files) {
  const name = f.replace(/\.bench\.ts$/, '');
  console.log(`bench: ${name} ...`);
  const t0 = performance.now();
  try {
    const mod = (await import(pathToFileURL(path.join(benchDir, f)).href)) as { run(): Promise<unknown> };
    (summary.results as Record<string, unknown>)[name] = { ok: true, seconds: (performance.now() - t0) / 1000, result: await mod.run() };
  } catch (e) {
    console.error(`bench: ${name} failed: ${(e as Error).stack}`);
    (summary.results as Record<string, unknown>)[name] = { ok: false, error: (e as Error).message };
  }
}
writeFileSync(path.join(benchDir, 'results', 'summary.json'), JSON.stringify(summary, null, 2));
console.log(`bench: results in ${path.join(benchDir, 'results')}`);
