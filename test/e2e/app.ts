/** Shared set-up for browser tests: a fresh renderer build, the headless server, Debian Chromium. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
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

/** What a browser test file works with once its `beforeAll` has run (see useBrowserApp). */
export interface BrowserApp {
  readonly browser: Browser;
  readonly serve: ServeProcess;
  /** The test's temporary folder (removed afterwards). */
  readonly work: string;
  /** The project the server was started on. */
  readonly projectDir: string;
  /** Calls one contract method over the server's /rpc, as the page does. */
  rpc<T>(method: string, params: Record<string, unknown>): Promise<T>;
}

export interface BrowserAppOptions {
  /** Prefix of the temporary folder. */
  name: string;
  /** Prepares the project inside `work` and returns its folder (which `desa serve` creates when missing). */
  project(work: string): string | Promise<string>;
  /** A folder under test-results/ for the file's screenshots, created up front. */
  shots?: string;
  /** Time allowed for the whole set-up, ms. */
  setupTimeoutMs?: number;
}

/**
 * Registers the set-up every browser test file shares: a fresh renderer build, a temporary folder
 * with the file's project, the headless server on it and Debian Chromium; all stopped and removed
 * after the file's tests.
 */
export function useBrowserApp(options: BrowserAppOptions): BrowserApp {
  let browser: Browser | undefined, serve: ServeProcess | undefined, work: string | undefined, projectDir: string | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the browser app's ${what} is not set up (beforeAll failed?)`);
    return value;
  };
  beforeAll(async () => {
    ensureBuilt();
    work = mkdtempSync(join(tmpdir(), `desa-${options.name}-e2e-`));
    if (options.shots) mkdirSync(join(repoRoot(), 'test-results', options.shots), { recursive: true });
    projectDir = await options.project(work);
    serve = await startServe(projectDir);
    browser = await launchChromium();
  }, options.setupTimeoutMs ?? 300_000);
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });
  return {
    get browser() { return ready(browser, 'browser'); },
    get serve() { return ready(serve, 'server'); },
    get work() { return ready(work, 'work folder'); },
    get projectDir() { return ready(projectDir, 'project'); },
    rpc: (method, params) => callRpc(ready(serve, 'server'), method, params),
  };
}

/** Runs `desa demo` (tiny models) into `work` and returns its project folder. */
export function demoProject(work: string, o: { stars: number; steps: number; quarters: number }): string {
  const demo = spawnSync(process.execPath, [join(repoRoot(), 'bin/desa.js'), 'demo', '--out', work, '--stars', String(o.stars), '--steps', String(o.steps), '--quarters', String(o.quarters)], {
    cwd: repoRoot(), encoding: 'utf8', timeout: 600_000,
  });
  if (demo.status !== 0) throw new Error(`desa demo failed (${demo.status}):\n${demo.stdout}\n${demo.stderr}`);
  return join(work, 'project');
}
