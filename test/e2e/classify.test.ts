/**
 * Population classification from the Map screen in Debian Chromium against the headless server, on
 * a project whose embedding 'f' holds two well separated Gaussian blobs (ids alternate between the
 * blobs, so the true class of every star is known):
 * - two rectangle selections, one around each blob's points on the UMAP, are saved as subsets;
 * - a linear SVM trained on them from the classifier picker reports 100 % cross-validated accuracy,
 *   its predicted-class column equals the true blob of every star, and its probability column
 *   colours the map: in the screenshot, blob A's points are drawn in the colour bar's top colour
 *   and blob B's in its bottom colour (pixels read by PIL);
 * - a Gaussian mixture trained the same way also classifies every star correctly;
 * - selecting by value filters on the new columns: P(blob a) ≥ 0.5 selects blob A, the GMM's class
 *   'blob b' selects blob B, and within the blob-A selection selects nothing.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../../src/main/map/random';
import { pointAlpha, viridis } from '../../src/renderer/map/colour';
import { repoRoot } from '../helpers/paths';
import { runPython } from '../helpers/python';
import { useBrowserApp } from './app';

const STARS = 160;
const DIM = 8;
const shots = join(repoRoot(), 'test-results', 'classify');
/** Star i is in blob A when i is even. */
const ids = Array.from({ length: STARS }, (_, i) => `S${String(i).padStart(4, '0')}`);
const inA = (i: number): boolean => i % 2 === 0;

const app = useBrowserApp({
  name: 'classify',
  shots: 'classify',
  async project(work) {
    const g = gaussian(mulberry32(5));
    const { ProjectStore } = await import('../../src/main/store/index');
    const store = await ProjectStore.create(join(work, 'project'));
    // Blob centres 12σ apart along every axis: UMAP puts them in two separate islands.
    await store.putEmbeddings('f', ids.map((starId, i) => ({ starId, vector: Float32Array.from({ length: DIM }, () => g() + (inA(i) ? 0 : 12)) })));
    await store.close();
    return join(work, 'project');
  },
});

const toPage = (page: Page, x: number, y: number): Promise<[number, number]> =>
  page.evaluate(([a, b]) => (window as unknown as { __desaMap: { toPage(x: number, y: number): [number, number] } }).__desaMap.toPage(a, b), [x, y]);

/** Draws a rectangle around `rows`' points (page coordinates) and saves the selection as subset `name`. */
async function selectAndSave(page: Page, points: [number, number][], rows: number[], others: number[], name: string): Promise<void> {
  const xs = rows.map((r) => points[r][0]);
  const ys = rows.map((r) => points[r][1]);
  const box = [Math.min(...xs) - 4, Math.min(...ys) - 4, Math.max(...xs) + 4, Math.max(...ys) + 4];
  const intruders = others.filter((r) => points[r][0] >= box[0] - 1 && points[r][0] <= box[2] + 1 && points[r][1] >= box[1] - 1 && points[r][1] <= box[3] + 1);
  expect(intruders, `UMAP should separate the blobs: ${intruders.length} stars of the other blob inside ${name}'s box`).toEqual([]);
  await page.click('[data-testid=tool-rect]');
  await page.mouse.move(box[0], box[1]);
  await page.mouse.down();
  await page.mouse.move(box[2], box[3], { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction((count) => document.querySelector('[data-testid=selection-count]')?.textContent?.includes(`${count} of`), rows.length);
  await page.fill('[data-testid=subset-name]', name);
  await page.click('[data-testid=subset-save]');
}

/** Trains a classifier of `kind` on the two subsets from the GUI and returns its derived columns' values. */
async function classify(page: Page, kind: string, name: string): Promise<{ resultText: string; codes: number[]; categories: string[]; pA: number[] }> {
  await page.selectOption('[data-testid=classify-kind]', kind);
  await page.selectOption('[data-testid=classify-a]', 'blob a');
  await page.selectOption('[data-testid=classify-b]', 'blob b');
  await page.fill('[data-testid=classify-name]', name);
  // The run is a job: note whether the panel showed its progress (however briefly) while it ran.
  await page.evaluate(() => {
    const w = window as unknown as { __classifyProgressSeen: boolean };
    w.__classifyProgressSeen = false;
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid=classify-progress]')) { w.__classifyProgressSeen = true; observer.disconnect(); }
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.click('[data-testid=classify-run]');
  await page.waitForFunction((n) => document.querySelector('[data-testid=classify-result]')?.textContent?.includes(n), kind === 'gmm' ? 'Gaussian mixture' : 'linear SVM', { timeout: 120_000 });
  await page.waitForFunction((id) => (document.querySelector('[data-testid=map-colour]') as HTMLSelectElement | null)?.value === id, `derived:${name}:p_blob_a`);
  const predicted = await app.rpc<{ kind: string; codes: Int32Array; categories: string[] }>('map.column', { embedding: 'f', column: `derived:${name}` });
  const p = await app.rpc<{ values: Float64Array }>('map.column', { embedding: 'f', column: `derived:${name}:p_blob_a` });
  expect(await page.evaluate(() => (window as unknown as { __classifyProgressSeen: boolean }).__classifyProgressSeen)).toBe(true);
  // The job system ran it: listed as done, its progress at the last of its steps (folds, final fit, scoring).
  const job = (await app.rpc<{ kind: string; state: string; last: { done: number; total: number; unit: string } | null }[]>('jobs.list', {})).filter((j) => j.kind === 'map.classify').at(-1)!;
  expect(job.state).toBe('done');
  expect(job.last).toMatchObject({ unit: 'steps', done: job.last!.total });
  return { resultText: ((await page.textContent('[data-testid=classify-result]')) ?? '').replace(/\s+/g, ' '), codes: Array.from(predicted.codes), categories: predicted.categories, pA: Array.from(p.values) };
}

describe('classification from the Map screen', () => {
  it('trains a linear SVM and a GMM on two selections; the probability column colours the map', async () => {
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
    await page.waitForFunction((count) => document.querySelector('[data-testid=map-canvas]')?.getAttribute('data-drawn') === String(count), STARS, { timeout: 120_000 });
    const job = (await app.rpc<{ jobId: string; kind: string }[]>('jobs.list', {})).filter((j) => j.kind === 'map.layout').at(-1)!;
    const layout = (await app.rpc<{ result: { starIds: string[]; x: Float32Array; y: Float32Array } }>('jobs.result', { jobId: job.jobId })).result;
    expect(layout.starIds).toEqual(ids);
    const points = await Promise.all(Array.from(layout.x, (x, i) => toPage(page, x, layout.y[i])));
    const a = ids.flatMap((_, i) => (inA(i) ? [i] : []));
    const b = ids.flatMap((_, i) => (inA(i) ? [] : [i]));
    await selectAndSave(page, points, a, b, 'blob a');
    await selectAndSave(page, points, b, a, 'blob b');
    await page.getByRole('button', { name: 'Clear', exact: true }).click();

    const truth = ids.map((_, i) => (inA(i) ? 0 : 1));
    const svm = await classify(page, 'linear-svm', 'svm');
    expect(svm.resultText).toMatch(/linear SVM \(C 1\): \d+-fold accuracy 100\.0%/);
    expect(svm.categories).toEqual(['blob a', 'blob b']);
    expect(svm.codes).toEqual(truth);
    expect(svm.pA.every((p, i) => (inA(i) ? p > 0.5 : p < 0.5))).toBe(true);
    await page.waitForSelector('[data-testid=map-colourbar]');
    await page.waitForTimeout(1000);

    // The map is coloured by P(blob a): each blob's points show the colour bar's top / bottom colour
    // (viridis, drawn with the map's point opacity over the white background).
    const canvas = page.locator('[data-testid=map-canvas]');
    const shot = join(shots, 'classified-svm.png');
    await canvas.screenshot({ path: shot });
    const origin = (await canvas.boundingBox())!;
    // Where the points are now (the side panel's new rows may have resized the canvas since the selections).
    const drawnAt = await Promise.all(Array.from(layout.x, (x, i) => toPage(page, x, layout.y[i])));
    const pixels = JSON.parse(await runPython(
      `import sys, json
from PIL import Image
im = Image.open(sys.argv[1]).convert('RGB')
print(json.dumps([im.getpixel((int(round(x)), int(round(y)))) for x, y in json.loads(sys.argv[2])]))`,
      [shot, JSON.stringify(drawnAt.map(([x, y]) => [x - origin.x, y - origin.y]))],
    )) as [number, number, number][];
    const pMin = Math.min(...svm.pA);
    const pMax = Math.max(...svm.pA);
    const alpha = pointAlpha(STARS) / 255;
    const drawn = (t: number): number[] => viridis(t).map((c) => c * alpha + 255 * (1 - alpha));
    const near = (pixel: number[], want: number[]): boolean => pixel.every((c, k) => Math.abs(c - want[k]) <= 40);
    // The colour bar spans the 2nd–98th percentile, so the blobs sit at (or beyond) its two ends.
    expect(pMax - pMin).toBeGreaterThan(0.9);
    const top = drawn(1);
    const bottom = drawn(0);
    expect(a.filter((r) => near(pixels[r], top)).length).toBeGreaterThanOrEqual(0.9 * a.length);
    expect(b.filter((r) => near(pixels[r], bottom)).length).toBeGreaterThanOrEqual(0.9 * b.length);

    const gmm = await classify(page, 'gmm', 'gmm');
    expect(gmm.resultText).toMatch(/Gaussian mixture \(2 per class, diag, reg 0\.001\): \d+-fold accuracy 100\.0%/);
    expect(gmm.codes).toEqual(truth);
    await page.screenshot({ path: join(shots, 'classified-gmm.png') });

    // Filter on the new columns: a probability range, then a predicted class (alone and within the selection).
    const selected = async (want: number[]) => {
      await page.waitForFunction((count) => document.querySelector('[data-testid=selection-count]')?.textContent?.includes(`${count} of ${160} stars`), want.length);
      if (want.length) expect(await page.textContent('[data-testid=selection-table] tbody tr:first-child')).toContain(ids[want[0]]);
    };
    await page.selectOption('[data-testid=filter-column]', 'derived:svm:p_blob_a');
    await page.fill('[data-testid=filter-min]', '0.5');
    await page.click('[data-testid=filter-apply]');
    const likelyA = svm.pA.flatMap((p, i) => (p >= 0.5 ? [i] : []));
    expect(likelyA).toEqual(a);
    await selected(likelyA);
    await page.selectOption('[data-testid=filter-column]', 'derived:gmm');
    await page.waitForSelector('[data-testid=filter-categories] option[value="blob b"]', { state: 'attached' });
    await page.selectOption('[data-testid=filter-categories]', ['blob b']);
    await page.check('[data-testid=filter-within]');
    await page.click('[data-testid=filter-apply]');
    await selected([]);
    await page.uncheck('[data-testid=filter-within]');
    await page.click('[data-testid=filter-apply]');
    await selected(b);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
