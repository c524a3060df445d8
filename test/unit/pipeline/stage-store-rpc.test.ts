/**
 * The store stand-in the training worker uses (serveMethods / remoteMethods over a MessageChannel), on
 * a project ingested from real LAMOST and Kepler files: it returns what the store returns, bit for
 * bit, writes embeddings without detaching the caller's arrays, keeps error messages, refuses methods
 * it does not serve, and stops at once after a cancel.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { ingest } from '../../../src/main/ingest';
import { ProjectStore } from '../../../src/main/store';
import { remoteMethods, serveMethods } from '../../../src/main/jobs/rpc';
import { STAGE_STORE_METHODS, type StageStore } from '../../../src/main/pipeline/project-data';
import { CancelledError } from '../../../src/shared/jobs';
import { realDataPath } from '../../helpers/paths';

let dir: string;
let store: ProjectStore;
const channels: MessageChannel[] = [];

function standIn(signal?: AbortSignal): StageStore {
  const channel = new MessageChannel();
  channels.push(channel);
  serveMethods(channel.port1, store, STAGE_STORE_METHODS);
  return remoteMethods<StageStore, (typeof STAGE_STORE_METHODS)[number]>(channel.port2, STAGE_STORE_METHODS, { signal });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'desa-store-rpc-'));
  const data = path.join(dir, 'data');
  mkdirSync(data);
  for (const f of readdirSync(realDataPath('lamost')).filter((f) => /^spec-55862-.*\.fits$/.test(f)).slice(0, 2)) copyFileSync(realDataPath('lamost', f), path.join(data, f));
  for (const f of readdirSync(realDataPath('kepler')).filter((f) => f.startsWith('kplr005899262'))) copyFileSync(realDataPath('kepler', f), path.join(data, f));
  await ingest([data], path.join(dir, 'project'), { workers: 1 });
  store = await ProjectStore.open(path.join(dir, 'project'));
}, 300_000);

afterAll(async () => {
  for (const c of channels) { c.port1.close(); c.port2.close(); }
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('store stand-in over a MessageChannel', () => {
  it('returns the stars, spectra and light curves the store returns, bit for bit, each array in a buffer of its own', async () => {
    const remote = standIn();
    expect(await remote.listStars({ hasSpectrum: true })).toEqual(await store.listStars({ hasSpectrum: true }));
    expect(await remote.counts()).toEqual(await store.counts());

    const [star] = await store.listStars({ hasSpectrum: true });
    const [id] = await remote.spectrumIdsOfStar(star.starId);
    const local = (await store.getSpectrum(id))!;
    const crossed = (await remote.getSpectrum(id))!;
    expect(crossed.flux).toBeInstanceOf(Float32Array);
    expect(Buffer.from(crossed.flux.buffer, crossed.flux.byteOffset, crossed.flux.byteLength).equals(Buffer.from(local.flux.buffer, local.flux.byteOffset, local.flux.byteLength))).toBe(true);
    expect(Array.from(crossed.wavelength)).toEqual(Array.from(local.wavelength));
    // Each array crossed alone, in a buffer of its own size (the store's may be views into a larger one).
    expect(crossed.flux.buffer.byteLength).toBe(crossed.flux.byteLength);
    expect(crossed.wavelength.buffer.byteLength).toBe(crossed.wavelength.byteLength);

    const kic = (await store.listStars({ hasLightCurve: true }))[0].kic!;
    const quarters = await remote.getLightCurves(kic);
    expect(quarters.map((q) => q.quarter)).toEqual((await store.getLightCurves(kic)).map((q) => q.quarter));
    expect(quarters[0].pdcsapFlux).toBeInstanceOf(Float32Array);
  });

  it("writes embeddings sent from the other end, keeps the store's error messages, and refuses methods it does not serve", async () => {
    const remote = standIn();
    const [a, b] = await store.listStars();
    const vector = Float32Array.from([0.25, -1.5, 3]);
    await remote.putEmbeddings('test', [{ starId: a.starId, vector }]);
    expect(Array.from(vector)).toEqual([0.25, -1.5, 3]); // the caller's array was copied, not detached
    expect(Array.from((await store.getEmbedding(a.starId, 'test'))!)).toEqual([0.25, -1.5, 3]);

    await expect(remote.putEmbeddings('test', [{ starId: a.starId, vector }, { starId: b.starId, vector: new Float32Array(2) }]))
      .rejects.toThrow(`embedding 'test' of ${b.starId} has 2 values, expected 3`);

    const channel = new MessageChannel();
    channels.push(channel);
    serveMethods(channel.port1, store, STAGE_STORE_METHODS);
    const sneaky = remoteMethods<ProjectStore, 'close'>(channel.port2, ['close']);
    await expect(sneaky.close()).rejects.toThrow("method 'close' is not served to the worker");
    expect((await store.counts()).spectra).toBe(2);
  });

  it('rejects with CancelledError, without asking the store, once the signal aborts', async () => {
    const controller = new AbortController();
    const remote = standIn(controller.signal);
    await remote.counts();
    controller.abort('test');
    await expect(remote.listStars()).rejects.toBeInstanceOf(CancelledError);
  });
});
