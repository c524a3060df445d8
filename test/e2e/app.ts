/** Shared set-up for browser tests: a fresh renderer build, the headless server, Debian Chromium. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from '../helpers/paths';
import { readRpcReply } from '../../src/shared/rpc';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the app unless out/ is newer than every source the renderer and hosts are built from. */
export function ensureBuilt(): void {
  const root = repoRoot();
  const outputs = ['out/renderer/index.html', 'out/main/cli/main.js', 'out/preload/index.mjs'].map((f) => join(root, f));
  const builtAt = outputs.every((f) => existsSync(f)) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : 0;
  if (builtAt > newestMtime(join(root, 'src'))) return;
  const result = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  if (result.status !== 0) throw new Error(`electron-vite build failed:\n${result.stdout}\n${result.stderr}`);
}

export interface ServeProcess {
  child: ChildProcess;
  /** The URL the server printed, token included. */
  url: string;
  stop(): Promise<void>;
}

/** Runs `desa serve --project DIR` on a random port and waits for the URL it prints. */
export function startServe(projectDir: string): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(repoRoot(), 'bin/desa.js'), 'serve', '--project', projectDir, '--port', '0'], {
    cwd: repoRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Recent projects go to a folder of this run, never the user's ~/.config (a test may set its own).
    env: { ...process.env, DESA_SETTINGS_DIR: process.env.DESA_SETTINGS_DIR ?? join(projectDir, '..', 'desa-settings') },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`desa serve printed no URL within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          child,
          url: match[1],
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`desa serve exited with ${code}:\n${output}`));
    });
  });
}

/** Debian Chromium, headless, with the flags the project measured (stack-feasibility §2). */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The Electron executable when the binary is installed, else null (it is not downloadable here). */
export function findElectronBinary(): string | null {
  try {
    const path = createRequire(join(repoRoot(), 'package.json'))('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** Calls one contract method over the server's /rpc with its token, as the page does. */
export async function callRpc<T>(serve: ServeProcess, method: string, params: Record<string, unknown>): Promise<T> {
  const url = new URL(serve.url);
  const response = await fetch(new URL('/rpc', url.origin), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${url.searchParams.get('token')}` },
    body: JSON.stringify({ method, params }),
  });
  const reply = await readRpcReply(response);
  if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
  return reply.result as T;
}
