#!/usr/bin/env node
// `npm start`: builds the app if out/ is missing, then launches Electron; where the Electron binary
// is not installed (e.g. ELECTRON_SKIP_BINARY_DOWNLOAD), says so and starts the headless server,
// printing the URL (with its access token) to open in a browser. Extra arguments (--project DIR,
// --port N) go to the server.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const builtFiles = ['out/main/index.js', 'out/main/server/main.js', 'out/preload/index.mjs', 'out/renderer/index.html'];

/** The Electron executable's path, or null with the reason it cannot run. */
function findElectron() {
  try {
    const path = require('electron'); // the npm package exports the binary's path, or throws
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { reason: `the Electron package points to ${path}, which does not exist` };
  } catch {
    // The npm package installs without its binary when ELECTRON_SKIP_BINARY_DOWNLOAD is set
    // (or when the download is impossible, as offline); requiring it then throws.
    return { reason: 'the Electron binary is not installed (node_modules/electron/dist is missing)' };
  }
}

if (builtFiles.some((f) => !existsSync(resolve(root, f)))) {
  console.log('DESA Studio: out/ is missing or incomplete, building it first (npx electron-vite build)…');
  const built = spawnSync(process.execPath, [resolve(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  if (built.status !== 0) {
    console.error('DESA Studio: the build failed; see the messages above.');
    process.exit(built.status ?? 1);
  }
}

const electron = findElectron();
if (electron.path) {
  const child = spawn(electron.path, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.log(`DESA Studio: ${electron.reason}.`);
  console.log('Starting the headless server instead; the app runs in your browser.');
  await import(pathToFileURL(resolve(root, 'out/main/server/main.js')).href);
}
