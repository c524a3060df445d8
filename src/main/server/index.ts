/**
 * The headless server: the services over HTTP and WebSocket for a browser on this machine.
 *
 * - Binds 127.0.0.1 only and refuses requests that do not come from, or name, the loopback host.
 * - Every HTTP request and every WebSocket upgrade must present the random token (else 401).
 * - `GET /…` serves the built renderer; `POST /rpc` takes `{method, params}` and answers an
 *   RpcResponse; `WS /events` pushes every service event as `{event, payload}`. Replies and events
 *   that hold typed arrays (map layouts, columns) go as typed frames (src/shared/typed-frame.ts:
 *   a JSON head and the arrays' raw bytes), everything else as JSON text.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ErrorCode } from '../../shared/contract';
import { TOKEN_PARAM, type RpcRequest, type RpcResponse } from '../../shared/rpc';
import { containsTypedArray, encodeTypedFrame, TYPED_FRAME_CONTENT_TYPE } from '../../shared/typed-frame';
import type { ServiceHost } from '../services/index';
import { isLoopbackAddress, isLoopbackHost, newToken, presentedToken, TOKEN_COOKIE, tokenMatches } from './auth';
import { findRendererDir, sendStatic } from './static-files';

export const LOOPBACK_HOST = '127.0.0.1';
const MAX_BODY_BYTES = 1 << 20;

export interface ServerOptions {
  services: ServiceHost;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to a fresh random token. */
  token?: string;
  /** The built renderer; defaults to out/renderer. Without it only /rpc and /events work. */
  rendererDir?: string | null;
}

export interface RunningServer {
  port: number;
  token: string;
  /** The address to open in a browser, token included. */
  url: string;
  close(): Promise<void>;
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  'bad-request': 400,
  'not-found': 404,
  'bad-file': 422,
  'no-project': 409,
  'unknown-job': 404,
  unsupported: 501,
  internal: 500,
};

/** Starts the server; resolves once it listens. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? newToken();
  const rendererDir = options.rendererDir === undefined ? findRendererDir() : options.rendererDir;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const unsubscribe = options.services.subscribe((message) => {
    const frame = containsTypedArray(message) ? encodeTypedFrame(message) : JSON.stringify(message);
    for (const client of sockets.clients) if (client.readyState === client.OPEN) client.send(frame);
  });

  const server: Server = createServer((req, res) => {
    void handleHttp(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: String(err) } });
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}`);
    const refusal = refuse(req, url);
    if (refusal) {
      res.writeHead(refusal.status, { 'content-type': 'text/plain; charset=utf-8' }).end(refusal.message);
      return;
    }
    if (url.pathname === '/rpc') {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      const request = await readJson(req);
      const reply: RpcResponse = request.ok
        ? await options.services.dispatch(request.value)
        : { ok: false, error: { code: 'bad-request', message: request.message } };
      sendReply(res, reply.ok ? 200 : HTTP_STATUS[reply.error.code], reply);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD, POST' }).end();
      return;
    }
    if (!rendererDir) {
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end('The renderer is not built: run `npx electron-vite build`, then reload.');
      return;
    }
    // The page's own scripts and styles are requested without the token: remember it in a cookie.
    const cookie = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    sendStatic(rendererDir, url.pathname, res, {
      'set-cookie': cookie,
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; worker-src 'self' blob:",
    });
  }

  function refuse(req: IncomingMessage, url: URL): { status: number; message: string } | null {
    if (!isLoopbackAddress(req.socket.remoteAddress) || !isLoopbackHost(req.headers.host)) {
      return { status: 403, message: 'forbidden: the DESA server only answers this machine (127.0.0.1)' };
    }
    if (!tokenMatches(presentedToken(req, url), token)) {
      return { status: 401, message: `unauthorized: open the URL with ?${TOKEN_PARAM}=… that the server printed` };
    }
    return null;
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}`);
    const refusal = url.pathname === '/events' ? refuse(req, url) : { status: 404, message: 'not found' };
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal.status} ${refusal.status === 401 ? 'Unauthorized' : 'Refused'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws: WebSocket) => sockets.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://${LOOPBACK_HOST}:${port}/?${TOKEN_PARAM}=${token}`,
    close: async () => {
      unsubscribe();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A reply as JSON, or as a typed frame when it holds typed arrays. */
function sendReply(res: ServerResponse, status: number, body: RpcResponse): void {
  if (!containsTypedArray(body)) return sendJson(res, status, body);
  const frame = encodeTypedFrame(body);
  res.writeHead(status, { 'content-type': TYPED_FRAME_CONTENT_TYPE, 'content-length': frame.length, 'cache-control': 'no-store' });
  res.end(frame);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: RpcRequest } | { ok: false; message: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { ok: false, message: `request body larger than ${MAX_BODY_BYTES} bytes` };
    chunks.push(chunk as Buffer);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || typeof (value as RpcRequest).method !== 'string') {
      return { ok: false, message: "request body must be a JSON object {method, params}" };
    }
    return { ok: true, value: value as RpcRequest };
  } catch {
    return { ok: false, message: 'request body is not valid JSON' };
  }
}
