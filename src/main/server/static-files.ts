/** Serves the built renderer (out/renderer) to the browser. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { basename, dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

/**
 * Where the built renderer lives: next to the built server (out/main/server → out/renderer) or,
 * when running from sources, in the checkout's out/renderer. Null when it has not been built.
 */
export function findRendererDir(): string | null {
  const here = fileURLToPath(new URL('.', import.meta.url));
  // Only an `out/renderer` is a build: from sources, ../../renderer would be src/renderer itself.
  const candidates = [resolve(here, '../../renderer'), resolve(here, '../../../out/renderer')].filter(
    (dir) => basename(dirname(dir)) === 'out',
  );
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/** Sends `urlPath` from `rootDir`; answers 404 for anything outside it or missing. */
export function sendStatic(rootDir: string, urlPath: string, res: ServerResponse, headers: Record<string, string>): void {
  const relative = urlPath === '/' ? 'index.html' : decodeURIComponent(urlPath).replace(/^\/+/, '');
  const file = normalize(join(rootDir, relative));
  if (!file.startsWith(rootDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${urlPath}`);
    return;
  }
  const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, { ...headers, 'content-type': type, 'cache-control': 'no-cache' });
  createReadStream(file).pipe(res);
}
