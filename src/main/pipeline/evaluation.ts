/**
 * Held-out evaluation of the fine-tunes, as the Training screen draws it: a fine-tune writes its
 * per-row held-out outputs (class probabilities, or predicted age quantiles) to heldout.json in its
 * run folder, and these functions turn them into ROC and precision–recall curves, a confusion matrix,
 * residuals and interval coverage. Definitions follow scikit-learn (roc_curve, roc_auc_score,
 * precision_recall_curve, average_precision_score, confusion_matrix) so numbers match what
 * astronomers get in Python.
 */
import path from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AgeEvaluation, BinaryEvaluation, ConfusionMatrix, CurvePoint, Evaluation } from '../../shared/runs';

/** Per-row held-out outputs of a binary fine-tune. */
export interface BinaryHeldOut {
  task: 'binary';
  starIds: string[];
  /** True class, 0 or 1. */
  labels: number[];
  /** Predicted probability of class 1. */
  scores: number[];
}

/** Per-row held-out outputs of an age fine-tune (CQR quantiles, in Gyr). */
export interface AgeHeldOut {
  task: 'age';
  starIds: string[];
  truth: number[];
  /** Quantile levels of lower, median, upper (e.g. 0.16, 0.5, 0.84). */
  levels: number[];
  lower: number[];
  median: number[];
  upper: number[];
}

export type HeldOut = BinaryHeldOut | AgeHeldOut;

export const HELD_OUT_FILE = 'heldout.json';

/** Writes a fine-tune's held-out outputs into its run folder. */
export function writeHeldOut(runDir: string, heldOut: HeldOut): void {
  writeFileSync(path.join(runDir, HELD_OUT_FILE), JSON.stringify(heldOut));
}

/** Reads a run's held-out outputs; null when the run has none (pretraining stages, older runs). */
export function readHeldOut(runDir: string): HeldOut | null {
  const file = path.join(runDir, HELD_OUT_FILE);
  if (!existsSync(file)) return null;
  const value = JSON.parse(readFileSync(file, 'utf8')) as HeldOut;
  const n = value.starIds?.length;
  const columns = value.task === 'binary' ? [value.labels, value.scores] : value.task === 'age' ? [value.truth, value.lower, value.median, value.upper] : null;
  if (!columns || columns.some((c) => !Array.isArray(c) || c.length !== n)) {
    throw new Error(`${file}: not a held-out file (expected task 'binary' or 'age' and one value per star in every column)`);
  }
  return value;
}

/**
 * Cumulative true/false positives at each distinct score, highest first: the operating points of
 * a ranking (equal scores enter together, which is what makes ties count one half in the AUC).
 */
function operatingPoints(scores: readonly number[], labels: readonly number[]): { tp: number; fp: number; threshold: number }[] {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const points: { tp: number; fp: number; threshold: number }[] = [];
  let tp = 0, fp = 0;
  order.forEach((row, k) => {
    if (labels[row] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[row]) points.push({ tp, fp, threshold: scores[row] });
  });
  return points;
}

/** Counts of a threshold rule: a row is predicted positive when its score is above `threshold`. */
export function confusionMatrix(scores: readonly number[], labels: readonly number[], threshold = 0.5): ConfusionMatrix {
  const m: ConfusionMatrix = { threshold, truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0 };
  scores.forEach((s, i) => {
    const predicted = s > threshold, actual = labels[i] === 1;
    if (predicted && actual) m.truePositives++;
    else if (predicted) m.falsePositives++;
    else if (actual) m.falseNegatives++;
    else m.trueNegatives++;
  });
  return m;
}

/**
 * ROC and PR curves, their areas and the confusion matrix at `threshold` for a binary classifier.
 *
 * @param scores predicted probability of class 1 per row
 * @param labels true class per row, 0 or 1
 */
export function evaluateBinary(scores: readonly number[], labels: readonly number[], threshold = 0.5): BinaryEvaluation {
  if (scores.length !== labels.length) throw new Error(`evaluateBinary: ${scores.length} scores but ${labels.length} labels`);
  const positives = labels.filter((l) => l === 1).length, negatives = labels.length - positives;
  const points = operatingPoints(scores, labels);
  const roc: CurvePoint[] = [{ x: 0, y: 0, threshold: Infinity }, ...points.map((p) => ({ x: p.fp / negatives, y: p.tp / positives, threshold: p.threshold }))];
  let rocAuc = 0;
  for (let i = 1; i < roc.length; i++) rocAuc += ((roc[i].x - roc[i - 1].x) * (roc[i].y + roc[i - 1].y)) / 2;
  const pr: CurvePoint[] = points.map((p) => ({ x: p.tp / positives, y: p.tp / (p.tp + p.fp), threshold: p.threshold }));
  let averagePrecision = 0, previousRecall = 0;
  for (const p of pr) {
    averagePrecision += (p.x - previousRecall) * p.y;
    previousRecall = p.x;
  }
  const confusion = confusionMatrix(scores, labels, threshold);
  return {
    task: 'binary', n: labels.length, positives, roc,
    rocAuc: positives && negatives ? rocAuc : NaN,
    pr: positives ? [{ x: 0, y: 1, threshold: Infinity }, ...pr] : [],
    averagePrecision: positives ? averagePrecision : NaN,
    confusion,
    accuracy: labels.length ? (confusion.truePositives + confusion.trueNegatives) / labels.length : NaN,
  };
}

/** Residuals, errors and interval coverage of quantile predictions (CQR) against the truth. */
export function evaluateAge(h: Omit<AgeHeldOut, 'task' | 'starIds'>): AgeEvaluation {
  const n = h.truth.length;
  const residuals = h.truth.map((t, i) => t - h.median[i]);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  return {
    task: 'age', n, levels: h.levels, truth: h.truth, median: h.median, lower: h.lower, upper: h.upper, residuals,
    maeGyr: mean(residuals.map(Math.abs)),
    rmseGyr: Math.sqrt(mean(residuals.map((r) => r * r))),
    intervalCoverage: mean(h.truth.map((t, i) => (t >= h.lower[i] && t <= h.upper[i] ? 1 : 0))),
    nominalCoverage: h.levels.at(-1)! - h.levels[0],
    meanIntervalWidthGyr: mean(h.upper.map((u, i) => u - h.lower[i])),
  };
}

/** The evaluation of a run's held-out outputs (threshold applies to binary runs). */
export function evaluateHeldOut(h: HeldOut, threshold = 0.5): Evaluation {
  return h.task === 'binary' ? evaluateBinary(h.scores, h.labels, threshold) : evaluateAge(h);
}
