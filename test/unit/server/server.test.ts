/**
 * The headless server as a browser sees it: token on every request, loopback only, RPC round trips
 * through the real services on real survey files, and job progress pushed over the WebSocket.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { EventMessage, RpcResponse } from '../../../src/shared/rpc';
import type { FitsInfo, IngestSummary, JobDoneEvent } from '../../../src/shared/contract';
import type { JobProgress } from '../../../src/shared/jobs';
import { createServices, type DesaServices } from '../../../src/main/services/index';
import { startServer, type RunningServer } from '../../../src/main/server/index';
import { findRendererDir } from '../../../src/main/server/static-files';
import { realDataPath } from '../../helpers/paths';

const KEPLER_FILE = realDataPath('kepler', 'kplr010874614-2009131105131_llc.fits');

let services: DesaServices;
let server: RunningServer;
let work: string;
let base: string;

interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so tests control every header (including Host). */
function http(path: string, opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function rpc(method: string, params: unknown, token: string | null = server.token): Promise<HttpReply> {
  return http('/rpc', { method: 'POST', body: { method, params }, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'desa-server-'));
  const rendererDir = join(work, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>DESA Studio</title>');
  services = await createServices({ backend: 'server' });
  server = await startServer({ services, rendererDir });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await services?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('access control', () => {
  it('refuses every HTTP request without the token with 401', async () => {
    expect((await http('/')).status).toBe(401);
    expect((await http('/index.html')).status).toBe(401);
    expect((await rpc('app.info', {}, null)).status).toBe(401);
    expect((await rpc('app.info', {}, 'not-the-token')).status).toBe(401);
    expect((await http(`/?token=${server.token.slice(0, -1)}x`)).status).toBe(401);
  });

  it('refuses the WebSocket upgrade without the token', async () => {
    await expect(openSocket(`ws://127.0.0.1:${server.port}/events`)).rejects.toThrow('HTTP 401');
    await expect(openSocket(`ws://127.0.0.1:${server.port}/events?token=wrong`)).rejects.toThrow('HTTP 401');
  });

  it('serves the renderer with the token and sets the cookie its assets load with', async () => {
    const page = await http(`/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('DESA Studio');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    // The cookie alone (what the page's script requests carry) is accepted.
    const asset = await http('/index.html', { headers: { cookie: cookie.split(';')[0] } });
    expect(asset.status).toBe(200);
    // Paths outside the renderer folder are not served.
    expect((await http(`/..%2f..%2fpackage.json?token=${server.token}`)).status).toBe(404);
  });

  it('serves only a built renderer (out/renderer), never the sources in src/renderer', () => {
    const dir = findRendererDir();
    if (dir !== null) expect(dir.split(/[\\/]/).slice(-2)).toEqual(['out', 'renderer']);
    else expect(dir).toBeNull(); // not built in this checkout: the server answers 503 for pages
  });

  it('listens on 127.0.0.1 only and refuses foreign Host names (DNS rebinding)', async () => {
    expect(server.url.startsWith(`http://127.0.0.1:${server.port}/?token=`)).toBe(true);
    const foreign = await http(`/?token=${server.token}`, { headers: { host: `evil.example:${server.port}` } });
    expect(foreign.status).toBe(403);
    // Where this machine has a non-loopback address, the port must be closed on it.
    const external = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) {
      const reachable = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: external.address, port: server.port });
        socket.once('connect', () => { socket.destroy(); resolve(true); });
        socket.once('error', () => resolve(false));
      });
      expect(reachable).toBe(false);
    } else {
      console.log('server test: no non-loopback IPv4 interface here; checked the bound address only');
    }
  });
});

describe('RPC', () => {
  it('answers fits.info for a real Kepler light curve (3 HDUs, LIGHTCURVE table with units)', async () => {
    const reply = await rpc('fits.info', { path: KEPLER_FILE });
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.body) as RpcResponse;
    expect(body.ok).toBe(true);
    const info = (body as { result: FitsInfo }).result;
    // SOURCES.md: HDU0 PRIMARY, HDU1 BINTABLE LIGHTCURVE (20 columns), HDU2 IMAGE APERTURE.
    expect(info.hdus.map((h) => [h.name, h.kind])).toEqual([['PRIMARY', 'PRIMARY'], ['LIGHTCURVE', 'BINTABLE'], ['APERTURE', 'IMAGE']]);
    const table = info.hdus[1];
    expect(table.columns).toHaveLength(20);
    expect(table.columns.find((c) => c.name === 'PDCSAP_FLUX')).toMatchObject({ format: 'E', unit: 'e-/s' });
    expect(table.nrows).toBe(476); // Q0: 476 cadences
    expect(table.cards.find((c) => c.keyword === 'EXTNAME')?.value).toBe('LIGHTCURVE');
  });

  it('reports a missing file as not-found naming the file', async () => {
    const missing = join(work, 'nope.fits');
    const reply = await rpc('fits.info', { path: missing });
    expect(reply.status).toBe(404);
    const body = JSON.parse(reply.body) as RpcResponse;
    expect(body).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect((body as { error: { message: string } }).error.message).toContain(missing);
  });

  it('rejects unknown methods, bad params and malformed JSON as bad-request', async () => {
    expect((await rpc('fs.delete', {})).status).toBe(400);
    expect((await rpc('fits.info', { path: 42 })).status).toBe(400);
    const garbage = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/rpc', method: 'POST', headers: { authorization: `Bearer ${server.token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{not json');
    });
    expect(garbage).toBe(400);
  });
});

describe('job progress over the WebSocket', () => {
  it('streams job.progress and job.done for an ingest of real files', async () => {
    // A small mixed folder: 3 Kepler quarters of one star, 2 LAMOST spectra (DR1 image, DR10 table).
    const data = join(work, 'data');
    mkdirSync(data);
    const kepler = readdirSync(realDataPath('kepler')).filter((f) => f.startsWith('kplr011442793')).sort();
    const lamostFiles = readdirSync(realDataPath('lamost'));
    const lamost = [lamostFiles.find((f) => f.startsWith('spec-55862'))!, lamostFiles.find((f) => f.endsWith('.fits.gz') && f.startsWith('spec-59'))!];
    for (const f of kepler) copyFileSync(realDataPath('kepler', f), join(data, f));
    for (const f of lamost) copyFileSync(realDataPath('lamost', f), join(data, f));
    expect(kepler).toHaveLength(3);

    const ws = await openSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`);
    const progress: JobProgress[] = [];
    const done = new Promise<JobDoneEvent>((resolve) => {
      ws.on('message', (frame) => {
        const message = JSON.parse(String(frame)) as EventMessage;
        if (message.event === 'job.progress') progress.push(message.payload as JobProgress);
        if (message.event === 'job.done') resolve(message.payload as JobDoneEvent);
      });
    });

    expect((await rpc('project.create', { dir: join(work, 'project') })).status).toBe(200);
    const started = JSON.parse((await rpc('ingest.start', { dirs: [data] })).body) as { ok: true; result: { jobId: string } };
    expect(started.ok).toBe(true);
    const event = await done;
    ws.close();

    expect(event).toMatchObject({ jobId: started.result.jobId, kind: 'ingest', state: 'done' });
    const summary = event.result as IngestSummary;
    expect(summary.filesSeen).toBe(5);
    expect(summary.spectraRead).toBe(2);
    expect(summary.lightCurvesRead).toBe(3);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.jobId === started.result.jobId)).toBe(true);
    const last = progress[progress.length - 1];
    expect(last.done).toBe(5);

    const status = JSON.parse((await rpc('project.status', {})).body) as { ok: true; result: { counts: { spectra: number; lightCurves: number } } };
    expect(status.result.counts).toMatchObject({ spectra: 2, lightCurves: 3 });
  });
});
