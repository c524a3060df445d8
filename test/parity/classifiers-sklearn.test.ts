/**
 * The map's population classifiers against scikit-learn 1.2 (Debian python3-sklearn) on the same
 * data, each with features standardised (StandardScaler inside a Pipeline):
 * - linear SVM: decision values of LinearSVC (squared hinge, one-vs-rest, C = 0.5; primal solver) within 1e-5 and
 *   identical predicted classes; Platt-scaled probabilities of CalibratedClassifierCV(method='sigmoid',
 *   ensemble=False) on the same held-out folds within 1e-4 (scikit-learn's BFGS stops at gradient 1e-5);
 * - cross-validated accuracy and out-of-fold predictions of the SVM (nested calibration folds) and of
 *   logistic regression (LogisticRegression, C = 1/(n·l2)) on the same folds: identical;
 * - Gaussian mixtures (full and diagonal covariance) from the same initial parameters: weights,
 *   means and covariances after 25 EM steps within 1e-8, per-point log-likelihoods (score_samples)
 *   within 1e-8, component posteriors (predict_proba) within 1e-8;
 * - the GMM classifier's class posteriors against per-class GaussianMixture fits (same init, default
 *   tolerance) combined with the class priors: within 1e-6.
 * Data: overlapping Gaussian classes with features on very different scales, so standardisation,
 * the penalty and calibration all matter and neither model is trivially perfect.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  argmaxRows, calibratedProbabilities, componentPosteriors, crossValidate, fitCalibratedLinearSvm, fitGaussianMixture,
  fitGmmClassifier, fitLinearSvm, fitStandardiser, gmmClassProbabilities, mixtureLogLikelihood, splitFold, standardise,
  stratifiedFolds, svmDecision, type GaussianMixture,
} from '../../src/main/map/classifiers/index';
import { gaussian, mulberry32 } from '../../src/main/map/random';
import { runPython } from '../helpers/python';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-classifiers-sklearn-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

interface Labelled { X: Float32Array; y: Int32Array; n: number; dim: number }

/** `classes` overlapping Gaussian classes in `dim` dimensions; feature j is scaled by 10^(j−1). */
function overlapping(n: number, dim: number, classes: number, seed: number, separation = 1.6): Labelled {
  const g = gaussian(mulberry32(seed));
  const X = new Float32Array(n * dim);
  const y = Int32Array.from({ length: n }, (_, i) => i % classes);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) X[i * dim + j] = (g() + (j % classes === y[i] ? separation : 0) + 0.3 * j) * 10 ** (j - 1);
  }
  return { X, y, n, dim };
}

const rowsOf = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Runs a Python script with the JSON `input` (written to a file, its path as argv[1]); parses its JSON output. */
async function sklearn<T>(script: string, input: unknown): Promise<T> {
  const file = path.join(work, `input-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(input));
  const prelude = `import sys, json, warnings
import numpy as np
warnings.filterwarnings('ignore')
d = json.load(open(sys.argv[1]))
X = np.array(d['X'], dtype=np.float64).reshape(-1, d['dim'])
y = np.array(d['y'])
`;
  return JSON.parse(await runPython(prelude + script, [file])) as T;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

const SVC = `
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
def svc():
    return make_pipeline(StandardScaler(), LinearSVC(C=d['C'], dual=False, tol=1e-10, max_iter=100000))
`;

describe('linear SVM vs scikit-learn', () => {
  for (const classes of [2, 3]) {
    it(`${classes} classes: LinearSVC decision values and Platt-calibrated probabilities on the same folds`, async () => {
      const data = overlapping(180, 4, classes, 11 + classes);
      const rows = rowsOf(data.n);
      const C = 0.5;
      const svm = fitLinearSvm(data.X, data.dim, rows, data.y, classes, { c: C, tolerance: 1e-12 });
      const decision = svmDecision(svm, data.X, rows);
      const calibrated = fitCalibratedLinearSvm(data.X, data.dim, rows, data.y, classes, { c: C, tolerance: 1e-12, calibrationFolds: 5, calibrationSeed: 1 });
      const probabilities = calibratedProbabilities(calibrated, data.X, rows);
      const folds = stratifiedFolds(data.y, 5, 1);
      const ref = await sklearn<{ decision: number[]; predicted: number[]; proba: number[] }>(SVC + `
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import PredefinedSplit
m = svc().fit(X, y)
cal = CalibratedClassifierCV(svc(), method='sigmoid', cv=PredefinedSplit(np.array(d['folds'])), ensemble=False).fit(X, y)
print(json.dumps({'decision': m.decision_function(X).ravel().tolist(), 'predicted': m.predict(X).tolist(), 'proba': cal.predict_proba(X).ravel().tolist()}))
`, { X: Array.from(data.X), y: Array.from(data.y), dim: data.dim, C, folds: Array.from(folds) });
      expect(maxAbsDiff(decision, ref.decision)).toBeLessThan(1e-5);
      const predicted = classes === 2 ? Array.from(decision, (f) => (f > 0 ? 1 : 0)) : Array.from(argmaxRows(decision, classes));
      expect(predicted).toEqual(ref.predicted);
      expect(maxAbsDiff(probabilities, ref.proba)).toBeLessThan(1e-4);
      // Not a trivial problem: the classes overlap.
      const accuracy = predicted.filter((p, i) => p === data.y[i]).length / data.n;
      expect(accuracy).toBeGreaterThan(0.6);
      expect(accuracy).toBeLessThan(0.98);
    });
  }
});

describe('cross-validated accuracy vs scikit-learn on the same folds', () => {
  it('linear SVM with nested Platt folds: same out-of-fold predictions and accuracy', async () => {
    const classes = 3;
    const data = overlapping(150, 4, classes, 5);
    const rows = rowsOf(data.n);
    const cv = crossValidate(data.X, data.dim, rows, data.y, classes, 4, { kind: 'linear-svm', c: 1 });
    // The folds crossValidate uses: outer stratifiedFolds(y, 4, 0); inside each training set the
    // calibration folds stratifiedFolds(y_train, 4, 1).
    const outer = stratifiedFolds(data.y, 4, 0);
    const inner = [0, 1, 2, 3].map((f) => Array.from(stratifiedFolds(splitFold(outer, f).train.map((i) => data.y[i]), 4, 1)));
    const ref = await sklearn<{ predicted: number[] }>(SVC + `
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import PredefinedSplit
outer = np.array(d['outer']); predicted = np.zeros(len(y), dtype=int)
for f in range(4):
    train, test = np.where(outer != f)[0], np.where(outer == f)[0]
    cal = CalibratedClassifierCV(svc(), method='sigmoid', cv=PredefinedSplit(np.array(d['inner'][f])), ensemble=False).fit(X[train], y[train])
    predicted[test] = cal.predict(X[test])
print(json.dumps({'predicted': predicted.tolist()}))
`, { X: Array.from(data.X), y: Array.from(data.y), dim: data.dim, C: 1, outer: Array.from(outer), inner });
    expect(Array.from(cv.predicted)).toEqual(ref.predicted);
    expect(cv.accuracy).toBeCloseTo(ref.predicted.filter((p, i) => p === data.y[i]).length / data.n, 12);
  });

  it('logistic regression: same out-of-fold predictions and accuracy as LogisticRegression(C = 1/(n·l2))', async () => {
    const classes = 3;
    const data = overlapping(150, 4, classes, 9);
    const rows = rowsOf(data.n);
    const l2 = 0.02;
    const cv = crossValidate(data.X, data.dim, rows, data.y, classes, 5, { kind: 'logistic', l2 });
    const ref = await sklearn<{ predicted: number[] }>(`
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.linear_model import LogisticRegression
outer = np.array(d['outer']); predicted = np.zeros(len(y), dtype=int)
for f in range(5):
    train, test = np.where(outer != f)[0], np.where(outer == f)[0]
    m = make_pipeline(StandardScaler(), LogisticRegression(C=1 / (len(train) * d['l2']), tol=1e-12, max_iter=100000)).fit(X[train], y[train])
    predicted[test] = m.predict(X[test])
print(json.dumps({'predicted': predicted.tolist()}))
`, { X: Array.from(data.X), y: Array.from(data.y), dim: data.dim, l2, outer: Array.from(stratifiedFolds(data.y, 5, 0)) });
    expect(Array.from(cv.predicted)).toEqual(ref.predicted);
    const accuracy = ref.predicted.filter((p, i) => p === data.y[i]).length / data.n;
    expect(cv.accuracy).toBeCloseTo(accuracy, 12);
    expect(accuracy).toBeLessThan(0.98);
  });
});

const GMM = `
from sklearn.mixture import GaussianMixture
def mixture(init, K, covariance, reg, max_iter, tol):
    cov = np.array(init['covariances'], dtype=np.float64)
    d = X.shape[1]
    if covariance == 'full':
        precisions = np.array([np.linalg.inv(c) for c in cov.reshape(K, d, d)])
    else:
        precisions = 1 / cov.reshape(K, d)
    return GaussianMixture(n_components=K, covariance_type=covariance, reg_covar=reg, max_iter=max_iter, tol=tol,
        weights_init=np.array(init['weights']), means_init=np.array(init['means']).reshape(K, d), precisions_init=precisions)
`;

const plain = (m: GaussianMixture): { weights: number[]; means: number[]; covariances: number[] } => ({
  weights: Array.from(m.weights), means: Array.from(m.means), covariances: Array.from(m.covariances),
});

describe('Gaussian mixtures vs scikit-learn GaussianMixture', () => {
  for (const covariance of ['full', 'diag'] as const) {
    it(`${covariance} covariance: 25 EM steps from the same init give the same parameters, log-likelihoods and posteriors`, async () => {
      const data = overlapping(240, 3, 3, 21, 2.5);
      const rows = rowsOf(data.n);
      const X = standardise(fitStandardiser(data.X, data.dim, rows), data.X, rows);
      const K = 3;
      const reg = 1e-4;
      const fit = fitGaussianMixture(X, data.n, data.dim, { components: K, covariance, regularisation: reg, maxIterations: 25, tolerance: 0, seed: 3 });
      expect(fit.iterations).toBe(25);
      const ref = await sklearn<{ weights: number[]; means: number[]; covariances: number[]; loglik: number[]; posteriors: number[]; bound: number }>(GMM + `
g = mixture(d['init'], d['K'], d['covariance'], d['reg'], 25, 0).fit(X)
print(json.dumps({'weights': g.weights_.tolist(), 'means': g.means_.ravel().tolist(), 'covariances': g.covariances_.ravel().tolist(),
  'loglik': g.score_samples(X).tolist(), 'posteriors': g.predict_proba(X).ravel().tolist(), 'bound': g.lower_bound_}))
`, { X: Array.from(X), y: Array.from(data.y), dim: data.dim, K, covariance, reg, init: plain(fit.initial) });
      expect(maxAbsDiff(fit.mixture.weights, ref.weights)).toBeLessThan(1e-8);
      expect(maxAbsDiff(fit.mixture.means, ref.means)).toBeLessThan(1e-8);
      expect(maxAbsDiff(fit.mixture.covariances, ref.covariances)).toBeLessThan(1e-8);
      expect(maxAbsDiff(mixtureLogLikelihood(fit.mixture, X, data.n), ref.loglik)).toBeLessThan(1e-8);
      expect(maxAbsDiff(componentPosteriors(fit.mixture, X, data.n), ref.posteriors)).toBeLessThan(1e-8);
      expect(fit.lowerBound).toBeCloseTo(ref.bound, 8);
    });
  }

  it('GMM classifier: class posteriors equal per-class GaussianMixture fits combined with the class priors', async () => {
    const classes = 2;
    const data = overlapping(200, 3, classes, 8, 1.2);
    const rows = rowsOf(data.n);
    const options = { componentsPerClass: 2, covariance: 'full' as const, regularisation: 1e-3 };
    const model = fitGmmClassifier(data.X, data.dim, rows, data.y, classes, options);
    const probabilities = gmmClassProbabilities(model, data.X, rows);
    // The same per-class fits by hand, to hand scikit-learn their initial parameters.
    const st = fitStandardiser(data.X, data.dim, rows);
    const inits = [0, 1].map((c) => {
      const members = rows.filter((i) => data.y[i] === c);
      return plain(fitGaussianMixture(standardise(st, data.X, members), members.length, data.dim, { components: 2, covariance: 'full', regularisation: 1e-3, seed: c }).initial);
    });
    const ref = await sklearn<{ proba: number[] }>(GMM + `
from scipy.special import logsumexp
Z = (X - X.mean(0)) / X.std(0)
joint = np.stack([np.log(np.mean(y == c)) + mixture(d['inits'][c], 2, 'full', 1e-3, 100, 1e-3).fit(Z[y == c]).score_samples(Z) for c in range(2)], axis=1)
print(json.dumps({'proba': np.exp(joint - logsumexp(joint, axis=1, keepdims=True)).ravel().tolist()}))
`, { X: Array.from(data.X), y: Array.from(data.y), dim: data.dim, inits });
    expect(maxAbsDiff(probabilities, ref.proba)).toBeLessThan(1e-6);
    const predicted = argmaxRows(probabilities, classes);
    const accuracy = predicted.filter((p, i) => p === data.y[i]).length / data.n;
    expect(accuracy).toBeGreaterThan(0.6);
    expect(accuracy).toBeLessThan(0.98);
  });
});
