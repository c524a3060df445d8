/**
 * Population classification in embedding space: one interface over the three classifiers
 * (multinomial logistic regression, linear SVM with Platt scaling, one Gaussian mixture per class),
 * stratified k-fold cross-validation, and scoring every star. Every classifier standardises the
 * features on its training rows and returns class probabilities; the predicted class is the most
 * probable one, which is also what cross-validation scores.
 */
import type { MapClassifierSettings } from '../../../shared/contract';
import { splitFold, stratifiedFolds } from './folds';
import { fitGmmClassifier, gmmClassProbabilities } from './gmm';
import { calibratedProbabilities, fitCalibratedLinearSvm } from './linear-svm';
import { fitLogistic, predictProbabilities } from './logistic';

export { stratifiedFolds, splitFold } from './folds';
export { fitStandardiser, standardise, type Standardiser } from './standardise';
export { fitLogistic, predictProbabilities, type LogisticModel, type FitOptions } from './logistic';
export { fitLinearSvm, fitCalibratedLinearSvm, svmDecision, calibratedProbabilities, fitSquaredHinge, type LinearSvmModel, type LinearSvmOptions, type CalibratedLinearSvm } from './linear-svm';
export { fitPlatt, sigmoidProbability, type Sigmoid } from './platt';
export {
  fitGaussianMixture, mixtureLogLikelihood, componentPosteriors, kmeansLabels, fitGmmClassifier, gmmClassProbabilities,
  type GaussianMixture, type GmmOptions, type GmmFit, type GmmClassifier, type GmmClassifierOptions, type CovarianceType,
} from './gmm';

/** Which classifier to train and its settings (see the contract's MapClassifierSettings). */
export type ClassifierSettings = MapClassifierSettings;

/** Settings with every default filled in. */
export type ResolvedClassifierSettings =
  | { kind: 'logistic'; l2: number }
  | { kind: 'linear-svm'; c: number }
  | { kind: 'gmm'; componentsPerClass: number; covariance: 'full' | 'diag'; regularisation: number };

export const CLASSIFIER_KINDS = ['logistic', 'linear-svm', 'gmm'] as const;

/**
 * Checks settings and fills the defaults: logistic l2 = 0.01; linear SVM C = 1; GMM 2 components
 * per class, diagonal covariances, regularisation 1e-3 (of the standardised features' unit variance).
 * @throws Error naming the bad setting
 */
export function resolveClassifierSettings(settings: unknown = { kind: 'logistic' }): ResolvedClassifierSettings {
  const s = (settings ?? {}) as Record<string, unknown>;
  const positive = (field: string, fallback: number): number => {
    const v = s[field] ?? fallback;
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new Error(`classifier '${String(s.kind)}': '${field}' must be a positive number, got ${JSON.stringify(v)}`);
    return v;
  };
  switch (s.kind) {
    case 'logistic': return { kind: 'logistic', l2: positive('l2', 1e-2) };
    case 'linear-svm': return { kind: 'linear-svm', c: positive('c', 1) };
    case 'gmm': {
      const componentsPerClass = s.componentsPerClass ?? 2;
      if (!Number.isInteger(componentsPerClass) || (componentsPerClass as number) < 1 || (componentsPerClass as number) > 50) {
        throw new Error(`classifier 'gmm': 'componentsPerClass' must be an integer in 1..50, got ${JSON.stringify(componentsPerClass)}`);
      }
      const covariance = s.covariance ?? 'diag';
      if (covariance !== 'full' && covariance !== 'diag') throw new Error(`classifier 'gmm': 'covariance' must be 'full' or 'diag', got ${JSON.stringify(covariance)}`);
      return { kind: 'gmm', componentsPerClass: componentsPerClass as number, covariance, regularisation: positive('regularisation', 1e-3) };
    }
    default: throw new Error(`classifier kind must be one of ${CLASSIFIER_KINDS.join(', ')}, got ${JSON.stringify(s.kind)}`);
  }
}

/** Progress hooks of one fit (they only observe; a fit runs the same with or without them). */
export interface FitHooks {
  /** After every EM iteration of class c's Gaussian mixture (GMM only). */
  onEmIteration?: (c: number, iteration: number, lowerBound: number) => void;
}

/** A fitted classifier: class probabilities (rows × classes, row-major) of any rows of the data. */
export interface TrainedClassifier {
  classes: number;
  probabilities(data: ArrayLike<number>, rows: ArrayLike<number>): Float64Array;
}

/**
 * Fits the chosen classifier on rows `rows` of `data` (n × dim, row-major) with labels in
 * 0..classes−1. `folds` is how many held-out folds the SVM's Platt scaling uses.
 * @throws Error when fewer than two classes occur or the settings are bad
 */
export function trainClassifier(settings: ClassifierSettings, data: ArrayLike<number>, dim: number, rows: ArrayLike<number>, labels: ArrayLike<number>, classes: number, folds = 5, hooks: FitHooks = {}): TrainedClassifier {
  const s = resolveClassifierSettings(settings);
  switch (s.kind) {
    case 'logistic': {
      const model = fitLogistic(data, dim, rows, labels, classes, { l2: s.l2 });
      return { classes, probabilities: (d, r) => predictProbabilities(model, d, r) };
    }
    case 'linear-svm': {
      const model = fitCalibratedLinearSvm(data, dim, rows, labels, classes, { c: s.c, calibrationFolds: folds });
      return { classes, probabilities: (d, r) => calibratedProbabilities(model, d, r) };
    }
    case 'gmm': {
      const model = fitGmmClassifier(data, dim, rows, labels, classes, { ...s, onIteration: hooks.onEmIteration });
      return { classes, probabilities: (d, r) => gmmClassProbabilities(model, d, r) };
    }
  }
}

/** The most probable class of each row of a probability matrix (rows × classes). */
export function argmaxRows(probs: Float64Array, classes: number): Int32Array {
  const n = probs.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[i * classes + k] > probs[i * classes + best]) best = k;
    out[i] = best;
  }
  return out;
}

/** Rows scored per block by scoreAllRows. */
export const SCORE_CHUNK = 8192;

/** Probabilities of rows 0…n−1 of `data`, scored in chunks so a million stars never need one big design matrix. */
export function scoreAllRows(model: TrainedClassifier, data: ArrayLike<number>, n: number, chunk = SCORE_CHUNK, onChunk?: (scored: number) => void): Float64Array {
  const out = new Float64Array(n * model.classes);
  for (let from = 0; from < n; from += chunk) {
    const rows = Uint32Array.from({ length: Math.min(chunk, n - from) }, (_, i) => from + i);
    out.set(model.probabilities(data, rows), from * model.classes);
    onChunk?.(from + rows.length);
  }
  return out;
}

export interface CrossValidation {
  /** Correct out-of-fold predictions over all labelled stars. */
  accuracy: number;
  foldAccuracies: number[];
  /** confusion[true][predicted]. */
  confusion: number[][];
  /** The out-of-fold predicted class of each labelled star. */
  predicted: Int32Array;
}

/**
 * Stratified k-fold cross-validated accuracy of a classifier on labelled rows (folds from
 * `stratifiedFolds(labels, folds, seed)`; each fold's model never sees its held-out stars).
 */
export function crossValidate(
  data: ArrayLike<number>, dim: number, rows: ArrayLike<number>, labels: ArrayLike<number>, classes: number, folds: number,
  settings: ClassifierSettings = { kind: 'logistic' }, seed = 0, hooks: FitHooks & { onFold?: (fold: number, folds: number) => void } = {},
): CrossValidation {
  const fold = stratifiedFolds(labels, folds, seed);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const foldAccuracies: number[] = [];
  const predicted = new Int32Array(rows.length);
  let correct = 0;
  for (let f = 0; f < folds; f++) {
    const { train, test } = splitFold(fold, f);
    if (test.length === 0) continue;
    const model = trainClassifier(settings, data, dim, train.map((i) => rows[i]), train.map((i) => labels[i]), classes, folds, hooks);
    const guess = argmaxRows(model.probabilities(data, test.map((i) => rows[i])), classes);
    let right = 0;
    test.forEach((i, t) => {
      predicted[i] = guess[t];
      confusion[labels[i]][guess[t]]++;
      if (guess[t] === labels[i]) right++;
    });
    correct += right;
    foldAccuracies.push(right / test.length);
    hooks.onFold?.(f + 1, folds);
  }
  return { accuracy: correct / rows.length, foldAccuracies, confusion, predicted };
}
