/**
 * Our model code on tfjs's WebGPU backend in Debian Chromium (the Electron hidden-window path): a bundle
 * of test/e2e/webgpu/entry.ts runs the `tiny` spectra encoder forward and through one gradient on
 * 'webgpu' and on 'cpu' in the same page and compares them. Headless Chromium exposes WebGPU only with
 * --enable-unsafe-webgpu, and then on SwiftShader (software); a real GPU would be picked where there is one.
 * No electron-vite build is needed: the test bundles its own entry with vite.
 *
 * The bundle also checks the seam between the model code and Node: every Node built-in the browser path
 * imports is replaced by a stub that throws when called, and the only module allowed to import one is
 * native-kernels.ts (it loads the native addon lazily, so nothing calls the stubs).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'vite';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM } from './app';
import { repoRoot } from '../helpers/paths';
import type { PageWebGpuReport } from './webgpu/entry';

const STUB = '\0desa-node-stub:';

/** Replaces Node built-ins with throwing stubs and records which modules imported them. */
function nodeBuiltinSeam(importers: Set<string>): Plugin {
  const isBuiltin = (id: string) => id.startsWith('node:') || builtinModules.includes(id);
  return {
    name: 'desa-node-builtin-seam',
    enforce: 'pre',
    resolveId(id, importer) {
      if (!isBuiltin(id)) return null;
      importers.add(path.relative(repoRoot(), importer ?? '?'));
      return STUB + id;
    },
    load(id) {
      if (!id.startsWith(STUB)) return null;
      const name = id.slice(STUB.length);
      return `const fail = () => { throw new Error('${name} is not available in the browser'); };
export default new Proxy({}, { get: () => fail });
export const createRequire = fail, existsSync = fail, readFileSync = fail, fileURLToPath = fail;`;
    },
  };
}

/** Bundles the page entry in memory: file name → code. */
async function bundleEntry(importers: Set<string>): Promise<Map<string, string>> {
  const result = await build({
    configFile: false,
    root: repoRoot(),
    logLevel: 'warn',
    plugins: [nodeBuiltinSeam(importers)],
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry: path.join(repoRoot(), 'test/e2e/webgpu/entry.ts'), formats: ['es'], fileName: 'entry' },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  const files = new Map<string, string>();
  for (const out of outputs) {
    if (!('output' in out)) throw new Error('vite build returned a watcher, not a bundle');
    for (const chunk of out.output) if (chunk.type === 'chunk') files.set(chunk.fileName, chunk.code);
  }
  return files;
}

/** Serves the bundle on 127.0.0.1 (WebGPU needs a secure context; a loopback origin is one). */
function serve(files: Map<string, string>): Promise<{ url: string; close(): void }> {
  const server = http.createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    if (name === '') {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>webgpu check</title><script type="module" src="/entry.js"></script>');
    } else if (files.has(name)) {
      res.setHeader('content-type', 'text/javascript');
      res.end(files.get(name));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() })));
}

const importers = new Set<string>();
let server: { url: string; close(): void };
let browser: Browser;

beforeAll(async () => {
  const files = await bundleEntry(importers);
  expect(files.has('entry.js')).toBe(true);
  server = await serve(files);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Vulkan compositing: with Chromium's default GL compositing tfjs's synchronous read (through an
    // OffscreenCanvas) returns 0 and loses the WebGPU device (docs/decisions/webgpu.md).
    args: ['--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--use-angle=swiftshader', '--enable-features=Vulkan',
      '--use-vulkan=swiftshader', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('WebGPU in Chromium', () => {
  it('bundles the model code for the browser with Node built-ins imported only by native-kernels.ts', () => {
    // tfjs-core's platform_node.js and seedrandom also import some, behind their own platform checks.
    const ours = [...importers].filter((f) => !f.startsWith('node_modules'));
    expect(ours).toEqual([path.join('src', 'main', 'model', 'backend', 'native-kernels.ts')]);
  });

  it('runs the tiny spectra encoder forward and backward on webgpu to the cpu backend\'s numbers', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => 'desaWebGpuCheck' in globalThis, null, { timeout: 60_000 });
    const report = await page.evaluate(() =>
      (globalThis as unknown as { desaWebGpuCheck(): Promise<PageWebGpuReport> }).desaWebGpuCheck());
    expect(errors).toEqual([]);
    expect(report.unavailable).toBeUndefined();
    expect(report.adapter?.vendor).toBeTruthy();
    console.log(`Chromium WebGPU adapter ${JSON.stringify(report.adapter)}: self-test worst ${report.selfTest!.worstRelative}, ` +
      `spectra forward worst ${report.spectra!.forward.worstRelative}, gradients worst ${report.spectra!.gradients.worstRelative}`);
    expect(report.selfTest!.ok).toBe(true);
    const spectra = report.spectra!;
    expect(spectra.variablesWithGradient).toBe(spectra.variables - 2); // all but the unused initial_expand weight and bias
    expect(Number.isFinite(spectra.loss) && spectra.loss > 0).toBe(true);
    expect(spectra.forward.ok, JSON.stringify(spectra.forward)).toBe(true);
    expect(spectra.gradients.ok, JSON.stringify(spectra.gradients)).toBe(true);
    // Unlike Node, the browser can read GPU tensors synchronously, as the training loop does (slowly,
    // through an OffscreenCanvas): 64×64 ones times 64×64 ones sums to 64³.
    expect(report.syncRead).toBe(64 ** 3);
    await page.close();
  }, 600_000); // ~2 min on SwiftShader with two busy cores
});
