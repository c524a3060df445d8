/**
 * Conformal calibration of CQR intervals on a validation split (`nn/optim.py CQR.calibrate`,
 * `predict`, `evaluate_coverage`; digest §5.3). Plain float64 arrays, no tfjs.
 *
 * Layout: predictions are row-major (n, labels, Q) and targets (n, labels). Quantile pairs are
 * taken outside-in: (0, Q−1), (1, Q−2), …; pair i has nominal coverage α_i = q[Q−1−i] − q[i].
 */

/** A row-major (n, labels, Q) prediction array. */
export interface QuantilePredictions {
  data: ArrayLike<number>;
  n: number;
  labels: number;
  quantiles: readonly number[];
}

export interface CalibrationOptions {
  /**
   * `false` (default, the authors' code): c = np.quantile(scores, α) with NumPy's linear method.
   * `true`: the split-conformal finite-sample correction, c = the ⌈(n+1)·α⌉-th smallest score
   * (+∞ when that exceeds n), which guarantees coverage ≥ α for exchangeable data.
   */
  finiteSampleCorrection?: boolean;
}

/** Result of calibrating on a validation split. */
export interface CqrCalibration {
  quantiles: number[];
  /** α per pair. */
  alpha: number[];
  /** Conformity scores, row-major (n, labels, pairs). NaN where the target is NaN. */
  scores: Float64Array;
  /** Correction c per (label, pair), row-major (labels, pairs). */
  correction: Float64Array;
  labels: number;
  pairs: number;
  finiteSampleCorrection: boolean;
}

/** Number of outside-in quantile pairs. */
export function quantilePairs(quantiles: readonly number[]): number {
  return Math.floor(quantiles.length / 2);
}

/** α_i = q[Q−1−i] − q[i] (in float64, as NumPy computes it: 0.9 − 0.1 is exactly 0.8). */
export function pairCoverage(quantiles: readonly number[]): number[] {
  const Q = quantiles.length;
  return Array.from({ length: quantilePairs(quantiles) }, (_, i) => quantiles[Q - 1 - i] - quantiles[i]);
}

function checkPredictions(p: QuantilePredictions, target: ArrayLike<number>, what: string): void {
  const Q = p.quantiles.length;
  if (p.data.length !== p.n * p.labels * Q) {
    throw new Error(`${what}: predictions have ${p.data.length} values, expected n·labels·Q = ${p.n}·${p.labels}·${Q}`);
  }
  if (target.length !== p.n * p.labels) {
    throw new Error(`${what}: targets have ${target.length} values, expected n·labels = ${p.n}·${p.labels}`);
  }
}

/** Conformity scores s = max(ŷ_lo − y, y − ŷ_hi) per sample, label and pair: (n, labels, pairs). */
export function conformityScores(preds: QuantilePredictions, target: ArrayLike<number>): Float64Array {
  checkPredictions(preds, target, 'conformityScores');
  const Q = preds.quantiles.length;
  const P = quantilePairs(preds.quantiles);
  const out = new Float64Array(preds.n * preds.labels * P);
  for (let s = 0; s < preds.n; s++) {
    for (let l = 0; l < preds.labels; l++) {
      const y = target[s * preds.labels + l];
      const base = (s * preds.labels + l) * Q;
      for (let i = 0; i < P; i++) {
        const lo = preds.data[base + i];
        const hi = preds.data[base + Q - 1 - i];
        out[(s * preds.labels + l) * P + i] = Math.max(lo - y, y - hi);
      }
    }
  }
  return out;
}

/**
 * `np.quantile(values, q)` with NumPy's default 'linear' method: virtual index (n − 1)·q and
 * NumPy's two-sided lerp (a + (b−a)·t for t < 0.5, b − (b−a)·(1−t) otherwise). NaNs must be removed first.
 */
export function numpyQuantileLinear(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) throw new Error('numpyQuantileLinear: no values');
  if (!(q >= 0 && q <= 1)) throw new Error(`numpyQuantileLinear: quantile ${q} is outside [0, 1]`);
  const sorted = Float64Array.from(values).sort();
  const virtual = (n - 1) * q; // NumPy 'linear': get_virtual_index = (n − 1)·q
  let prev = Math.floor(virtual);
  const gamma = virtual - prev;
  prev = Math.min(Math.max(prev, 0), n - 1);
  const next = Math.min(prev + 1, n - 1);
  const a = sorted[prev], b = sorted[next];
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** The ⌈(n+1)·α⌉-th smallest value (1-based), +∞ when that rank exceeds n. */
export function finiteSampleQuantile(values: ArrayLike<number>, alpha: number): number {
  const n = values.length;
  if (n === 0) throw new Error('finiteSampleQuantile: no values');
  const rank = Math.ceil((n + 1) * alpha);
  if (rank > n) return Infinity;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(rank, 1) - 1];
}

/**
 * Calibrates on the validation predictions: one correction per label and quantile pair.
 * Samples whose target is NaN are left out of that label's scores (the reference would give NaN).
 */
export function calibrateCqr(preds: QuantilePredictions, target: ArrayLike<number>, opts: CalibrationOptions = {}): CqrCalibration {
  const scores = conformityScores(preds, target);
  const P = quantilePairs(preds.quantiles);
  const alpha = pairCoverage(preds.quantiles);
  const correction = new Float64Array(preds.labels * P);
  const fsc = opts.finiteSampleCorrection ?? false;
  for (let l = 0; l < preds.labels; l++) {
    for (let i = 0; i < P; i++) {
      const column: number[] = [];
      for (let s = 0; s < preds.n; s++) {
        const v = scores[(s * preds.labels + l) * P + i];
        if (!Number.isNaN(v)) column.push(v);
      }
      if (column.length === 0) throw new Error(`calibrateCqr: label ${l} has no calibration target`);
      correction[l * P + i] = fsc ? finiteSampleQuantile(column, alpha[i]) : numpyQuantileLinear(column, alpha[i]);
    }
  }
  return { quantiles: [...preds.quantiles], alpha, scores, correction, labels: preds.labels, pairs: P, finiteSampleCorrection: fsc };
}

/** `CQR.predict`: widens (or, for negative c, narrows) each pair: lo − c, hi + c; the median is copied. */
export function applyCqrCalibration(preds: QuantilePredictions, calibration: CqrCalibration): Float64Array {
  const Q = preds.quantiles.length;
  if (preds.labels !== calibration.labels || Q !== calibration.quantiles.length) {
    throw new Error(`applyCqrCalibration: predictions have ${preds.labels} labels × ${Q} quantiles, calibration ${calibration.labels} × ${calibration.quantiles.length}`);
  }
  if (preds.data.length !== preds.n * preds.labels * Q) throw new Error('applyCqrCalibration: predictions size does not match n·labels·Q');
  const out = Float64Array.from(preds.data);
  const P = calibration.pairs;
  for (let s = 0; s < preds.n; s++) {
    for (let l = 0; l < preds.labels; l++) {
      const base = (s * preds.labels + l) * Q;
      for (let i = 0; i < P; i++) {
        const c = calibration.correction[l * P + i];
        out[base + i] = preds.data[base + i] - c;
        out[base + Q - 1 - i] = preds.data[base + Q - 1 - i] + c;
      }
    }
  }
  return out;
}

/** `evaluate_coverage`: per pair, the fraction of (sample, label) targets with lo ≤ y ≤ hi. NaN targets are skipped. */
export function evaluateCoverage(preds: QuantilePredictions, target: ArrayLike<number>): number[] {
  checkPredictions(preds, target, 'evaluateCoverage');
  const Q = preds.quantiles.length;
  const P = quantilePairs(preds.quantiles);
  const inside = new Array<number>(P).fill(0);
  let count = 0;
  for (let s = 0; s < preds.n; s++) {
    for (let l = 0; l < preds.labels; l++) {
      const y = target[s * preds.labels + l];
      if (Number.isNaN(y)) continue;
      count++;
      const base = (s * preds.labels + l) * Q;
      for (let i = 0; i < P; i++) {
        if (preds.data[base + i] <= y && y <= preds.data[base + Q - 1 - i]) inside[i]++;
      }
    }
  }
  return inside.map((k) => k / count);
}
