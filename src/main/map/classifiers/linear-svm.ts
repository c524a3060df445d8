/**
 * Linear support vector machine on standardised features, one-vs-rest for more than two classes,
 * with probabilities from Platt scaling fitted on held-out folds.
 *
 * Each binary problem minimises liblinear's L2-regularised squared-hinge objective (scikit-learn's
 * `LinearSVC` defaults: loss='squared_hinge', penalty='l2', intercept_scaling=1):
 *   ½‖w‖² + C Σ_i max(0, 1 − y_i·w·[x̂_i, 1])²
 * where the intercept is the weight of a constant feature and so is penalised too. The objective is
 * strongly convex and once differentiable; it is solved by a generalised Newton method (Hessian
 * I + 2C Σ_active x xᵀ) with preconditioned conjugate gradients and backtracking, as liblinear's
 * primal solver does.
 */
import { splitFold, stratifiedFolds } from './folds';
import { fitPlatt, sigmoidProbability, type Sigmoid } from './platt';
import { fitStandardiser, standardise, type Standardiser } from './standardise';

export interface LinearSvmOptions {
  /** Inverse regularisation strength (scikit-learn's C). Default 1. */
  c?: number;
  /** Stop when ‖gradient‖ falls below this fraction of its value at w = 0. Default 1e-8. */
  tolerance?: number;
  /** Most Newton steps per binary problem. Default 100. */
  maxIterations?: number;
  /** Folds whose held-out decision values fit the Platt sigmoids. Default 5. */
  calibrationFolds?: number;
  /** Seed of those folds' stratified shuffle. Default 1. */
  calibrationSeed?: number;
}

/** One hyperplane per binary problem: one (class 1 vs class 0) for two classes, else one per class vs the rest. */
export interface LinearSvmModel {
  classes: number;
  standardiser: Standardiser;
  /** problems × (dim + 1), bias last. */
  weights: Float64Array;
  problems: number;
}

/** A linear SVM and the Platt sigmoid of each of its decision functions. */
export interface CalibratedLinearSvm {
  svm: LinearSvmModel;
  sigmoids: Sigmoid[];
}

const dot = (a: Float64Array, aOff: number, b: Float64Array, bOff: number, p: number): number => {
  let s = 0;
  for (let j = 0; j < p; j++) s += a[aOff + j] * b[bOff + j];
  return s;
};

/**
 * Minimises ½‖w‖² + C Σ max(0, 1 − y_i w·x_i)² over w (p weights) for the rows of X (n × p) with
 * targets y_i = ±1.
 */
export function fitSquaredHinge(X: Float64Array, y: Float64Array, n: number, p: number, C: number, tolerance = 1e-8, maxIterations = 100): Float64Array {
  const w = new Float64Array(p);
  const margin = new Float64Array(n);
  const g = new Float64Array(p);
  const s = new Float64Array(p);
  const r = new Float64Array(p);
  const z = new Float64Array(p);
  const d = new Float64Array(p);
  const Hd = new Float64Array(p);
  const precondition = new Float64Array(p);
  const active: number[] = [];

  const objective = (at: Float64Array): number => {
    let f = 0.5 * dot(at, 0, at, 0, p);
    for (let i = 0; i < n; i++) {
      const m = 1 - y[i] * dot(X, i * p, at, 0, p);
      if (m > 0) f += C * m * m;
    }
    return f;
  };
  /** H·v = v + 2C Σ_active x (x·v). */
  const hessianTimes = (v: Float64Array, out: Float64Array): void => {
    out.set(v);
    for (const i of active) {
      const xv = 2 * C * dot(X, i * p, v, 0, p);
      for (let j = 0; j < p; j++) out[j] += xv * X[i * p + j];
    }
  };

  let value = objective(w);
  let firstNorm = 0;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    active.length = 0;
    g.set(w);
    precondition.fill(1);
    for (let i = 0; i < n; i++) {
      margin[i] = 1 - y[i] * dot(X, i * p, w, 0, p);
      if (margin[i] <= 0) continue;
      active.push(i);
      const scale = -2 * C * y[i] * margin[i];
      for (let j = 0; j < p; j++) {
        g[j] += scale * X[i * p + j];
        precondition[j] += 2 * C * X[i * p + j] * X[i * p + j];
      }
    }
    const gNorm = Math.sqrt(dot(g, 0, g, 0, p));
    if (iteration === 0) firstNorm = gNorm;
    if (gNorm <= tolerance * firstNorm || gNorm === 0) break;

    // Newton direction: H s = −g by Jacobi-preconditioned conjugate gradients, to 1e-3 relative.
    s.fill(0);
    for (let j = 0; j < p; j++) { r[j] = -g[j]; z[j] = r[j] / precondition[j]; }
    d.set(z);
    let rz = dot(r, 0, z, 0, p);
    for (let cg = 0; cg < 2 * p + 10; cg++) {
      if (Math.sqrt(dot(r, 0, r, 0, p)) <= 1e-3 * gNorm) break;
      hessianTimes(d, Hd);
      const alpha = rz / dot(d, 0, Hd, 0, p);
      for (let j = 0; j < p; j++) { s[j] += alpha * d[j]; r[j] -= alpha * Hd[j]; z[j] = r[j] / precondition[j]; }
      const rzNext = dot(r, 0, z, 0, p);
      const beta = rzNext / rz;
      rz = rzNext;
      for (let j = 0; j < p; j++) d[j] = z[j] + beta * d[j];
    }

    // Backtracking (Armijo) along s.
    const slope = dot(g, 0, s, 0, p);
    const trial = new Float64Array(p);
    let step = 1;
    let accepted = false;
    for (; step >= 1e-12; step /= 2) {
      for (let j = 0; j < p; j++) trial[j] = w[j] + step * s[j];
      const next = objective(trial);
      if (next <= value + 1e-4 * step * slope) { w.set(trial); value = next; accepted = true; break; }
    }
    if (!accepted) break; // no decrease left at float precision
  }
  return w;
}

/**
 * Fits the SVM on rows `rows` of `data` (n × dim, row-major), labels in 0..classes−1.
 * @throws Error when fewer than two classes occur
 */
export function fitLinearSvm(data: ArrayLike<number>, dim: number, rows: ArrayLike<number>, labels: ArrayLike<number>, classes: number, options: LinearSvmOptions = {}): LinearSvmModel {
  const C = options.c ?? 1;
  if (!(C > 0)) throw new Error(`linear SVM: C must be positive, got ${C}`);
  if (new Set(Array.from(labels)).size < 2) throw new Error('classification needs stars of at least two classes');
  const standardiser = fitStandardiser(data, dim, rows);
  const X = standardise(standardiser, data, rows, true);
  const n = rows.length;
  const p = dim + 1;
  const problems = classes === 2 ? 1 : classes;
  const weights = new Float64Array(problems * p);
  for (let k = 0; k < problems; k++) {
    const positive = classes === 2 ? 1 : k;
    const y = Float64Array.from({ length: n }, (_, i) => (labels[i] === positive ? 1 : -1));
    weights.set(fitSquaredHinge(X, y, n, p, C, options.tolerance, options.maxIterations), k * p);
  }
  return { classes, standardiser, weights, problems };
}

/** Decision values (rows × problems, row-major) of rows `rows` of `data`. */
export function svmDecision(model: LinearSvmModel, data: ArrayLike<number>, rows: ArrayLike<number>): Float64Array {
  const p = model.standardiser.dim + 1;
  const X = standardise(model.standardiser, data, rows, true);
  const out = new Float64Array(rows.length * model.problems);
  for (let i = 0; i < rows.length; i++) {
    for (let k = 0; k < model.problems; k++) out[i * model.problems + k] = dot(X, i * p, model.weights, k * p, p);
  }
  return out;
}

/**
 * Fits the SVM on all labelled rows and a Platt sigmoid per decision function on out-of-fold
 * decision values (scikit-learn's `CalibratedClassifierCV(method='sigmoid', ensemble=False)`).
 */
export function fitCalibratedLinearSvm(data: ArrayLike<number>, dim: number, rows: ArrayLike<number>, labels: ArrayLike<number>, classes: number, options: LinearSvmOptions = {}): CalibratedLinearSvm {
  const folds = Math.max(2, Math.min(options.calibrationFolds ?? 5, rows.length));
  const fold = stratifiedFolds(labels, folds, options.calibrationSeed ?? 1);
  const problems = classes === 2 ? 1 : classes;
  const heldOut = new Float64Array(rows.length * problems);
  for (let f = 0; f < folds; f++) {
    const { train, test } = splitFold(fold, f);
    if (test.length === 0) continue;
    const model = fitLinearSvm(data, dim, train.map((i) => rows[i]), train.map((i) => labels[i]), classes, options);
    const decision = svmDecision(model, data, test.map((i) => rows[i]));
    test.forEach((i, t) => heldOut.set(decision.subarray(t * problems, (t + 1) * problems), i * problems));
  }
  const sigmoids = Array.from({ length: problems }, (_, k) => {
    const positive = classes === 2 ? 1 : k;
    return fitPlatt(
      Float64Array.from({ length: rows.length }, (_, i) => heldOut[i * problems + k]),
      Array.from({ length: rows.length }, (_, i) => labels[i] === positive),
    );
  });
  return { svm: fitLinearSvm(data, dim, rows, labels, classes, options), sigmoids };
}

/**
 * Calibrated class probabilities (rows × classes): for two classes P(1) from the sigmoid and
 * P(0) = 1 − P(1); for more, each class's sigmoid normalised to sum 1 (uniform if all are 0).
 */
export function calibratedProbabilities(model: CalibratedLinearSvm, data: ArrayLike<number>, rows: ArrayLike<number>): Float64Array {
  const { classes, problems } = model.svm;
  const decision = svmDecision(model.svm, data, rows);
  const out = new Float64Array(rows.length * classes);
  for (let i = 0; i < rows.length; i++) {
    if (classes === 2) {
      const p1 = sigmoidProbability(model.sigmoids[0], decision[i]);
      out[i * 2] = 1 - p1;
      out[i * 2 + 1] = p1;
      continue;
    }
    let sum = 0;
    for (let k = 0; k < problems; k++) sum += (out[i * classes + k] = sigmoidProbability(model.sigmoids[k], decision[i * problems + k]));
    for (let k = 0; k < classes; k++) out[i * classes + k] = sum > 0 ? out[i * classes + k] / sum : 1 / classes;
  }
  return out;
}
