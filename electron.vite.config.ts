import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = fileURLToPath(new URL('.', import.meta.url));
const mainDir = resolve(root, 'src/main');

/** Every `src/main/**\/*.worker.ts`, keyed by its path relative to src/main without `.ts`. */
function workerEntries(dir = mainDir): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) Object.assign(entries, workerEntries(full));
    else if (name.endsWith('.worker.ts')) {
      entries[relative(mainDir, full).slice(0, -'.ts'.length).split(sep).join('/')] = full;
    }
  }
  return entries;
}

// Main process bundle: one build serves three hosts (Electron, CLI, headless server) plus the
// worker_threads entries. Modules are preserved one file per source module (under out/main/, same
// relative path as in src/main/) so a module can find its `*.worker.js` sibling next to itself, as
// src/main/jobs resolves workers. Node dependencies stay external (DuckDB, tfjs and usearch are
// native or large and must be loaded from node_modules at run time).
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(mainDir, 'index.ts'),
          'cli/main': resolve(mainDir, 'cli/main.ts'),
          'server/main': resolve(mainDir, 'server/main.ts'),
          ...workerEntries(),
        },
        output: {
          preserveModules: true,
          preserveModulesRoot: 'src/main',
          entryFileNames: '[name].js',
        },
      },
    },
  },
  preload: {
    build: {
      rolldownOptions: { input: { index: resolve(root, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [svelte({ configFile: resolve(root, 'svelte.config.js') })],
    build: {
      rolldownOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
    },
  },
});
