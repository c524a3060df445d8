/**
 * The Map screen in Debian Chromium against the headless server, on a small demo project with
 * DESA embeddings (generated, ingested, trained and embedded by `desa demo`):
 * - the map renders: the canvas screenshot has as many drawn pixels as the points need (PIL);
 * - a scripted lasso over known data coordinates selects exactly the stars an independent
 *   winding-number test puts inside the polygon;
 * - a clicked star's neighbours and "Find similar" equal brute-force neighbours computed here
 *   from the stored vectors;
 * - two saved subsets train a classifier whose probability column covers every star;
 * - the selection exports to a FITS table that astropy reads back with the same star ids and
 *   fitsverify accepts.
 */
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths';
import { runPython } from '../helpers/python';
import { demoProject, useBrowserApp } from './app';

/** Every 'f' vector by star id, read from the store before the server opens it. */
let vectors: Map<string, Float32Array>;
const shots = join(repoRoot(), 'test-results', 'map');

const app = useBrowserApp({
  name: 'map',
  shots: 'map',
  setupTimeoutMs: 900_000,
  async project(work) {
    const projectDir = demoProject(work, { stars: 120, steps: 2, quarters: 1 });
    const { ProjectStore } = await import('../../src/main/store/index');
    const store = await ProjectStore.open(projectDir);
    vectors = new Map();
    for (const star of await store.listStars()) {
      const v = await store.getEmbedding(star.starId, 'f');
      if (v) vectors.set(star.starId, v);
    }
    await store.close();
    return projectDir;
  },
});

/** The k nearest other stars of `starId` by Euclidean distance in float64, by a full scan. */
function bruteForce(starId: string, k: number): string[] {
  const q = vectors.get(starId)!;
  return [...vectors]
    .filter(([id]) => id !== starId)
    .map(([id, v]) => ({ id, d: Math.sqrt(v.reduce((s, x, j) => s + (x - q[j]) ** 2, 0)) }))
    .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
    .slice(0, k)
    .map((n) => n.id);
}

/** Winding number of a closed polygon around (px, py): non-zero means inside (not the app's even-odd ray cast). */
function windingNumber(px: number, py: number, poly: [number, number][]): number {
  let w = 0;
  for (let i = 0; i < poly.length; i++) {
    const [x0, y0] = poly[i];
    const [x1, y1] = poly[(i + 1) % poly.length];
    const side = (x1 - x0) * (py - y0) - (px - x0) * (y1 - y0);
    if (y0 <= py && y1 > py && side > 0) w++;
    else if (y0 > py && y1 <= py && side < 0) w--;
  }
  return w;
}

/** Distance from a point to a segment. */
function segmentDistance(p: [number, number], a: [number, number], b: [number, number]): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/** A map.layout result as the server sends it (typed arrays arrive as typed arrays). */
interface Layout { starIds: string[]; x: Float32Array; y: Float32Array }

const toPage = (page: Page, x: number, y: number): Promise<[number, number]> =>
  page.evaluate(([a, b]) => (window as unknown as { __desaMap: { toPage(x: number, y: number): [number, number] } }).__desaMap.toPage(a, b), [x, y]);

describe('Map screen in Chromium', () => {
  it('renders the UMAP, selects by lasso, finds similar stars, classifies and exports', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1500, height: 1000 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(app.serve.url);
    await page.click('[data-testid=nav-map]');
    await page.waitForSelector('[data-testid=map-embedding] option[value=f]', { state: 'attached' });
    await page.selectOption('[data-testid=map-embedding]', 'f');
    await page.click('[data-testid=map-compute]');
    await page.waitForSelector('[data-testid=map-info]', { timeout: 240_000 });

    // The layout exactly as map.layout produced it (the GUI's job).
    const jobs = await app.rpc<{ jobId: string; kind: string; state: string }[]>('jobs.list', {});
    const job = jobs.filter((j) => j.kind === 'map.layout').at(-1)!;
    expect(job.state).toBe('done');
    const layout = (await app.rpc<{ result: Layout }>('jobs.result', { jobId: job.jobId })).result;
    const n = layout.starIds.length;
    expect(n).toBe(vectors.size);
    await page.waitForFunction((count) => document.querySelector('[data-testid=map-canvas]')?.getAttribute('data-drawn') === String(count), n, { timeout: 120_000 });

    // Colour by a catalogue class, so the legend shows and the points are coloured.
    const columns = (await app.rpc<{ columns: { id: string; kind: string }[] }>('map.columns', {})).columns;
    const cmdClass = columns.find((c) => c.id.endsWith(':cmd_class'))!;
    await page.selectOption('[data-testid=map-colour]', cmdClass.id);
    await page.waitForSelector('[data-testid=map-legend]');
    await page.waitForTimeout(1500);

    // Pixel check: drawn (non-white) pixels in the canvas, counted by PIL.
    const mapShot = join(shots, 'map.png');
    await page.locator('[data-testid=map-canvas]').screenshot({ path: mapShot });
    const drawn = JSON.parse(await runPython(
      `import sys, json
from PIL import Image
im = Image.open(sys.argv[1]).convert('RGB')
print(json.dumps(sum(1 for p in im.getdata() if min(p) < 235)))`, [mapShot])) as number;
    // A point of radius 3.2 px covers ~30 px; overlaps and the margin still leave well over 8 per point.
    expect(drawn).toBeGreaterThan(8 * n);

    // Lasso: a hexagon around the layout's centre, vertices at whole pixels, no point within 1.2 px of an edge.
    const sortedX = [...layout.x].sort((a, b) => a - b);
    const sortedY = [...layout.y].sort((a, b) => a - b);
    const [cx, cy] = [sortedX[n >> 1], sortedY[n >> 1]];
    const [sx, sy] = [sortedX[n - 1] - sortedX[0], sortedY[n - 1] - sortedY[0]];
    const points = await Promise.all(Array.from(layout.x, (x, i) => toPage(page, x, layout.y[i])));
    let pagePolygon: [number, number][] = [];
    const tries = [0.3, 0.25, 0.35, 0.2, 0.4].flatMap((r) => [0.2, 0.5, 0.8, 1.1, 1.4, 1.7].map((turn) => ({ r, turn })));
    for (const { r, turn } of tries) {
      const vertices = await Promise.all(Array.from({ length: 6 }, (_, k) => toPage(page, cx + r * sx * Math.cos((k * Math.PI) / 3 + turn), cy + r * sy * Math.sin((k * Math.PI) / 3 + turn))));
      const rounded = vertices.map(([px, py]) => [Math.round(px), Math.round(py)] as [number, number]);
      const clearance = Math.min(...points.map((p) => Math.min(...rounded.map((a, i) => segmentDistance(p, a, rounded[(i + 1) % rounded.length])))));
      if (clearance > 1.2) { pagePolygon = rounded; break; }
    }
    expect(pagePolygon.length).toBe(6);
    // Expected rows from the layout coordinates (in page space, where the test drew).
    const expectedRows = points.flatMap((p, i) => (windingNumber(p[0], p[1], pagePolygon) !== 0 ? [i] : []));
    expect(expectedRows.length).toBeGreaterThan(3);
    expect(expectedRows.length).toBeLessThan(n);

    await page.click('[data-testid=tool-lasso]');
    await page.mouse.move(...pagePolygon[0]);
    await page.mouse.down();
    for (const v of [...pagePolygon.slice(1), pagePolygon[0]]) await page.mouse.move(v[0], v[1], { steps: 4 });
    await page.mouse.up();
    await page.waitForSelector('[data-testid=selection-table]');
    expect(await page.textContent('[data-testid=selection-count]')).toContain(`${expectedRows.length} of ${n} stars selected`);
    const shownIds = await page.locator('[data-testid=selection-table] tbody tr td:nth-child(2)').allTextContents();
    expect(shownIds.map((s) => s.trim())).toEqual(expectedRows.map((r) => layout.starIds[r]));
    await page.screenshot({ path: join(shots, 'map-lasso.png') });

    // Export the selection as FITS; astropy reads back the same star ids, fitsverify finds no error.
    const fitsFile = join(app.work, 'lasso.fits');
    await page.selectOption('[data-testid=export-format]', 'fits');
    await page.fill('[data-testid=export-path]', fitsFile);
    await page.click('[data-testid=export-run]');
    await page.waitForSelector('[data-testid=export-result]');
    const table = JSON.parse(await runPython(
      `import sys, json
from astropy.table import Table
t = Table.read(sys.argv[1])
print(json.dumps({'ids': [str(s) for s in t['star_id']], 'kic': [int(k) for k in t['kic']], 'cols': t.colnames}))`, [fitsFile])) as { ids: string[]; kic: number[]; cols: string[] };
    expect(table.ids).toEqual(expectedRows.map((r) => layout.starIds[r]));
    expect(table.kic).toEqual(expectedRows.map((r) => Number(layout.starIds[r].replace('KIC ', ''))));
    expect(table.cols).toEqual(expect.arrayContaining(['star_id', 'kic', 'ra', 'dec', 'umap_x', 'umap_y', 'cmd_class']));
    const verify = spawnSync('fitsverify', ['-q', '-e', fitsFile], { encoding: 'utf8' });
    expect(`${verify.stdout}${verify.stderr}`).toMatch(/verification OK|0 error/i);

    // Two subsets → classifier: the lasso and its complement by a rectangle over the whole map.
    await page.fill('[data-testid=subset-name]', 'inside');
    await page.click('[data-testid=subset-save]');
    await page.click('[data-testid=tool-rect]');
    const box = (await page.locator('[data-testid=map-canvas]').boundingBox())!;
    await page.mouse.move(box.x + 2, box.y + 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 2, box.y + box.height - 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((count) => document.querySelector('[data-testid=selection-count]')?.textContent?.includes(`${count} of`), n);
    await page.fill('[data-testid=subset-name]', 'all');
    await page.click('[data-testid=subset-save]');
    // "outside" = all − inside, through the subset operations.
    await page.selectOption('[data-testid=subset-op-a]', 'all');
    await page.selectOption('[data-testid=subset-op]', 'difference');
    await page.selectOption('[data-testid=subset-op-b]', 'inside');
    await page.click('[data-testid=subset-combine]');
    await page.waitForFunction((count) => document.querySelector('[data-testid=selection-count]')?.textContent?.includes(`${count} of`), n - expectedRows.length);
    await page.selectOption('[data-testid=classify-a]', 'inside');
    await page.selectOption('[data-testid=classify-b]', 'all ∖ inside');
    await page.fill('[data-testid=classify-name]', 'lassoed');
    await page.click('[data-testid=classify-run]');
    await page.waitForSelector('[data-testid=classify-result]', { timeout: 120_000 });
    expect(await page.textContent('[data-testid=classify-result]')).toMatch(/fold accuracy \d+\.\d%/);
    const probability = await app.rpc<{ kind: string; values: Float64Array }>('map.column', { embedding: 'f', column: 'derived:lassoed:p_inside' });
    expect(probability.kind).toBe('numeric');
    expect(probability.values).toHaveLength(n);
    expect(probability.values.every((v) => v !== null && v >= 0 && v <= 1)).toBe(true);
    await page.waitForSelector('[data-testid=map-colourbar]');
    await page.screenshot({ path: join(shots, 'map-classified.png') });

    // Click a star far from the others: its detail lists the brute-force neighbours; "Find similar" too.
    await page.click('[data-testid=tool-pan]');
    // Where the points are now: the toolbar gains the colour-scale controls with a numeric column, moving the canvas.
    const now = await Promise.all(Array.from(layout.x, (x, i) => toPage(page, x, layout.y[i])));
    const isolation = now.map((p, i) => Math.min(...now.filter((_, j) => j !== i).map((q) => Math.hypot(p[0] - q[0], p[1] - q[1]))));
    const target = isolation.indexOf(Math.max(...isolation));
    await page.mouse.click(now[target][0], now[target][1]);
    await page.waitForSelector('[data-testid=star-neighbours]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid=star-detail] h3')).toBe(layout.starIds[target]);
    const neighbourIds = (await page.locator('[data-testid=star-neighbours] li button').allTextContents()).map((s) => s.trim());
    expect(neighbourIds).toEqual(bruteForce(layout.starIds[target], 10));
    await page.waitForSelector('[data-testid=plot-spectrum] path');
    await page.click('[data-testid=find-similar-star]');
    await page.waitForSelector('[data-testid=similar-list]');
    const similarIds = (await page.locator('[data-testid=similar-list] li button').allTextContents()).map((s) => s.trim());
    expect(similarIds).toEqual(bruteForce(layout.starIds[target], 20));
    await page.screenshot({ path: join(shots, 'map-detail.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
