/**
 * Project sessions and the fine-tune label picker in Debian Chromium against the headless server,
 * on a small demo project with DESA embeddings (`desa demo`):
 * - a rectangle selection saved as a named subset, a second selection, colouring by a catalogue
 *   column on a log scale with fixed limits, and a panned and zoomed view are saved to
 *   <project>/session.json; reloading the page and reopening the project from the recent list
 *   restore every one of them (the subset's stars are those the rectangle contains, computed
 *   here from the layout's coordinates);
 * - a corrupt session file is reported naming the file and the problem, and the project opens;
 * - the fine-tune dialog lists the project's catalogue columns, and a tiny binary fine-tune started
 *   with another label column records that column in its run.json.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SavedSession } from '../../src/shared/session';
import { repoRoot } from '../helpers/paths';
import { demoProject, useBrowserApp } from './app';

const shots = join(repoRoot(), 'test-results', 'session');

const app = useBrowserApp({
  name: 'session',
  shots: 'session',
  setupTimeoutMs: 900_000,
  project(work) {
    // The server keeps its recent projects here, not in the user's own settings.
    process.env.DESA_SETTINGS_DIR = join(work, 'settings');
    return demoProject(work, { stars: 120, steps: 2, quarters: 1 });
  },
});

/** A map.layout result as the server sends it (typed arrays arrive as typed arrays). */
interface Layout { starIds: string[]; x: Float32Array; y: Float32Array }
interface View { target: [number, number]; zoom: number }

const toPage = (page: Page, x: number, y: number): Promise<[number, number]> =>
  page.evaluate(([a, b]) => (window as unknown as { __desaMap: { toPage(x: number, y: number): [number, number] } }).__desaMap.toPage(a, b), [x, y]);
const currentView = (page: Page): Promise<View> =>
  page.evaluate(() => (window as unknown as { __desaMap: { view(): View } }).__desaMap.view());

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await app.browser.newPage({ viewport: { width: 1500, height: 1000 } });
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

/** Opens the Map screen and waits until the (restored or computed) map of n points is drawn. */
async function mapDrawn(page: Page, n: number): Promise<void> {
  await page.click('[data-testid=nav-map]');
  await page.waitForSelector('[data-testid=map-info]', { timeout: 240_000 });
  await page.waitForFunction((count) => document.querySelector('[data-testid=map-canvas]')?.getAttribute('data-drawn') === String(count), n, { timeout: 120_000 });
}

/** Drags a rectangle between two page points with the rectangle tool. */
async function dragRect(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  await page.click('[data-testid=tool-rect]');
  await page.mouse.move(...from);
  await page.mouse.down();
  await page.mouse.move(to[0], to[1], { steps: 5 });
  await page.mouse.up();
}

/** Rows whose page position lies inside the rectangle (page pixels). */
function inside(points: [number, number][], a: [number, number], b: [number, number]): number[] {
  const [x0, x1] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
  const [y0, y1] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
  return points.flatMap(([x, y], i) => (x >= x0 && x <= x1 && y >= y0 && y <= y1 ? [i] : []));
}

/** A rectangle edge coordinate near `want` with no point within 1.5 px of it along that axis. */
function clearOf(values: number[], want: number): number {
  for (let d = 0; d < 200; d++) {
    for (const c of [Math.round(want) + d, Math.round(want) - d]) if (values.every((v) => Math.abs(v - c) > 1.5)) return c;
  }
  throw new Error('no clear edge');
}

const selectedIds = async (page: Page): Promise<string[]> =>
  (await page.locator('[data-testid=selection-table] tbody tr td:nth-child(2)').allTextContents()).map((s) => s.trim());

describe('project session in Chromium', () => {
  it('saves subsets, selection, colouring and view, and restores them on reload and on reopening the project', async () => {
    const { page, errors } = await newPage();
    await page.goto(app.serve.url);
    await page.waitForSelector('[data-testid=project-dir]');
    await page.click('[data-testid=nav-map]');
    await page.waitForSelector('[data-testid=map-embedding] option[value=f]', { state: 'attached' });
    await page.selectOption('[data-testid=map-embedding]', 'f');
    await page.click('[data-testid=map-compute]');
    const jobDone = async (): Promise<Layout> => {
      await page.waitForSelector('[data-testid=map-info]', { timeout: 240_000 });
      const job = (await app.rpc<{ jobId: string; kind: string; state: string }[]>('jobs.list', {})).filter((j) => j.kind === 'map.layout').at(-1)!;
      return (await app.rpc<{ result: Layout }>('jobs.result', { jobId: job.jobId })).result;
    };
    const layout = await jobDone();
    const n = layout.starIds.length;
    await mapDrawn(page, n);

    // Colour by a numeric catalogue column, log scale, fixed limits.
    const columns = (await app.rpc<{ columns: { id: string; kind: string; group: string }[] }>('map.columns', {})).columns;
    const teff = columns.find((c) => c.group === 'catalog' && c.kind === 'numeric' && c.id.endsWith(':teff'))!;
    expect(teff, 'a numeric teff catalogue column').toBeTruthy();
    await page.selectOption('[data-testid=map-colour]', teff.id);
    await page.waitForSelector('[data-testid=map-colourbar]');
    await page.selectOption('[data-testid=map-scale]', 'log');
    await page.fill('[data-testid=map-range-low]', '4500');
    await page.fill('[data-testid=map-range-high]', '6500');
    await page.click('[data-testid=map-range-apply]');
    await page.waitForSelector('[data-testid=map-legend] .title:has-text("log₁₀")');

    // A subset: the stars inside a rectangle over the left half of the map.
    const box = (await page.locator('[data-testid=map-canvas]').boundingBox())!;
    let points = await Promise.all(Array.from(layout.x, (x, i) => toPage(page, x, layout.y[i])));
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const a: [number, number] = [clearOf(xs, box.x + 8), clearOf(ys, box.y + 8)];
    const b: [number, number] = [clearOf(xs, box.x + box.width / 2), clearOf(ys, box.y + box.height - 8)];
    const leftRows = inside(points, a, b);
    expect(leftRows.length).toBeGreaterThan(2);
    expect(leftRows.length).toBeLessThan(n);
    await dragRect(page, a, b);
    await page.waitForFunction((k) => document.querySelector('[data-testid=selection-count]')?.textContent?.includes(`${k} of`), leftRows.length);
    expect(await selectedIds(page)).toEqual(leftRows.map((r) => layout.starIds[r]));
    await page.fill('[data-testid=subset-name]', 'left half');
    await page.click('[data-testid=subset-save]');

    // The current selection: the top half.
    const c: [number, number] = [clearOf(xs, box.x + 8), clearOf(ys, box.y + 8)];
    const d: [number, number] = [clearOf(xs, box.x + box.width - 8), clearOf(ys, box.y + box.height / 2)];
    const topRows = inside(points, c, d);
    expect(topRows.length).toBeGreaterThan(2);
    await dragRect(page, c, d);
    await page.waitForFunction((k) => document.querySelector('[data-testid=selection-count]')?.textContent?.includes(`${k} of`), topRows.length);

    // Pan by dragging and zoom with the wheel.
    await page.click('[data-testid=tool-pan]');
    const before = await currentView(page);
    const centre: [number, number] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(...centre);
    await page.mouse.down();
    await page.mouse.move(centre[0] + 90, centre[1] + 40, { steps: 6 });
    await page.mouse.up();
    await page.mouse.wheel(0, -120);
    await page.waitForTimeout(800);
    const view = await currentView(page);
    expect(view.zoom).toBeGreaterThan(before.zoom);
    expect(Math.hypot(view.target[0] - before.target[0], view.target[1] - before.target[1])).toBeGreaterThan(0);

    await page.click('[data-testid=session-save]');
    await page.waitForSelector('[data-testid=session-status]:has-text("saved")');
    const file = JSON.parse(readFileSync(join(app.projectDir, 'session.json'), 'utf8')) as SavedSession;
    expect(file.version).toBe(1);
    expect(file.map.layout).toBe('f');
    expect(file.map.colour).toEqual({ column: teff.id, scale: { kind: 'log', range: [4500, 6500] } });
    expect(file.map.subsets).toEqual([{ name: 'left half', starIds: leftRows.map((r) => layout.starIds[r]) }]);
    expect(file.map.selection).toEqual(topRows.map((r) => layout.starIds[r]));
    expect(file.map.view!.zoom).toBeCloseTo(view.zoom, 9);
    expect(file.map.view!.target[0]).toBeCloseTo(view.target[0], 9);
    expect(file.map.view!.target[1]).toBeCloseTo(view.target[1], 9);
    await page.screenshot({ path: join(shots, 'saved.png') });

    /** Everything saved is on show again, the selection being `selected`. */
    async function expectRestored(p: Page, selected: number[]): Promise<void> {
      const savedAt = (JSON.parse(readFileSync(join(app.projectDir, 'session.json'), 'utf8')) as SavedSession).savedAt;
      await mapDrawn(p, n);
      expect(await p.inputValue('[data-testid=map-colour]')).toBe(teff.id);
      expect(await p.inputValue('[data-testid=map-scale]')).toBe('log');
      expect(await p.inputValue('[data-testid=map-range-low]')).toBe('4500');
      expect(await p.inputValue('[data-testid=map-range-high]')).toBe('6500');
      await p.waitForSelector('[data-testid=map-legend] .title:has-text("log₁₀")');
      // Restoring is not a change: the file is not rewritten.
      await p.waitForTimeout(1200);
      expect((JSON.parse(readFileSync(join(app.projectDir, 'session.json'), 'utf8')) as SavedSession).savedAt).toBe(savedAt);
      expect(await p.locator('[data-testid=session-status]').count()).toBe(0);
      const restored = await currentView(p);
      expect(restored.zoom).toBeCloseTo(view.zoom, 6);
      expect(restored.target[0]).toBeCloseTo(view.target[0], 6);
      expect(restored.target[1]).toBeCloseTo(view.target[1], 6);
      await p.waitForSelector('[data-testid=selection-table]');
      expect(await p.textContent('[data-testid=selection-count]')).toContain(`${selected.length} of ${n} stars selected`);
      expect(await selectedIds(p)).toEqual(selected.map((r) => layout.starIds[r]));
      expect(await p.textContent('[data-testid=subset-list]')).toContain('left half');
      await p.click('[data-testid=subset-list] button:has-text("left half")');
      await p.waitForFunction((k) => document.querySelector('[data-testid=selection-count]')?.textContent?.includes(`${k} of`), leftRows.length);
      expect(await selectedIds(p)).toEqual(leftRows.map((r) => layout.starIds[r]));
      // The restored view draws the stars where they were when saved.
      points = await Promise.all(Array.from(layout.x.slice(0, 5), (x, i) => toPage(p, x, layout.y[i])));
      const saved = await Promise.all(Array.from(layout.x.slice(0, 5), (x, i) => toPage(page, x, layout.y[i])));
      points.forEach((pt, i) => expect(Math.hypot(pt[0] - saved[i][0], pt[1] - saved[i][1])).toBeLessThan(0.5));
    }

    // Reload the page: the session comes back from the project folder.
    const reloaded = await newPage();
    await reloaded.page.goto(app.serve.url);
    await reloaded.page.waitForSelector('[data-testid=project-dir]');
    await expectRestored(reloaded.page, topRows);
    await reloaded.page.screenshot({ path: join(shots, 'restored.png') });

    // Switch to another project, then reopen this one from the recent projects.
    await reloaded.page.click('[data-testid=nav-project]');
    await reloaded.page.fill('[data-testid=project-path]', join(app.work, 'other-project'));
    await reloaded.page.click('[data-testid=open-project]');
    await reloaded.page.waitForSelector(`[data-testid=header-project]:has-text("other-project")`);
    const recent = (await reloaded.page.locator('[data-testid=recent-project]').allTextContents()).map((s) => s.trim());
    expect(recent.slice(0, 2)).toEqual([join(app.work, 'other-project'), app.projectDir]);
    await reloaded.page.click(`[data-testid=recent-project]:text-is("${app.projectDir}")`);
    await reloaded.page.waitForSelector(`[data-testid=project-dir]:text-is("${app.projectDir}")`);
    // Showing the subset above made it the selection, which was saved before the switch.
    await expectRestored(reloaded.page, leftRows);
    expect(errors).toEqual([]);
    expect(reloaded.errors).toEqual([]);
    await reloaded.page.close();
    await page.close();
  });

  it('reports a corrupt session file naming it, and still opens the project', async () => {
    const file = join(app.projectDir, 'session.json');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.slice(0, good.length >> 1));
    try {
      const { page } = await newPage();
      await page.goto(app.serve.url);
      await page.waitForSelector('[data-testid=project-dir]');
      const problem = await page.textContent('[data-testid=session-problem]');
      expect(problem).toContain(file);
      expect(problem).toMatch(/not valid JSON/);
      expect(await page.textContent('[data-testid=count-stars]')).toMatch(/\d/);
      await page.click('[data-testid=nav-map]');
      await page.waitForSelector('[data-testid=map-embedding] option[value=f]', { state: 'attached' });
      expect(await page.textContent('[data-testid=map-session-problem]')).toContain(file);
      await page.close();
    } finally {
      writeFileSync(file, good);
    }
  });
});

describe('fine-tune label picker in Chromium', () => {
  it('lists the catalogue columns and starts a tiny binary fine-tune on the chosen column', async () => {
    const run = join(app.projectDir, 'runs', 'finetune-binary-tiny');
    rmSync(run, { recursive: true, force: true });
    const catalogColumns = (await app.rpc<{ columns: { id: string; kind: string; group: string }[] }>('map.columns', {})).columns.filter((c) => c.group === 'catalog');
    const { page, errors } = await newPage();
    await page.goto(app.serve.url);
    await page.waitForSelector('[data-testid=project-dir]');
    await page.click('[data-testid=nav-training]');
    await page.waitForSelector('[data-testid=runs-table]');
    await page.selectOption('[data-testid=train-stage]', 'finetune-binary');
    await page.waitForFunction((k) => document.querySelectorAll('[data-testid=train-label] option').length === k, catalogColumns.length);
    const options = await page.locator('[data-testid=train-label] option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, disabled: (o as HTMLOptionElement).disabled })));
    expect(options.map((o) => o.value)).toEqual(catalogColumns.map((c) => c.id));
    // The binary fine-tune takes text columns too (their positive values are then typed in).
    expect(options.filter((o) => !o.disabled).map((o) => o.value)).toEqual(catalogColumns.map((c) => c.id));
    // The demo's own binary label is the default (a numeric column: a threshold, default 0).
    expect(await page.inputValue('[data-testid=train-label]')).toBe('catalog:cmd_binary_flags.csv:binary_candidate');
    expect(await page.inputValue('[data-testid=train-threshold]')).toBe('0');
    // A text column asks which values are positive; Start waits for at least one.
    await page.selectOption('[data-testid=train-label]', 'catalog:cmd_binary_flags.csv:cmd_class');
    await page.waitForSelector('[data-testid=train-positive]');
    expect(await page.isDisabled('[data-testid=start-training]')).toBe(true);
    await page.fill('[data-testid=train-positive]', 'binary sequence, ');
    expect(await page.isDisabled('[data-testid=start-training]')).toBe(false);
    expect(await page.textContent('[data-testid=train-label-note]')).toMatch(/one of the positive values are binaries/);
    // Choose the RUWE binary flag instead.
    await page.selectOption('[data-testid=train-label]', 'catalog:cmd_binary_flags.csv:ruwe_binary');
    await page.waitForSelector('[data-testid=train-threshold]');
    await page.selectOption('[data-testid=train-size]', 'tiny');
    await page.fill('[data-testid=train-steps]', '4');
    await page.fill('[data-testid=train-eval]', '2');
    await page.click('[data-testid=start-training]');
    await page.waitForSelector('[data-testid=training-outcome]:has-text("done")', { timeout: 540_000 });
    const recorded = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
    // A numeric column is positive above the threshold (default 0).
    expect(recorded.provenance.labels.binary).toEqual({ catalog: 'cmd_binary_flags.csv', column: 'ruwe_binary', threshold: 0 });
    expect(recorded.result.stepsDone).toBe(4);
    // The age task offers numeric columns too, defaulting to the demo's ages.
    await page.selectOption('[data-testid=train-stage]', 'finetune-age');
    expect(await page.inputValue('[data-testid=train-label]')).toBe('catalog:gyro_ages.csv:age_gyr');
    await page.screenshot({ path: join(shots, 'train-label.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000);
});
