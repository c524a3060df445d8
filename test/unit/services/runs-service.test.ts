/**
 * runs.list / runs.get / runs.evaluate: run folders are summarised with the right status, and the
 * held-out evaluation of fine-tunes matches scikit-learn (roc_curve, roc_auc_score,
 * precision_recall_curve, average_precision_score, confusion_matrix) and numpy.
 */
import { mulberry32 as rng } from '../../../src/shared/random';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG, type TrainStepReport } from '../../../src/shared/training';
import type { AgeEvaluation, BinaryEvaluation } from '../../../src/shared/runs';
import { createServices } from '../../../src/main/services/index';
import { evaluateRun, getRun, listRuns } from '../../../src/main/services/runs-service';
import { writeHeldOut, type AgeHeldOut, type BinaryHeldOut } from '../../../src/main/pipeline/evaluation';
import { runPython } from '../../helpers/python';

const project = mkdtempSync(path.join(os.tmpdir(), 'desa-runs-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));



function step(step: number, total: number, loss: number, validation?: number): TrainStepReport {
  return { step, totalSteps: total, losses: { total: loss }, lr: 1e-3, batchSize: 8, samplesPerSec: 10, etaSeconds: 1, ...(validation !== undefined ? { validation: { total: validation } } : {}) };
}

/** Writes a run folder as the pipeline does: run.json when the stage stopped, one step per metrics.jsonl line. */
function writeRun(name: string, steps: TrainStepReport[], stopped: { stoppedBy: string; stepsDone: number; total: number } | null, tail = ''): string {
  const dir = path.join(project, 'runs', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'metrics.jsonl'), steps.map((s) => JSON.stringify(s) + '\n').join('') + tail);
  if (stopped) {
    writeFileSync(path.join(dir, 'run.json'), JSON.stringify({
      stage: name.slice(0, name.lastIndexOf('-')), size: name.slice(name.lastIndexOf('-') + 1),
      config: { ...DEFAULT_TRAIN_CONFIG, steps: stopped.total },
      result: { stepsDone: stopped.stepsDone, stoppedBy: stopped.stoppedBy, resumedFrom: null, bestValidation: null },
      finishedAt: '2026-01-01T00:00:00.000Z',
    }));
    writeFileSync(path.join(dir, 'latest.json'), JSON.stringify({ step: stopped.stepsDone }));
  }
  return dir;
}

// A binary fine-tune: 60 rows, scores rounded to 0.05 so that ties occur (they count one half in the AUC).
const random = rng(7);
const labels = Array.from({ length: 60 }, () => (random() < 0.4 ? 1 : 0));
const scores = labels.map((l) => Math.round(Math.min(1, Math.max(0, 0.35 + 0.3 * l + 0.5 * (random() - 0.5))) * 20) / 20);
const binary: BinaryHeldOut = { task: 'binary', starIds: labels.map((_, i) => `star-${i}`), labels, scores };
writeHeldOut(writeRun('finetune-binary-tiny', [step(1, 3, 0.9), step(2, 3, 0.7), step(3, 3, 0.6, 0.65)], { stoppedBy: 'completed', stepsDone: 3, total: 3 }), binary);

// An age fine-tune: quantile predictions around the truth.
const truth = Array.from({ length: 40 }, () => 1 + 9 * random());
const median = truth.map((t) => t + 2 * (random() - 0.5));
const age: AgeHeldOut = { task: 'age', starIds: truth.map((_, i) => `star-${i}`), truth, levels: [0.14, 0.5, 0.86], lower: median.map((m) => m - 0.8), median, upper: median.map((m) => m + 0.8) };
writeHeldOut(writeRun('finetune-age-tiny', [step(1, 2, 1.2), step(2, 2, 1.0)], { stoppedBy: 'completed', stepsDone: 2, total: 2 }), age);

// Pretraining runs: one cancelled at step 2 of 10, one killed mid-line after a resume past its last stop.
writeRun('spectra-tiny', [step(1, 10, 2.0), step(2, 10, 1.8)], { stoppedBy: 'cancelled', stepsDone: 2, total: 10 });
writeRun('dualformer-tiny', [step(1, 10, 3.0), step(2, 10, 2.5), step(3, 10, 2.4)], { stoppedBy: 'cancelled', stepsDone: 2, total: 10 }, '{"step":4,"tot');

describe('runs service', () => {
  it('lists runs in pipeline order with their status, steps, last loss and checkpoint', () => {
    const runs = listRuns(project);
    expect(runs.map((r) => r.name)).toEqual(['spectra-tiny', 'dualformer-tiny', 'finetune-binary-tiny', 'finetune-age-tiny']);
    const by = Object.fromEntries(runs.map((r) => [r.name, r]));
    expect(by['spectra-tiny']).toMatchObject({ stage: 'spectra', size: 'tiny', status: 'cancelled', stepsDone: 2, totalSteps: 10, lastLoss: 1.8, checkpointStep: 2, hasEvaluation: false });
    // Three steps logged (the torn fourth line is ignored) but run.json says 2: a resume that was killed.
    expect(by['dualformer-tiny']).toMatchObject({ status: 'incomplete', stepsDone: 3, lastLoss: 2.4, finishedAt: null });
    expect(by['finetune-binary-tiny']).toMatchObject({ stage: 'finetune-binary', status: 'finished', stepsDone: 3, bestValidation: 0.65, hasEvaluation: true });
  });

  it('returns a run with its configuration and every logged step', () => {
    const run = getRun(project, 'finetune-binary-tiny');
    expect(run.config?.steps).toBe(3);
    expect(run.history.map((r) => r.losses.total)).toEqual([0.9, 0.7, 0.6]);
    expect(run.evaluation?.task).toBe('binary');
    expect(getRun(project, 'spectra-tiny').evaluation).toBeNull();
  });

  it('evaluates a binary fine-tune as scikit-learn does', async () => {
    const ev = evaluateRun(project, 'finetune-binary-tiny') as BinaryEvaluation;
    const ref = JSON.parse(await runPython(`
import json, sys
import numpy as np
from sklearn.metrics import roc_curve, roc_auc_score, precision_recall_curve, average_precision_score, confusion_matrix
d = json.loads(sys.argv[1])
y, s = np.array(d['labels']), np.array(d['scores'])
fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
p, r, _ = precision_recall_curve(y, s)
tn, fp, fn, tp = confusion_matrix(y, (s > 0.5).astype(int)).ravel()
print(json.dumps({'auc': roc_auc_score(y, s), 'ap': average_precision_score(y, s), 'fpr': fpr.tolist(), 'tpr': tpr.tolist(),
  'precision': p[::-1].tolist(), 'recall': r[::-1].tolist(), 'cm': [int(tn), int(fp), int(fn), int(tp)]}))`, [JSON.stringify(binary)]));
    expect(ev.n).toBe(60);
    expect(ev.rocAuc).toBeCloseTo(ref.auc, 12);
    expect(ev.averagePrecision).toBeCloseTo(ref.ap, 12);
    expect(ev.roc.map((p) => p.x)).toEqual(ref.fpr.map((v: number) => expect.closeTo(v, 12)));
    expect(ev.roc.map((p) => p.y)).toEqual(ref.tpr.map((v: number) => expect.closeTo(v, 12)));
    expect(ev.pr.map((p) => p.x)).toEqual(ref.recall.map((v: number) => expect.closeTo(v, 12)));
    expect(ev.pr.map((p) => p.y)).toEqual(ref.precision.map((v: number) => expect.closeTo(v, 12)));
    const c = ev.confusion;
    expect([c.trueNegatives, c.falsePositives, c.falseNegatives, c.truePositives]).toEqual(ref.cm);
    expect(ev.accuracy).toBeCloseTo((ref.cm[0] + ref.cm[3]) / 60, 12);
  });

  it('moves the confusion matrix with the threshold', async () => {
    const ev = evaluateRun(project, 'finetune-binary-tiny', 0.3) as BinaryEvaluation;
    const ref = JSON.parse(await runPython(`
import json, sys
import numpy as np
from sklearn.metrics import confusion_matrix
d = json.loads(sys.argv[1])
print(json.dumps([int(v) for v in confusion_matrix(d['labels'], (np.array(d['scores']) > 0.3).astype(int)).ravel()]))`, [JSON.stringify(binary)]));
    expect([ev.confusion.trueNegatives, ev.confusion.falsePositives, ev.confusion.falseNegatives, ev.confusion.truePositives]).toEqual(ref);
  });

  it('evaluates an age fine-tune: residuals, MAE, RMSE and interval coverage as numpy computes them', async () => {
    const ev = evaluateRun(project, 'finetune-age-tiny') as AgeEvaluation;
    const ref = JSON.parse(await runPython(`
import json, sys
import numpy as np
d = json.loads(sys.argv[1])
t, m, lo, hi = (np.array(d[k]) for k in ('truth', 'median', 'lower', 'upper'))
r = t - m
print(json.dumps({'r': r.tolist(), 'mae': np.abs(r).mean(), 'rmse': np.sqrt((r ** 2).mean()), 'cov': ((t >= lo) & (t <= hi)).mean(), 'width': (hi - lo).mean()}))`, [JSON.stringify(age)]));
    expect(ev.residuals).toEqual(ref.r.map((v: number) => expect.closeTo(v, 12)));
    expect(ev.maeGyr).toBeCloseTo(ref.mae, 12);
    expect(ev.rmseGyr).toBeCloseTo(ref.rmse, 12);
    expect(ev.intervalCoverage).toBeCloseTo(ref.cov, 12);
    expect(ev.meanIntervalWidthGyr).toBeCloseTo(ref.width, 12);
    expect(ev.nominalCoverage).toBeCloseTo(0.72, 12);
  });

  it('answers bad requests with errors that name the problem, through the services', async () => {
    const services = await createServices({ backend: 'cli' });
    await expect(services.call('runs.get', { projectDir: project, run: 'nope-tiny' })).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('nope-tiny') });
    await expect(services.call('runs.get', { projectDir: project, run: '../escape' })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(services.call('runs.evaluate', { projectDir: project, run: 'finetune-binary-tiny', threshold: 2 })).rejects.toMatchObject({ code: 'bad-request' });
    writeFileSync(path.join(project, 'runs', 'spectra-tiny', 'heldout.json'), JSON.stringify({ task: 'binary', starIds: ['a'], labels: [1, 0], scores: [0.5] }));
    await expect(services.call('runs.evaluate', { projectDir: project, run: 'spectra-tiny' })).rejects.toMatchObject({ code: 'bad-file', message: expect.stringContaining('heldout.json') });
    // Over the contract, NaN travels as null and the AUC as a number.
    const listed = await services.call('runs.list', { projectDir: project });
    expect(listed).toHaveLength(4);
    const evaluated = await services.call('runs.evaluate', { projectDir: project, run: 'finetune-binary-tiny' });
    expect(evaluated?.task).toBe('binary');
    await services.close();
  });
});
