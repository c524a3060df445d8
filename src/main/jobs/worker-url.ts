/**
 * Locating and starting worker entry files (`*.worker.ts`) in both ways the app runs:
 *
 * - from TypeScript sources (vitest, tsx, the dev CLI): the worker is the `.ts` file next to the
 *   caller and Node must load it through tsx (see spawnWorker for how);
 * - from the electron-vite build: every `src/main/**\/*.worker.ts` is emitted as
 *   `out/main/<same relative path>.js`. A caller that kept its own file (module preserved) finds the
 *   sibling `.js`; a caller bundled into another chunk finds it by name under the nearest `out/main`.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** True when `importMetaUrl` is a TypeScript source module (so workers need the tsx loader). */
export function isSourceModule(importMetaUrl: string): boolean {
  return /\.(c|m)?tsx?$/.test(new URL(importMetaUrl).pathname);
}

/**
 * The URL of worker entry `<name>.worker.ts` (sources) or `<name>.worker.js` (build), relative to
 * the calling module. `name` may include a relative folder, e.g. './parse' or '../ingest/parse'.
 *
 * @param importMetaUrl the caller's `import.meta.url`
 * @throws Error naming both places looked at when the built worker cannot be found
 */
export function workerUrl(importMetaUrl: string, name: string): URL {
  const base = name.replace(/\.worker(\.(ts|js))?$/, '');
  if (isSourceModule(importMetaUrl)) return new URL(`${base}.worker.ts`, importMetaUrl);

  const sibling = new URL(`${base}.worker.js`, importMetaUrl);
  if (fs.existsSync(sibling)) return sibling;
  const outMain = findOutMain(fileURLToPath(importMetaUrl));
  const found = outMain ? findFile(outMain, `${path.basename(base)}.worker.js`) : null;
  if (found) return pathToFileURL(found);
  throw new Error(
    `worker '${base}.worker.js' not found next to ${fileURLToPath(importMetaUrl)}` +
      (outMain ? ` nor anywhere under ${outMain}` : ' (and no out/main folder above it)'),
  );
}

/**
 * Starts a worker thread on `url`, loading it through tsx when the entry is a TypeScript file.
 * Other WorkerOptions (workerData, resourceLimits, ...) pass through.
 *
 * Why not just execArgv ['--import', 'tsx']: on Node 20 the hooks that flag registers do not apply
 * to the worker's own entry module ("Unknown file extension .ts"). So a TypeScript worker starts as
 * a tiny bootstrap that registers tsx inside the worker thread and then imports the entry.
 */
export function spawnWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (!isSourceModule(url.href)) return new Worker(url, options);
  const bootstrap =
    `import(${JSON.stringify(tsxEsmApi())})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })` +
    `.catch((err) => { setImmediate(() => { throw err; }); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** URL of tsx's ESM API module (its `import` condition; require.resolve would give the CJS twin). */
function tsxEsmApi(): string {
  const tsxRoot = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  return pathToFileURL(path.join(tsxRoot, 'dist/esm/api/index.mjs')).href;
}

function findOutMain(file: string): string | null {
  let dir = path.dirname(file);
  for (;;) {
    if (path.basename(dir) === 'main' && path.basename(path.dirname(dir)) === 'out') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function findFile(root: string, fileName: string): string | null {
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.name === fileName) return full;
    }
  }
  return null;
}
