/**
 * The headless server's binary transport: a reply or event holding typed arrays travels as a typed
 * frame (its own content type over HTTP, a binary WebSocket message), everything else as JSON, and
 * the client readers the renderer uses (`readRpcReply`, `readEventMessage`) give the typed arrays
 * back bit for bit. A stand-in service host answers, so only the transport is under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { EventMessage, RpcRequest, RpcResponse } from '../../../src/shared/rpc';
import { readEventMessage, readRpcReply, TOKEN_PARAM } from '../../../src/shared/rpc';
import { TYPED_FRAME_CONTENT_TYPE } from '../../../src/shared/typed-frame';
import type { ServiceHost } from '../../../src/main/services/index';
import { startServer, type RunningServer } from '../../../src/main/server/index';

const N = 100_003; // odd, so the arrays after x do not end on a multiple of 8 by chance
const x = Float32Array.from({ length: N }, (_, i) => (i % 1000 === 0 ? Number.NaN : Math.fround(Math.sin(i) * 10)));
const codes = Int32Array.from({ length: N }, (_, i) => (i % 7) - 1);
const layout = { embedding: 'f', starIds: Array.from({ length: N }, (_, i) => `KIC ${1000000 + i}`), x, y: x.map((v) => -v), cached: true };

let listener: ((message: EventMessage) => void) | null = null;
const host: ServiceHost = {
  async dispatch(request: RpcRequest): Promise<RpcResponse> {
    if (request.method === 'map.column') return { ok: true, result: { id: 'c', label: 'c', unit: null, kind: 'categorical', categories: ['a'], codes } };
    return { ok: true, result: { name: 'DESA Studio', backend: 'server' } };
  },
  subscribe(l) {
    listener = l;
    return () => (listener = null);
  },
};

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ services: host, rendererDir: null });
});
afterAll(async () => {
  await server?.close();
});

function post(method: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port}/rpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify({ method, params: {} }),
  });
}

describe('typed arrays over the headless server', () => {
  it('answers a reply with typed arrays as a typed frame, and readRpcReply gives the Int32Array back', async () => {
    const response = await post('map.column');
    expect(response.headers.get('content-type')).toBe(TYPED_FRAME_CONTENT_TYPE);
    // The codes travel as 4 bytes each, not as JSON text.
    expect(Number(response.headers.get('content-length'))).toBeLessThan(4 * N + 1000);
    const reply = await readRpcReply(response);
    if (!reply.ok) throw new Error(reply.error.message);
    const result = reply.result as { codes: Int32Array; categories: string[] };
    expect(result.codes).toBeInstanceOf(Int32Array);
    expect(result.codes).toEqual(codes);
    expect(result.categories).toEqual(['a']);
  });

  it('keeps JSON for replies without typed arrays', async () => {
    const response = await post('app.info');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await readRpcReply(response)).toEqual({ ok: true, result: { name: 'DESA Studio', backend: 'server' } });
  });

  it('pushes an event with typed arrays as one binary message, and a plain event as text', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?${TOKEN_PARAM}=${server.token}`);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const received: { binary: boolean; message: EventMessage }[] = [];
    const two = new Promise<void>((resolve) => {
      ws.on('message', (data: Buffer, binary: boolean) => {
        received.push({ binary, message: readEventMessage(binary ? data : data.toString('utf8')) });
        if (received.length === 2) resolve();
      });
    });
    listener!({ event: 'job.done', payload: { jobId: 'j1', kind: 'map.layout', state: 'done', result: layout } } as EventMessage);
    listener!({ event: 'job.done', payload: { jobId: 'j2', kind: 'test', state: 'done', result: { n: 1 } } } as EventMessage);
    await two;
    ws.close();
    expect(received.map((r) => r.binary)).toEqual([true, false]);
    const done = received[0].message.payload as { result: typeof layout };
    expect(done.result.starIds).toEqual(layout.starIds);
    expect(done.result.x).toBeInstanceOf(Float32Array);
    expect(new Uint8Array(done.result.x.buffer, done.result.x.byteOffset, done.result.x.byteLength)).toEqual(new Uint8Array(x.buffer));
    expect(Number.isNaN(done.result.x[0])).toBe(true);
    expect(done.result.y).toEqual(layout.y);
    expect(received[1].message.payload).toEqual({ jobId: 'j2', kind: 'test', state: 'done', result: { n: 1 } });
  });
});
