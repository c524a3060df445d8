#!/usr/bin/env node
// The `desa` command. In a checkout with sources it runs src/main/cli/main.ts through tsx (no build
// step while developing); in an installed app it runs the built out/main/cli/main.js.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(root, 'src/main/cli/main.ts');
const built = resolve(root, 'out/main/cli/main.js');

async function loadTsx() {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    return true;
  } catch {
    return false; // tsx is a dev dependency; an installed app has only the build.
  }
}

let entry = null;
if (existsSync(source) && (await loadTsx())) entry = source;
else if (existsSync(built)) entry = built;

if (!entry) {
  process.stderr.write('desa: no CLI found: neither src/main/cli/main.ts (with tsx) nor out/main/cli/main.js; run `npx electron-vite build`\n');
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
process.exit(await main(process.argv.slice(2)));
