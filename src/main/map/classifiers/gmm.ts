/**
 * Gaussian mixtures fitted by expectation–maximisation, and a classifier with one mixture per class
 * whose class posteriors P(c | x) ∝ π_c·p_c(x) are the probabilities (π_c the class's share of the
 * labelled stars).
 *
 * EM follows scikit-learn's GaussianMixture step for step, so the same initial parameters give the
 * same fit: the E-step's responsibilities from log w_k + log N(x | μ_k, Σ_k); the M-step's
 * N_k = Σ r_ik + 10ε, μ_k = Σ r_ik x_i / N_k, Σ_k = Σ r_ik (x_i − μ_k)(x_i − μ_k)ᵀ / N_k + reg·I
 * (diagonal: only the variances), w_k = N_k / Σ N; stop when the mean log-likelihood changes by less
 * than `tolerance`. Initial parameters come from k-means (k-means++ seeding, Lloyd iterations) as
 * scikit-learn's default init does, through the same M-step on one-hot responsibilities.
 */
import { mulberry32 } from '../random';
import { fitStandardiser, standardise, type Standardiser } from './standardise';

export type CovarianceType = 'full' | 'diag';

/** Mixture parameters. Covariances are K × d × d (full) or K × d variances (diag). */
export interface GaussianMixture {
  dim: number;
  components: number;
  covariance: CovarianceType;
  weights: Float64Array;
  means: Float64Array;
  covariances: Float64Array;
  /** Full: lower Cholesky factors of the covariances (K × d × d); diag: standard deviations (K × d). */
  factors: Float64Array;
  /** log det Σ_k. */
  logDets: Float64Array;
}

export interface GmmOptions {
  /** Components of the mixture. Default 1. */
  components?: number;
  /** Default 'diag'. */
  covariance?: CovarianceType;
  /** Added to every variance (scikit-learn's reg_covar). Default 1e-6. */
  regularisation?: number;
  /** Most EM iterations. Default 100. */
  maxIterations?: number;
  /** Stop when the mean log-likelihood changes less than this. Default 1e-3 (scikit-learn's). */
  tolerance?: number;
  /** Called after every EM iteration (1-based) with the mean log-likelihood reached (progress reports). */
  onIteration?: (iteration: number, lowerBound: number) => void;
  /** Seed of the k-means initialisation. Default 0. */
  seed?: number;
  /** Start EM from these parameters instead of k-means (covariances as in GaussianMixture). */
  init?: { weights: ArrayLike<number>; means: ArrayLike<number>; covariances: ArrayLike<number> };
}

export interface GmmFit {
  mixture: GaussianMixture;
  /** The parameters EM started from. */
  initial: GaussianMixture;
  iterations: number;
  converged: boolean;
  /** Mean log-likelihood per point at the last E-step. */
  lowerBound: number;
}

const EPSILON = 2.220446049250313e-16;
const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Factorises the covariances; throws when one is not positive definite (too little
 * regularisation for the data).
 */
function withFactors(dim: number, components: number, covariance: CovarianceType, weights: Float64Array, means: Float64Array, covariances: Float64Array): GaussianMixture {
  const d = dim;
  const factors = new Float64Array(covariances.length);
  const logDets = new Float64Array(components);
  for (let k = 0; k < components; k++) {
    if (covariance === 'diag') {
      for (let j = 0; j < d; j++) {
        const v = covariances[k * d + j];
        if (!(v > 0)) throw new Error(`Gaussian mixture: component ${k} has variance ${v} in dimension ${j}; increase the regularisation`);
        factors[k * d + j] = Math.sqrt(v);
        logDets[k] += Math.log(v);
      }
      continue;
    }
    const o = k * d * d;
    for (let j = 0; j < d; j++) {
      for (let i = 0; i <= j; i++) {
        let s = covariances[o + j * d + i];
        for (let l = 0; l < i; l++) s -= factors[o + j * d + l] * factors[o + i * d + l];
        if (i === j) {
          if (!(s > 0)) throw new Error(`Gaussian mixture: component ${k}'s covariance is not positive definite; increase the regularisation`);
          factors[o + j * d + j] = Math.sqrt(s);
          logDets[k] += 2 * Math.log(factors[o + j * d + j]);
        } else {
          factors[o + j * d + i] = s / factors[o + i * d + i];
        }
      }
    }
  }
  return { dim, components, covariance, weights, means, covariances, factors, logDets };
}

/** log w_k + log N(x_i | μ_k, Σ_k) for every row of X (n × d) and component: n × K. */
function weightedLogDensities(m: GaussianMixture, X: Float64Array, n: number): Float64Array {
  const { dim: d, components: K } = m;
  const out = new Float64Array(n * K);
  const z = new Float64Array(d);
  for (let k = 0; k < K; k++) {
    const constant = Math.log(m.weights[k]) - 0.5 * (d * LOG_2PI + m.logDets[k]);
    const o = k * d * d;
    for (let i = 0; i < n; i++) {
      let mahalanobis = 0;
      if (m.covariance === 'diag') {
        for (let j = 0; j < d; j++) {
          const v = (X[i * d + j] - m.means[k * d + j]) / m.factors[k * d + j];
          mahalanobis += v * v;
        }
      } else {
        // L z = x − μ by forward substitution; (x − μ)ᵀ Σ⁻¹ (x − μ) = ‖z‖².
        for (let j = 0; j < d; j++) {
          let s = X[i * d + j] - m.means[k * d + j];
          for (let l = 0; l < j; l++) s -= m.factors[o + j * d + l] * z[l];
          z[j] = s / m.factors[o + j * d + j];
          mahalanobis += z[j] * z[j];
        }
      }
      out[i * K + k] = constant - 0.5 * mahalanobis;
    }
  }
  return out;
}

/** Per-row log-sum-exp of an n × K matrix. */
function logSumExpRows(a: Float64Array, n: number, K: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, a[i * K + k]);
    if (max === -Infinity) { out[i] = -Infinity; continue; }
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(a[i * K + k] - max);
    out[i] = max + Math.log(s);
  }
  return out;
}

/** The log-likelihood log p(x_i) of every row of X (n × d) under the mixture (scikit-learn's score_samples). */
export function mixtureLogLikelihood(m: GaussianMixture, X: Float64Array, n: number): Float64Array {
  return logSumExpRows(weightedLogDensities(m, X, n), n, m.components);
}

/** Component posteriors (responsibilities) of every row: n × K (scikit-learn's predict_proba). */
export function componentPosteriors(m: GaussianMixture, X: Float64Array, n: number): Float64Array {
  const K = m.components;
  const w = weightedLogDensities(m, X, n);
  const norm = logSumExpRows(w, n, K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) w[i * K + k] = Math.exp(w[i * K + k] - norm[i]);
  return w;
}

/** The M-step: parameters from responsibilities `resp` (n × K). */
function estimate(X: Float64Array, n: number, d: number, resp: Float64Array, K: number, covariance: CovarianceType, regularisation: number): GaussianMixture {
  const nk = new Float64Array(K).fill(10 * EPSILON);
  const means = new Float64Array(K * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const r = resp[i * K + k];
      if (r === 0) continue;
      nk[k] += r;
      for (let j = 0; j < d; j++) means[k * d + j] += r * X[i * d + j];
    }
  }
  for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) means[k * d + j] /= nk[k];
  const size = covariance === 'full' ? d * d : d;
  const covariances = new Float64Array(K * size);
  const diff = new Float64Array(d);
  for (let k = 0; k < K; k++) {
    const o = k * size;
    for (let i = 0; i < n; i++) {
      const r = resp[i * K + k];
      if (r === 0) continue;
      for (let j = 0; j < d; j++) diff[j] = X[i * d + j] - means[k * d + j];
      if (covariance === 'diag') {
        for (let j = 0; j < d; j++) covariances[o + j] += r * diff[j] * diff[j];
      } else {
        for (let a = 0; a < d; a++) {
          const ra = r * diff[a];
          for (let b = 0; b <= a; b++) covariances[o + a * d + b] += ra * diff[b];
        }
      }
    }
    if (covariance === 'diag') {
      for (let j = 0; j < d; j++) covariances[o + j] = covariances[o + j] / nk[k] + regularisation;
    } else {
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          const v = covariances[o + a * d + b] / nk[k] + (a === b ? regularisation : 0);
          covariances[o + a * d + b] = v;
          covariances[o + b * d + a] = v;
        }
      }
    }
  }
  let total = 0;
  for (let k = 0; k < K; k++) total += nk[k];
  const weights = nk.map((v) => v / total);
  return withFactors(d, K, covariance, weights, means, covariances);
}

/**
 * k-means labels of the rows of X (n × d): k-means++ seeding from `seed`, then Lloyd iterations
 * until no label changes (an emptied cluster restarts at the point farthest from its centre).
 */
export function kmeansLabels(X: Float64Array, n: number, d: number, K: number, seed: number, maxIterations = 300): Int32Array {
  const random = mulberry32(seed);
  const centres = new Float64Array(K * d);
  const nearest = new Float64Array(n).fill(Infinity);
  const squared = (i: number, c: number): number => {
    let s = 0;
    for (let j = 0; j < d; j++) { const v = X[i * d + j] - centres[c * d + j]; s += v * v; }
    return s;
  };
  const first = Math.floor(random() * n);
  centres.set(X.subarray(first * d, first * d + d), 0);
  for (let c = 1; c < K; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += (nearest[i] = Math.min(nearest[i], squared(i, c - 1)));
    let target = random() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) { target -= nearest[i]; if (target < 0) { pick = i; break; } }
    if (total === 0) pick = Math.floor(random() * n);
    centres.set(X.subarray(pick * d, pick * d + d), c * d);
  }
  const labels = new Int32Array(n).fill(-1);
  const distance = new Float64Array(n);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < K; c++) { const s = squared(i, c); if (s < bestD) { bestD = s; best = c; } }
      distance[i] = bestD;
      if (labels[i] !== best) { labels[i] = best; changed++; }
    }
    if (changed === 0) break;
    const counts = new Float64Array(K);
    centres.fill(0);
    for (let i = 0; i < n; i++) {
      counts[labels[i]]++;
      for (let j = 0; j < d; j++) centres[labels[i] * d + j] += X[i * d + j];
    }
    for (let c = 0; c < K; c++) {
      if (counts[c] === 0) {
        let far = 0;
        for (let i = 1; i < n; i++) if (distance[i] > distance[far]) far = i;
        centres.set(X.subarray(far * d, far * d + d), c * d);
        distance[far] = 0;
        continue;
      }
      for (let j = 0; j < d; j++) centres[c * d + j] /= counts[c];
    }
  }
  return labels;
}

/**
 * Fits a Gaussian mixture to the rows of X (n × d, already standardised) by EM.
 * @throws Error when n is smaller than the number of components, or a covariance is not positive definite
 */
export function fitGaussianMixture(X: Float64Array, n: number, d: number, options: GmmOptions = {}): GmmFit {
  const K = options.components ?? 1;
  const covariance = options.covariance ?? 'diag';
  const regularisation = options.regularisation ?? 1e-6;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-3;
  if (!(Number.isInteger(K) && K >= 1)) throw new Error(`Gaussian mixture: components must be a positive integer, got ${K}`);
  if (n < K) throw new Error(`Gaussian mixture: ${n} point(s) cannot fit ${K} components`);
  if (!(regularisation >= 0)) throw new Error(`Gaussian mixture: regularisation must be ≥ 0, got ${regularisation}`);
  let mixture: GaussianMixture;
  if (options.init) {
    const { weights, means, covariances } = options.init;
    mixture = withFactors(d, K, covariance, Float64Array.from(weights), Float64Array.from(means), Float64Array.from(covariances));
  } else {
    const labels = kmeansLabels(X, n, d, K, options.seed ?? 0);
    const resp = new Float64Array(n * K);
    labels.forEach((c, i) => { resp[i * K + c] = 1; });
    mixture = estimate(X, n, d, resp, K, covariance, regularisation);
  }
  const initial = mixture;
  let lowerBound = -Infinity;
  let converged = false;
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const previous = lowerBound;
    const resp = weightedLogDensities(mixture, X, n);
    const norm = logSumExpRows(resp, n, K);
    let mean = 0;
    for (let i = 0; i < n; i++) {
      mean += norm[i];
      for (let k = 0; k < K; k++) resp[i * K + k] = Math.exp(resp[i * K + k] - norm[i]);
    }
    mixture = estimate(X, n, d, resp, K, covariance, regularisation);
    lowerBound = mean / n;
    options.onIteration?.(iterations, lowerBound);
    if (Math.abs(lowerBound - previous) < tolerance) { converged = true; break; }
  }
  return { mixture, initial, iterations, converged, lowerBound };
}

export interface GmmClassifierOptions {
  /** Mixture components per class (fewer when a class has fewer stars). Default 2. */
  componentsPerClass?: number;
  /** Default 'diag'. */
  covariance?: CovarianceType;
  /** Added to every variance of the standardised features. Default 1e-3. */
  regularisation?: number;
  maxIterations?: number;
  tolerance?: number;
  seed?: number;
  /** Called after every EM iteration of class c's mixture (see GmmOptions.onIteration). */
  onIteration?: (c: number, iteration: number, lowerBound: number) => void;
}

/** One mixture per class over standardised features, and the log class priors. */
export interface GmmClassifier {
  classes: number;
  standardiser: Standardiser;
  logPriors: Float64Array;
  /** null for a class without training stars (its probability is 0). */
  mixtures: (GaussianMixture | null)[];
}

/**
 * Fits one Gaussian mixture per class on rows `rows` of `data` (n × dim), labels in 0..classes−1.
 * @throws Error when fewer than two classes occur, or EM fails (see fitGaussianMixture)
 */
export function fitGmmClassifier(data: ArrayLike<number>, dim: number, rows: ArrayLike<number>, labels: ArrayLike<number>, classes: number, options: GmmClassifierOptions = {}): GmmClassifier {
  if (new Set(Array.from(labels)).size < 2) throw new Error('classification needs stars of at least two classes');
  const standardiser = fitStandardiser(data, dim, rows);
  const logPriors = new Float64Array(classes);
  const mixtures = Array.from({ length: classes }, (_, c) => {
    const members: number[] = [];
    for (let i = 0; i < rows.length; i++) if (labels[i] === c) members.push(rows[i]);
    logPriors[c] = Math.log(members.length / rows.length);
    if (members.length === 0) return null;
    const X = standardise(standardiser, data, members);
    return fitGaussianMixture(X, members.length, dim, {
      components: Math.min(options.componentsPerClass ?? 2, members.length),
      covariance: options.covariance ?? 'diag',
      regularisation: options.regularisation ?? 1e-3,
      maxIterations: options.maxIterations,
      tolerance: options.tolerance,
      seed: (options.seed ?? 0) + c,
      onIteration: options.onIteration ? (iteration, lowerBound) => options.onIteration?.(c, iteration, lowerBound) : undefined,
    }).mixture;
  });
  return { classes, standardiser, logPriors, mixtures };
}

/** Class posteriors (rows × classes): softmax over c of log π_c + log p_c(x). */
export function gmmClassProbabilities(model: GmmClassifier, data: ArrayLike<number>, rows: ArrayLike<number>): Float64Array {
  const n = rows.length;
  const K = model.classes;
  const X = standardise(model.standardiser, data, rows);
  const joint = new Float64Array(n * K).fill(-Infinity);
  model.mixtures.forEach((m, c) => {
    if (!m) return;
    const ll = mixtureLogLikelihood(m, X, n);
    for (let i = 0; i < n; i++) joint[i * K + c] = model.logPriors[c] + ll[i];
  });
  const norm = logSumExpRows(joint, n, K);
  for (let i = 0; i < n; i++) for (let c = 0; c < K; c++) joint[i * K + c] = Math.exp(joint[i * K + c] - norm[i]);
  return joint;
}
