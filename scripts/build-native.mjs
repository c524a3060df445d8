#!/usr/bin/env node
// Builds the optional native CPU kernels (native/) after `npm install`. Never fails the install:
// without the addon, training falls back to the plain tfjs backends (much slower), and the app says so.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (process.env.DESA_SKIP_NATIVE === '1') process.exit(0);
const cblas = ['/usr/include/cblas.h', '/usr/include/x86_64-linux-gnu/cblas.h', '/usr/include/aarch64-linux-gnu/cblas.h', '/usr/include/openblas/cblas.h'];
if (!cblas.some((p) => existsSync(p))) {
  console.warn('desa: OpenBLAS headers not found (Debian: apt-get install libopenblas-dev); native CPU kernels not built, training will be slow.');
  process.exit(0);
}
const r = spawnSync('node-gyp', ['rebuild'], { cwd: new URL('../native', import.meta.url), stdio: ['ignore', 'ignore', 'pipe'], shell: process.platform === 'win32' });
if (r.status !== 0) {
  console.warn(`desa: building native CPU kernels failed; training will fall back to plain tfjs.\n${r.stderr?.toString().slice(-2000) ?? ''}`);
} else {
  console.log('desa: native CPU kernels built (native/build/Release/desa_kernels.node)');
}
