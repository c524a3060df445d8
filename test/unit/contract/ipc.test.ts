/**
 * The Electron transport without the Electron binary: src/main/electron/ipc.ts and src/preload run
 * against an in-memory stand-in for ipcMain/ipcRenderer/contextBridge (same channel semantics), so
 * a call made through `window.desa` reaches the real services and events come back.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DesaBridge } from '../../../src/shared/rpc';
import type { FitsInfo } from '../../../src/shared/contract';
import { realDataPath } from '../../helpers/paths';

type Handler = (event: unknown, ...args: unknown[]) => unknown;
const fake = vi.hoisted(() => {
  const invokeHandlers = new Map<string, Handler>();
  const rendererListeners = new Map<string, Set<Handler>>();
  const exposed: Record<string, unknown> = {};
  let frameUrl = 'file:///app/out/renderer/index.html';
  const webContents = {
    send(channel: string, message: unknown) {
      for (const l of rendererListeners.get(channel) ?? []) l({}, message);
    },
  };
  return {
    invokeHandlers,
    rendererListeners,
    exposed,
    setFrameUrl: (url: string) => (frameUrl = url),
    module: {
      ipcMain: {
        handle: (channel: string, h: Handler) => invokeHandlers.set(channel, h),
        removeHandler: (channel: string) => invokeHandlers.delete(channel),
      },
      ipcRenderer: {
        // Structured clone, as Electron does between processes.
        invoke: async (channel: string, arg: unknown) => structuredClone(await invokeHandlers.get(channel)!({ senderFrame: { url: frameUrl } }, structuredClone(arg))),
        on: (channel: string, l: Handler) => {
          if (!rendererListeners.has(channel)) rendererListeners.set(channel, new Set());
          rendererListeners.get(channel)!.add(l);
        },
        removeListener: (channel: string, l: Handler) => rendererListeners.get(channel)?.delete(l),
      },
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      BrowserWindow: { getAllWindows: () => [{ isDestroyed: () => false, webContents }] },
    },
  };
});
vi.mock('electron', () => fake.module);

const { DesaServices } = await import('../../../src/main/services/index');
const { registerIpc } = await import('../../../src/main/electron/ipc');
await import('../../../src/preload/index');

const services = new DesaServices({ backend: 'electron' });
let unregister: () => void;
const bridge = () => fake.exposed.desa as DesaBridge;

beforeAll(() => {
  unregister = registerIpc(services, (url) => url.startsWith('file:///app/out/renderer/'));
});
afterAll(async () => {
  unregister();
  await services.close();
});

describe('Electron IPC transport', () => {
  it('exposes exactly one object with call and on', () => {
    expect(Object.keys(fake.exposed)).toEqual(['desa']);
    expect(Object.keys(bridge()).sort()).toEqual(['call', 'on']);
  });

  it('carries a call to the services and the result back', async () => {
    const reply = await bridge().call('fits.info', { path: realDataPath('other', 'ktwo211436265-c05_llc.fits') });
    expect(reply.ok).toBe(true);
    const info = (reply as { result: FitsInfo }).result;
    // SOURCES.md: K2 files have the Kepler 3-HDU layout.
    expect(info.hdus.map((h) => h.name)).toEqual(['PRIMARY', 'LIGHTCURVE', 'APERTURE']);
    expect(info.hdus[0].cards.find((c) => c.keyword === 'MISSION')?.value).toBe('K2');
  });

  it('refuses unknown methods in the preload and calls from frames that are not the app', async () => {
    expect(await bridge().call('shell.exec', {})).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    fake.setFrameUrl('https://evil.example/');
    expect(await bridge().call('app.info', {})).toMatchObject({ ok: false, error: { message: expect.stringContaining('untrusted frame') } });
    fake.setFrameUrl('file:///app/out/renderer/index.html');
    expect(await bridge().call('app.info', {})).toMatchObject({ ok: true, result: { backend: 'electron' } });
  });

  it('delivers service events to listeners of that event only, until they unsubscribe', async () => {
    const progress: unknown[] = [];
    const done: unknown[] = [];
    const off = bridge().on('job.progress', (p) => progress.push(p));
    bridge().on('job.done', (d) => done.push(d));
    const { jobId, result } = services.jobs.start('test', async (ctx) => {
      ctx.onProgress({ jobId: ctx.jobId, kind: 'test', phase: 'x', done: 1, total: 2, rate: null, etaSeconds: null, unit: 'steps' });
      return 1;
    });
    await result;
    expect(progress).toEqual([expect.objectContaining({ jobId, done: 1, total: 2 })]);
    expect(done).toEqual([]); // job.done is announced for jobs started through the contract, not raw registry jobs
    off();
    services.jobs.start('test', async (ctx) => {
      ctx.onProgress({ jobId: ctx.jobId, kind: 'test', phase: 'x', done: 2, total: 2, rate: null, etaSeconds: null, unit: 'steps' });
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(progress).toHaveLength(1);
  });
  it('carries typed arrays in replies and events as typed arrays (structured clone, no JSON conversion)', async () => {
    // A stand-in host answers, as the real services do for map.column and map.layout's job.done.
    const values = new Float64Array([0.5, Number.NaN, -Infinity]);
    let emit: ((message: unknown) => void) | null = null;
    unregister();
    const unregisterStub = registerIpc({
      dispatch: async () => ({ ok: true, result: { kind: 'numeric', values } }),
      subscribe: (l) => { emit = l as (message: unknown) => void; return () => (emit = null); },
    }, (url) => url.startsWith('file:///app/out/renderer/'));
    try {
      const reply = await bridge().call('map.column', { embedding: 'f', column: 'c' });
      const got = (reply as { result: { values: Float64Array } }).result.values;
      expect(got).toBeInstanceOf(Float64Array);
      expect(got).not.toBe(values); // cloned across the process boundary
      expect(Array.from(got)).toEqual([0.5, Number.NaN, -Infinity]);
      const events: unknown[] = [];
      bridge().on('job.done', (d) => events.push(d));
      const x = new Float32Array([1, Number.NaN]);
      emit!({ event: 'job.done', payload: { jobId: 'j', kind: 'map.layout', state: 'done', result: { x } } });
      expect((events[0] as { result: { x: Float32Array } }).result.x).toBeInstanceOf(Float32Array);
    } finally {
      unregisterStub();
      unregister = registerIpc(services, (url) => url.startsWith('file:///app/out/renderer/'));
    }
  });
});
