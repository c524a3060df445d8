/**
 * Opening a large project on the map: how long until the GUI has the layout and a colour
 * column, and until deck.gl has drawn the first frame of every point; with the memory it takes.
 *
 * For each size (MAP_OPEN_SIZES, default 100000,1000000) a synthetic project is written straight
 * through the store and map APIs (no survey synth, no training): stars, 64-d 'f' embeddings,
 * a catalogue with a numeric and a categorical column matched by KIC, and a cached UMAP layout
 * with its entry by store state, as map.layout leaves them (so opening measures reading, not computing). Then, each on a fresh `desa serve` process:
 * - services: map.layout (cache hit, its job.done over WS /events) → map.columns → map.column, as
 *   the GUI calls them; wall time of each and the server's peak RSS (VmHWM of its process tree);
 * - browser: Debian Chromium (software WebGL, test/e2e/app.ts flags) opens the Map screen and
 *   clicks "Compute map"; time until the canvas reports a drawn frame of all points, and the
 *   page's JS heap (CDP Performance metrics). Needs a renderer build in out/ (not built here);
 *   MAP_OPEN_BROWSER=0 skips it.
 * - cache hit, in this process: finding the layout by the store's state (what map.layout does
 *   before it answers) and the old path (load the embedding matrix, hash it, read the layout), timed;
 * Replies holding typed arrays travel as typed frames (src/shared/typed-frame.ts); their size is
 * recorded. CPU-seconds of this process (synthesis) and of each server's process tree are recorded
 * beside wall times. Writes bench/results/map-open.json, with the load average (the machine is shared).
 *
 * One size: `MAP_OPEN_SIZES=1000000 npm run bench map-open` (see docs/decisions/transport.md for
 * timings).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium, startServe, type ServeProcess } from '../test/e2e/app';
import { loadEmbeddingMatrix, matrixHash } from '../src/main/map/matrix';
import { gaussian, mulberry32 } from '../src/main/map/random';
import { layoutCacheFile } from '../src/main/map/umap';
import { ProjectStore } from '../src/main/store/index';
import { embeddingSignature, findLayoutByState, layoutStateKey, rememberLayoutFile } from '../src/main/services/layout-by-state';
import { layoutOptions } from '../src/main/services/map-service';
import { WebSocket } from 'ws';
import type { JobDoneEvent } from '../src/shared/contract';
import { readEventMessage, readRpcReply, TOKEN_PARAM } from '../src/shared/rpc';

const sizes = (process.env.MAP_OPEN_SIZES ?? '100000,1000000').split(',').map(Number);
const withBrowser = process.env.MAP_OPEN_BROWSER !== '0';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIM = 64;
const BLOBS = 20;

const seconds = (t0: number): number => (performance.now() - t0) / 1000;
/** CPU-seconds (user + system) of this process since `from`. */
const cpuSeconds = (from: NodeJS.CpuUsage): number => { const d = process.cpuUsage(from); return (d.user + d.system) / 1e6; };

/**
 * A project of n stars 'KIC 1000000'… with embeddings, a catalogue and a cached layout.
 * Returns the seconds each part took.
 */
export async function synthProject(dir: string, n: number): Promise<Record<string, number>> {
  const took: Record<string, number> = {};
  const cpu0 = process.cpuUsage();
  const store = await ProjectStore.create(dir);
  try {
    let t0 = performance.now();
    // Stars in one SQL statement; ids of equal length, so string order is KIC order.
    await store.database.run(
      `INSERT INTO stars SELECT 'KIC ' || (1000000 + range)::VARCHAR, 1000000 + range, NULL, NULL,
         ((range * 7919) % 36000) / 100.0, ((range * 104729) % 18000) / 100.0 - 90, 1, 1 FROM range(${n})`,
    );
    took.stars = seconds(t0);

    t0 = performance.now();
    const u = mulberry32(n);
    const g = gaussian(u);
    const centres = Float64Array.from({ length: BLOBS * DIM }, () => (u() * 2 - 1) * 4);
    const chunk = 50_000;
    for (let from = 0; from < n; from += chunk) {
      const rows: { starId: string; vector: Float32Array }[] = [];
      for (let i = from; i < Math.min(n, from + chunk); i++) {
        const v = new Float32Array(DIM);
        for (let j = 0; j < DIM; j++) v[j] = centres[(i % BLOBS) * DIM + j] + 3 * g();
        rows.push({ starId: `KIC ${1000000 + i}`, vector: v });
      }
      await store.putEmbeddings('f', rows);
    }
    took.embeddings = seconds(t0);

    t0 = performance.now();
    const csv = path.join(dir, 'labels.csv');
    const lines = ['kic,teff,cmd_class'];
    const classes = ['dwarf', 'subgiant', 'giant', 'red clump'];
    for (let i = 0; i < n; i++) lines.push(`${1000000 + i},${(4000 + ((i * 37) % 3000)).toFixed(0)},${classes[i % 4]}`);
    fs.writeFileSync(csv, lines.join('\n') + '\n');
    await store.importCatalog(csv, { key: 'kic', column: 'kic', name: 'synthetic labels' });
    took.catalogue = seconds(t0);

    // The layout the GUI's default request (map.layout with no options) finds in the cache.
    t0 = performance.now();
    const matrix = await loadEmbeddingMatrix(store, 'f');
    const file = layoutCacheFile(dir, matrix, {});
    const xy = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const b = i % BLOBS;
      xy[i] = 10 * Math.cos((2 * Math.PI * b) / BLOBS) + g();
      xy[n + i] = 10 * Math.sin((2 * Math.PI * b) / BLOBS) + g();
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.json`, JSON.stringify({ method: 'fast', fitted: Math.min(n, 50_000), seconds: 0 }));
    fs.writeFileSync(file, Buffer.from(xy.buffer));
    // What map.layout leaves after computing a layout: its entry by store state (reopening skips the vectors).
    const state = await embeddingSignature(store, 'f');
    rememberLayoutFile(dir, layoutStateKey('f', layoutOptions({}), state!.signature), file);
    took.layout = seconds(t0);
  } finally {
    await store.close();
  }
  took.cpuSeconds = cpuSeconds(cpu0);
  return took;
}

/**
 * The parts of a cache hit, in this process: finding the layout by the store's state (what
 * map.layout does now before it answers), and the old path (load the matrix from the store, hash
 * it for the cache key, read the layout file), which a reopened map still pays once, after
 * answering, to prepare star clicks.
 */
export async function cacheHitParts(dir: string): Promise<Record<string, number>> {
  const cpu0 = process.cpuUsage();
  const store = await ProjectStore.open(dir);
  try {
    let t0 = performance.now();
    const state = await embeddingSignature(store, 'f');
    const found = await findLayoutByState(store, dir, 'f', layoutStateKey('f', layoutOptions({}), state!.signature), state!.rows);
    if (!found) throw new Error(`${dir}: the layout was not found by store state`);
    const byStateSeconds = seconds(t0);
    t0 = performance.now();
    const matrix = await loadEmbeddingMatrix(store, 'f');
    const loadMatrixSeconds = seconds(t0);
    t0 = performance.now();
    matrixHash(matrix);
    const hashSeconds = seconds(t0);
    t0 = performance.now();
    fs.readFileSync(layoutCacheFile(dir, matrix, {}));
    const readLayoutSeconds = seconds(t0);
    return { byStateSeconds, loadMatrixSeconds, hashSeconds, readLayoutSeconds, cpuSeconds: cpuSeconds(cpu0) };
  } finally {
    await store.close();
  }
}

/** Peak and current resident memory (MiB) and CPU-seconds of a process and its descendants, from /proc. */
function treeMemory(pid: number): { peakRssMb: number; rssMb: number; cpuSeconds: number } {
  const parent = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const inTree = (p: number): boolean => {
    for (let q = p, hops = 0; q > 1 && hops < 64; q = parent.get(q) ?? 0, hops++) if (q === pid) return true;
    return false;
  };
  let peak = 0, rss = 0, ticks = 0;
  for (const p of parent.keys()) {
    if (!inTree(p)) continue;
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
      peak += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
    } catch {
      // gone
    }
  }
  // Clock ticks are 1/100 s on Linux (sysconf(_SC_CLK_TCK) = 100 on every common kernel).
  return { peakRssMb: Math.round(peak / 1024), rssMb: Math.round(rss / 1024), cpuSeconds: ticks / 100 };
}

/** Size of the last reply to each method (bytes on the wire). */
const replyBytes = new Map<string, number>();

/** What each server printed (for error messages). */
const serverOutput = new WeakMap<ServeProcess, string>();

/** `desa serve --project dir`, keeping what it prints. */
async function serveProject(dir: string): Promise<ServeProcess> {
  const serve = await startServe(dir);
  serverOutput.set(serve, '');
  const keep = (chunk: Buffer): void => { serverOutput.set(serve, ((serverOutput.get(serve) ?? '') + chunk.toString('utf8')).slice(-20_000)); };
  serve.child.stdout?.on('data', keep);
  serve.child.stderr?.on('data', keep);
  return serve;
}

/**
 * Calls the contract over the server's /rpc, as the page does. A reused keep-alive socket that
 * the server closed meanwhile (ECONNRESET before the request was read; seen on a loaded machine
 * while the server was busy) is retried on a new connection, for calls that start nothing.
 */
async function rpc<T>(serve: ServeProcess, method: string, params: Record<string, unknown>, tries = method === 'map.layout' ? 1 : 3): Promise<T> {
  try {
    return await rpcOnce<T>(serve, method, params);
  } catch (err) {
    if (tries > 1 && /ECONNRESET|other side closed/.test((err as Error).message)) return rpc<T>(serve, method, params, tries - 1);
    throw err;
  }
}

async function rpcOnce<T>(serve: ServeProcess, method: string, params: Record<string, unknown>): Promise<T> {
  const url = new URL(serve.url);
  let response: Response;
  try {
    response = await fetch(new URL('/rpc', url.origin), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${url.searchParams.get('token')}` },
      body: JSON.stringify({ method, params }),
    });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    throw new Error(`${method}: ${(err as Error).message} (${cause instanceof Error ? cause.message : String(cause)}); server exit code ${serve.child.exitCode}, its last output:\n${serverOutput.get(serve)?.slice(-2000) ?? ''}`);
  }
  replyBytes.set(method, Number(response.headers.get('content-length') ?? NaN));
  const reply = await readRpcReply(response);
  if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
  return reply.result as T;
}

/**
 * On a fresh server, as the GUI does: map.layout → its job.done event over WS /events (the layout
 * rides on it as a typed frame) → map.columns → map.column. `afterLayoutReplySeconds` times a
 * trivial call right after job.done: long when the server's thread is busy with work it starts
 * after the layout (the similarity index it prepares for the first star click).
 */
async function servicesRow(dir: string, n: number): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const serve = await serveProject(dir);
  const started = seconds(t0);
  const url = new URL(serve.url);
  const socket = new WebSocket(`ws://${url.host}/events?${TOKEN_PARAM}=${url.searchParams.get(TOKEN_PARAM)}`);
  const done = new Map<string, { payload: JobDoneEvent; bytes: number; at: number }>();
  socket.on('message', (data: Buffer, binary: boolean) => {
    const message = readEventMessage(binary ? data : data.toString('utf8'));
    if (message.event === 'job.done') {
      const payload = message.payload as JobDoneEvent;
      done.set(payload.jobId, { payload, bytes: data.length, at: performance.now() });
    }
  });
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  try {
    const t1 = performance.now();
    const { jobId } = await rpc<{ jobId: string }>(serve, 'map.layout', { embedding: 'f' });
    while (!done.has(jobId)) await new Promise((r) => setTimeout(r, 20));
    const event = done.get(jobId)!;
    if (event.payload.state !== 'done') throw new Error(`map.layout ended ${event.payload.state}: ${event.payload.error ?? ''}`);
    const result = event.payload.result as { starIds: string[]; x: Float32Array; cached: boolean };
    if (result.starIds.length !== n || !(result.x instanceof Float32Array) || !result.cached) {
      throw new Error(`map.layout gave ${result.starIds.length} points (cached: ${result.cached}, x a ${result.x?.constructor.name}), expected ${n} from the cache as a Float32Array`);
    }
    const layoutSeconds = (event.at - t1) / 1000;
    const t2 = performance.now();
    await rpc(serve, 'app.info', {});
    const afterLayoutReplySeconds = seconds(t2);
    const t3 = performance.now();
    const { columns } = await rpc<{ columns: { id: string }[] }>(serve, 'map.columns', {});
    const columnsSeconds = seconds(t3);
    const teff = columns.find((c) => c.id.endsWith(':teff'));
    if (!teff) throw new Error(`map.columns has no teff column: ${columns.map((c) => c.id).join(', ')}`);
    const t4 = performance.now();
    await rpc(serve, 'map.column', { embedding: 'f', column: teff.id });
    const columnSeconds = seconds(t4);
    return {
      serverStartSeconds: started, layoutSeconds, afterLayoutReplySeconds, columnsSeconds, columnSeconds,
      totalSeconds: layoutSeconds + afterLayoutReplySeconds + columnsSeconds + columnSeconds,
      layoutEventMb: event.bytes / 2 ** 20, columnReplyMb: (replyBytes.get('map.column') ?? NaN) / 2 ** 20,
      server: treeMemory(serve.child.pid!),
    };
  } finally {
    socket.close();
    await serve.stop();
  }
}

/** Chromium on a fresh server: Map screen → Compute map (cache hit) → first frame of all points. */
async function browserRow(dir: string, n: number): Promise<Record<string, unknown>> {
  if (!fs.existsSync(path.join(repoRoot, 'out/renderer/index.html'))) return { skipped: 'no renderer build in out/ (run electron-vite build first)' };
  const serve = await serveProject(dir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const t0 = performance.now();
    await page.goto(serve.url);
    await page.click('[data-testid=nav-map]');
    await page.waitForSelector('[data-testid=map-embedding] option[value=f]', { state: 'attached', timeout: 600_000 });
    await page.selectOption('[data-testid=map-embedding]', 'f');
    const screenSeconds = seconds(t0);
    const t1 = performance.now();
    await page.click('[data-testid=map-compute]');
    await page.waitForFunction(
      (count) => document.querySelector('[data-testid=map-canvas]')?.getAttribute('data-drawn') === String(count),
      n, { timeout: 1_200_000, polling: 100 },
    );
    const firstFrameSeconds = seconds(t1);
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    const metric = (name: string): number => Math.round((metrics.find((m) => m.name === name)?.value ?? NaN) / 2 ** 20);
    return {
      openMapScreenSeconds: screenSeconds,
      computeClickToFirstFrameSeconds: firstFrameSeconds,
      jsHeapUsedMb: metric('JSHeapUsedSize'),
      jsHeapTotalMb: metric('JSHeapTotalSize'),
      server: treeMemory(serve.child.pid!),
    };
  } finally {
    await browser.close();
    await serve.stop();
  }
}

/** Runs every size and writes bench/results/map-open.json. */
export async function run(): Promise<object> {
  const rows: Record<string, unknown>[] = [];
  for (const n of sizes) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `desa-map-open-${n}-`));
    try {
      const row: Record<string, unknown> = { stars: n, dim: DIM, loadAverageBefore: os.loadavg() };
      row.synthSeconds = await synthProject(dir, n);
      console.log('map-open synth', n, row.synthSeconds);
      row.cacheHit = await cacheHitParts(dir);
      console.log('map-open cache hit', n, row.cacheHit);
      row.services = await servicesRow(dir, n);
      console.log('map-open services', n, row.services);
      if (withBrowser) {
        row.browser = await browserRow(dir, n);
        console.log('map-open browser', n, row.browser);
      }
      row.loadAverageAfter = os.loadavg();
      rows.push(row);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const result = { benchmark: 'map-open', date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, rows };
  const out = path.join(repoRoot, 'bench', 'results', 'map-open.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await run();
}
