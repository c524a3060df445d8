/**
 * Properties of the map's population classifiers (logistic regression, linear SVM + Platt scaling,
 * per-class Gaussian mixtures) and of `map.classify` with each of them:
 * - well separated blobs are classified perfectly, in cross-validation and for every star;
 * - probabilities are in [0, 1] and sum to 1 per star;
 * - standardisation makes the result independent of each feature's unit;
 * - EM never decreases the likelihood and recovers a known mixture; Platt scaling recovers a known
 *   sigmoid; the SVM solution satisfies the optimality condition of its objective;
 * - the service writes the columns, reports the settings used and names bad settings.
 * Agreement with scikit-learn is in test/parity/classifiers-sklearn.test.ts.
 */
import type { MapClassifyResult } from '../../../src/shared/contract';
import { jobResult } from '../../helpers/jobs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  argmaxRows, crossValidate, fitGaussianMixture, fitPlatt, fitSquaredHinge, resolveClassifierSettings, scoreAllRows,
  trainClassifier, type ClassifierSettings,
} from '../../../src/main/map/classifiers/index';
import { gaussian, mulberry32 } from '../../../src/main/map/random';
import { createServices, type DesaServices } from '../../../src/main/services/index';
import { ProjectStore } from '../../../src/main/store/index';

/** `classes` blobs of unit spread whose centres are 12σ apart along different axes. */
function blobs(perClass: number, dim: number, classes: number, seed: number): { X: Float32Array; y: Int32Array; n: number } {
  const g = gaussian(mulberry32(seed));
  const n = perClass * classes;
  const X = new Float32Array(n * dim);
  const y = Int32Array.from({ length: n }, (_, i) => i % classes);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) X[i * dim + j] = g() + (j % classes === y[i] ? 12 : 0);
  return { X, y, n };
}

const KINDS: ClassifierSettings[] = [
  { kind: 'logistic' },
  { kind: 'linear-svm' },
  { kind: 'gmm' },
  { kind: 'gmm', covariance: 'full', componentsPerClass: 1 },
];
const rowsOf = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe.each(KINDS)('classifier %o', (settings) => {
  it('classifies separable blobs perfectly, with probabilities that sum to 1', () => {
    for (const classes of [2, 3]) {
      const { X, y, n } = blobs(30, 5, classes, 4 + classes);
      const rows = rowsOf(n);
      const cv = crossValidate(X, 5, rows, y, classes, 5, settings);
      expect(cv.accuracy).toBe(1);
      expect(Array.from(cv.predicted)).toEqual(Array.from(y));
      // New stars from the same blobs (another seed) are scored by the model fitted on all labelled ones.
      const fresh = blobs(20, 5, classes, 100 + classes);
      const model = trainClassifier(settings, X, 5, rows, y, classes);
      const probs = scoreAllRows(model, fresh.X, fresh.n, 7);
      expect(Array.from(argmaxRows(probs, classes))).toEqual(Array.from(fresh.y));
      for (let i = 0; i < fresh.n; i++) {
        let sum = 0;
        for (let k = 0; k < classes; k++) {
          const p = probs[i * classes + k];
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
          sum += p;
        }
        expect(sum).toBeCloseTo(1, 12);
      }
      // Chunked scoring equals scoring all rows at once.
      expect(Array.from(probs)).toEqual(Array.from(model.probabilities(fresh.X, rowsOf(fresh.n))));
    }
  });

  it('gives the same probabilities whatever unit a feature is in (features are standardised)', () => {
    const g = gaussian(mulberry32(31));
    const n = 90;
    const y = Int32Array.from({ length: n }, (_, i) => i % 2);
    const X = Float64Array.from({ length: n * 3 }, (_, k) => g() + (k % 3 === 0 && y[Math.floor(k / 3)] === 1 ? 1.5 : 0));
    const scaled = X.map((v, k) => (k % 3 === 1 ? v * 1000 + 5e4 : v));
    const rows = rowsOf(n);
    const a = trainClassifier(settings, X, 3, rows, y, 2).probabilities(X, rows);
    const b = trainClassifier(settings, scaled, 3, rows, y, 2).probabilities(scaled, rows);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 6);
  });
});

describe('Gaussian mixture EM', () => {
  it('never decreases the likelihood and recovers a known two-component mixture', () => {
    const g = gaussian(mulberry32(8));
    const n = 4000;
    const truth = { weights: [0.3, 0.7], means: [[-3, 1], [2, -1]], sd: [[0.5, 1.5], [1, 0.4]] };
    const X = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      const k = i < n * 0.3 ? 0 : 1;
      for (let j = 0; j < 2; j++) X[i * 2 + j] = truth.means[k][j] + truth.sd[k][j] * g();
    }
    let previous = -Infinity;
    for (let steps = 1; steps <= 12; steps++) {
      const fit = fitGaussianMixture(X, n, 2, { components: 2, covariance: 'full', regularisation: 1e-9, maxIterations: steps, tolerance: 0, seed: 1 });
      expect(fit.lowerBound).toBeGreaterThanOrEqual(previous - 1e-12);
      previous = fit.lowerBound;
    }
    const fit = fitGaussianMixture(X, n, 2, { components: 2, covariance: 'diag', tolerance: 1e-8, maxIterations: 500, seed: 1 });
    expect(fit.converged).toBe(true);
    const order = fit.mixture.means[0] < fit.mixture.means[2] ? [0, 1] : [1, 0];
    order.forEach((k, t) => {
      // Sampling error of a mean ~ sd/√(n·w) ≈ 0.05; of a standard deviation ~ sd/√(2·n·w).
      expect(fit.mixture.weights[k]).toBeCloseTo(truth.weights[t], 1);
      for (let j = 0; j < 2; j++) {
        expect(Math.abs(fit.mixture.means[k * 2 + j] - truth.means[t][j])).toBeLessThan(0.1);
        expect(Math.abs(Math.sqrt(fit.mixture.covariances[k * 2 + j]) - truth.sd[t][j])).toBeLessThan(0.08);
      }
    });
  });

  it('says when a class has too few stars for its components', () => {
    expect(() => fitGaussianMixture(new Float64Array(4), 2, 2, { components: 3 })).toThrow(/2 point\(s\) cannot fit 3 components/);
  });
});

describe('Platt scaling and the SVM solver', () => {
  it('recovers the sigmoid that generated the labels', () => {
    const u = mulberry32(12);
    const n = 40_000;
    const a = -2;
    const b = 0.5;
    const f = Float64Array.from({ length: n }, () => (u() * 2 - 1) * 3);
    const positive = Array.from(f, (v) => u() < 1 / (1 + Math.exp(a * v + b)));
    const s = fitPlatt(f, positive);
    expect(Math.abs(s.a - a)).toBeLessThan(0.08);
    expect(Math.abs(s.b - b)).toBeLessThan(0.05);
  });

  it('ends where the gradient of ½‖w‖² + C Σ max(0, 1 − y w·x)² vanishes', () => {
    const g = gaussian(mulberry32(2));
    const n = 300;
    const p = 4;
    const X = new Float64Array(n * p);
    const y = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p - 1; j++) X[i * p + j] = g() + (j === 0 ? 0.8 * y[i] : 0);
      X[i * p + p - 1] = 1;
    }
    const C = 0.3;
    const w = fitSquaredHinge(X, y, n, p, C, 1e-12);
    const grad = Array.from(w);
    for (let i = 0; i < n; i++) {
      let m = 1;
      for (let j = 0; j < p; j++) m -= y[i] * w[j] * X[i * p + j];
      if (m > 0) for (let j = 0; j < p; j++) grad[j] -= 2 * C * y[i] * m * X[i * p + j];
    }
    expect(Math.max(...grad.map(Math.abs))).toBeLessThan(1e-8);
  });
});

describe('classifier settings', () => {
  it('fills defaults and names bad settings', () => {
    expect(resolveClassifierSettings({ kind: 'gmm' })).toEqual({ kind: 'gmm', componentsPerClass: 2, covariance: 'diag', regularisation: 1e-3 });
    expect(resolveClassifierSettings({ kind: 'linear-svm' })).toEqual({ kind: 'linear-svm', c: 1 });
    expect(() => resolveClassifierSettings({ kind: 'svm' })).toThrow(/must be one of logistic, linear-svm, gmm, got "svm"/);
    expect(() => resolveClassifierSettings({ kind: 'linear-svm', c: -1 })).toThrow(/'c' must be a positive number, got -1/);
    expect(() => resolveClassifierSettings({ kind: 'gmm', covariance: 'tied' })).toThrow(/'covariance' must be 'full' or 'diag'/);
  });
});

describe('map.classify with each classifier', () => {
  const DIM = 4;
  let work: string;
  let services: DesaServices;
  const { X, n } = blobs(30, DIM, 2, 17);
  // Stars sort by id in row order; rows 0, 2, 4… are class 0.
  const ids = Array.from({ length: n }, (_, i) => `S${String(i).padStart(3, '0')}`);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'desa-map-classifier-'));
    const store = await ProjectStore.create(join(work, 'project'));
    await store.putEmbeddings('f', ids.map((starId, i) => ({ starId, vector: X.slice(i * DIM, (i + 1) * DIM) })));
    await store.close();
    services = await createServices({ backend: 'cli', projectDir: join(work, 'project') });
  });
  afterAll(async () => {
    await services?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  for (const classifier of [{ kind: 'linear-svm' }, { kind: 'gmm', covariance: 'full' }] as const) {
    it(`${classifier.kind}: cross-validated accuracy, settings used, and a probability column for every star`, async () => {
      const even = rowsOf(20).map((i) => 2 * i);
      const r = await jobResult<MapClassifyResult>(services, services.call('map.classify', {
        embedding: 'f', name: `blobs ${classifier.kind}`, folds: 4, classifier,
        classes: [{ label: 'a', rows: even.slice(0, 10) }, { label: 'b', rows: even.slice(0, 10).map((i) => i + 1) }],
      }));
      expect(r.accuracy).toBe(1);
      expect(r.classifier.kind).toBe(classifier.kind);
      expect(r.columns).toHaveLength(3);
      const p = await services.call('map.column', { embedding: 'f', column: r.columns[2] });
      if (p.kind !== 'numeric') throw new Error('expected a numeric column');
      expect(Array.from(p.values, (v) => v > 0.5)).toEqual(ids.map((_, i) => i % 2 === 1));
      const predicted = await services.call('map.column', { embedding: 'f', column: r.columns[0] });
      if (predicted.kind !== 'categorical') throw new Error('expected a categorical column');
      expect(predicted.categories).toEqual(['a', 'b']);
      expect(Array.from(predicted.codes)).toEqual(ids.map((_, i) => i % 2));
    });
  }

  it('answers a bad classifier setting with an error naming it', async () => {
    const classes = [{ label: 'a', rows: [0, 2] }, { label: 'b', rows: [1, 3] }];
    await expect(services.call('map.classify', { embedding: 'f', name: 'x', classes, classifier: { kind: 'forest' } as never }))
      .rejects.toThrow(/map\.classify: classifier kind must be one of logistic, linear-svm, gmm, got "forest"/);
    await expect(services.call('map.classify', { embedding: 'f', name: 'x', classes, classifier: { kind: 'gmm', componentsPerClass: 0 } }))
      .rejects.toThrow(/'componentsPerClass' must be an integer in 1\.\.50, got 0/);
  });
});
