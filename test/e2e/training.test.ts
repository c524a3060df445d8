/**
 * The Training screen in Debian Chromium against the headless server, on a small demo project whose
 * encoders and DualFormer `desa demo` trained: a binary fine-tune runs from the dialog to the end
 * with its loss curve growing live and its held-out ROC AUC and confusion matrix shown; an age
 * fine-tune is cancelled part-way and resumed from its checkpoint to the end.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths';
import { runPython } from '../helpers/python';
import { demoProject, useBrowserApp } from './app';

const shots = join(repoRoot(), 'test-results');

const app = useBrowserApp({
  name: 'train',
  shots: '.',
  setupTimeoutMs: 600_000,
  project(work) {
    const projectDir = demoProject(work, { stars: 120, steps: 3, quarters: 2 });
    // The fine-tunes start fresh from the GUI (the demo's own 3-step fine-tunes are removed).
    for (const run of ['finetune-binary-tiny', 'finetune-age-tiny']) rmSync(join(projectDir, 'runs', run), { recursive: true, force: true });
    return projectDir;
  },
});

const readJson = (run: string, file: string) => JSON.parse(readFileSync(join(app.projectDir, 'runs', run, file), 'utf8'));

async function openTraining(): Promise<{ page: Page; consoleErrors: string[] }> {
  const page = await app.browser.newPage({ viewport: { width: 1280, height: 1900 } });
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.goto(app.serve.url);
  await page.waitForSelector('[data-testid=project-dir]');
  await page.click('[data-testid=nav-training]');
  await page.waitForSelector('[data-testid=runs-table]');
  return { page, consoleErrors };
}

async function fillDialog(page: Page, stage: string, steps: number, evalEvery: number): Promise<void> {
  await page.selectOption('[data-testid=train-stage]', stage);
  await page.selectOption('[data-testid=train-size]', 'tiny');
  await page.fill('[data-testid=train-steps]', String(steps));
  await page.fill('[data-testid=train-eval]', String(evalEvery));
}

/** Points of the drawn total-loss path: one M/L command per logged step. */
async function lossPathPoints(page: Page): Promise<number> {
  const d = await page.getAttribute('[data-testid=loss-chart-total]', 'd');
  return (d?.match(/[ML]/g) ?? []).length;
}

describe('Training screen in Chromium', () => {
  it('runs a binary fine-tune from the dialog to the end with live curves, ROC AUC and a confusion matrix', async () => {
    const { page, consoleErrors } = await openTraining();
    // The screen names the backend the training worker chose (the native kernels are built in CI).
    await page.waitForSelector('[data-testid=compute-backend]:has-text("Compute: cpu-native")', { timeout: 60_000 });
    const steps = 8;
    await fillDialog(page, 'finetune-binary', steps, 2);
    await page.click('[data-testid=start-training]');

    // Live: the path grows while the job runs (counts seen before the metrics appear).
    const seen = new Set<number>();
    const deadline = Date.now() + 280_000;
    while (!(await page.isVisible('[data-testid=final-metrics]'))) {
      if (Date.now() > deadline) throw new Error('the fine-tune did not finish within 280 s');
      if (await page.isVisible('[data-testid=training-error]')) throw new Error(await page.textContent('[data-testid=training-error]') ?? 'error');
      if (await page.isVisible('[data-testid=loss-chart-total]')) seen.add(await lossPathPoints(page));
      await page.waitForTimeout(100);
    }
    expect([...seen].some((n) => n > 0 && n < steps), `path sizes seen while running: ${[...seen].join(', ')}`).toBe(true);

    // One point per step, validation every 2 steps.
    expect(await lossPathPoints(page)).toBe(steps);
    expect(await page.getAttribute('[data-testid=loss-chart-total]', 'data-points')).toBe(String(steps));
    expect(await page.locator('[data-testid=loss-chart-validation] circle').count()).toBe(steps / 2);
    const logged = readFileSync(join(app.projectDir, 'runs', 'finetune-binary-tiny', 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(logged).toHaveLength(steps);

    // The AUC shown is the pipeline's own (Mann–Whitney) figure and scikit-learn's on the held-out rows.
    const metrics = readJson('finetune-binary-tiny', 'metrics.json');
    const heldOut = readJson('finetune-binary-tiny', 'heldout.json');
    const sklearnAuc = Number(await runPython(`
import json, sys
from sklearn.metrics import roc_auc_score
d = json.load(open(sys.argv[1]))
print(roc_auc_score(d['labels'], d['scores']))`, [join(app.projectDir, 'runs', 'finetune-binary-tiny', 'heldout.json')]));
    const auc = await page.textContent('[data-testid=metric-auc]');
    expect(auc).toBe(metrics.rocAuc.toFixed(3));
    expect(auc).toBe(sklearnAuc.toFixed(3));

    // The confusion matrix counts every held-out star once.
    const cell = async (id: string) => Number(await page.textContent(`[data-testid=confusion-${id}]`));
    const cells = [await cell('tn'), await cell('fp'), await cell('fn'), await cell('tp')];
    expect(cells.reduce((a, b) => a + b, 0)).toBe(metrics.n);
    expect(heldOut.labels).toHaveLength(metrics.n);
    expect(cells[2] + cells[3]).toBe(metrics.positives);
    expect(await page.textContent('[data-testid=metric-n]')).toBe(String(metrics.n));
    expect(await page.locator('[data-testid=roc-chart-roc]').getAttribute('d')).toMatch(/^M\S+ \S+( L\S+ \S+)+$/);

    const row = page.locator('[data-testid=run-finetune-binary-tiny]');
    expect(await row.textContent()).toContain(`${steps} / ${steps}`);
    expect(await row.textContent()).toContain('finished');
    await page.screenshot({ path: join(shots, 'training-binary.png') });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('cancels an age fine-tune part-way and resumes it from its checkpoint to the end', async () => {
    const { page, consoleErrors } = await openTraining();
    const steps = 40;
    await fillDialog(page, 'finetune-age', steps, 10);
    await page.click('[data-testid=start-training]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=loss-chart-total]')?.getAttribute('data-points') ?? 0) >= 3, null, { timeout: 240_000 });
    await page.click('[data-testid=cancel-job]');
    await page.waitForSelector('[data-testid=training-outcome]:has-text("cancelled")', { timeout: 120_000 });
    const stopped = readJson('finetune-age-tiny', 'run.json').result;
    expect(stopped.stoppedBy).toBe('cancelled');
    expect(stopped.stepsDone).toBeLessThan(steps);
    expect(await page.locator('[data-testid=run-finetune-age-tiny]').textContent()).toContain('cancelled');

    // Starting again resumes: the button says so, and the run continues from the cancelled step.
    await fillDialog(page, 'finetune-age', steps, 10);
    expect(await page.textContent('[data-testid=start-training]')).toBe('Resume training');
    await page.click('[data-testid=start-training]');
    await page.waitForSelector('[data-testid=training-outcome]:has-text("done")', { timeout: 280_000 });
    await page.waitForSelector('[data-testid=final-metrics]');
    const finished = readJson('finetune-age-tiny', 'run.json').result;
    expect(finished.stoppedBy).toBe('completed');
    expect(finished.resumedFrom).toBe(stopped.stepsDone);
    expect(await lossPathPoints(page)).toBe(steps);
    const steplog = readFileSync(join(app.projectDir, 'runs', 'finetune-age-tiny', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
    expect(steplog).toEqual(Array.from({ length: steps }, (_, i) => i + 1));

    // Interval coverage as the pipeline computed it; one interval and one residual per held-out star.
    const metrics = readJson('finetune-age-tiny', 'metrics.json');
    expect(await page.textContent('[data-testid=metric-coverage]')).toBe(`${(100 * metrics.intervalCoverage).toFixed(0)}%`);
    expect(await page.textContent('[data-testid=metric-mae]')).toBe(metrics.maeGyr.toFixed(2));
    expect(await page.locator('[data-testid=interval-chart-intervals] circle').count()).toBe(metrics.n);
    expect(await page.locator('[data-testid=residual-chart-residuals] circle').count()).toBe(metrics.n);
    await page.screenshot({ path: join(shots, 'training-age.png') });
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
