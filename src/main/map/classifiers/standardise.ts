/**
 * Feature standardisation shared by every classifier: each embedding dimension is centred and
 * divided by its (population) standard deviation over the training rows, as scikit-learn's
 * StandardScaler does, so penalties and covariance regularisation mean the same on any embedding.
 */

/** Per-column mean and scale fitted on training rows. */
export interface Standardiser {
  dim: number;
  mean: Float64Array;
  scale: Float64Array;
}

/**
 * Mean and population standard deviation of every column over rows `rows` of `data` (n × dim,
 * row-major). A constant column keeps scale 1, so it standardises to 0 instead of NaN.
 */
export function fitStandardiser(data: ArrayLike<number>, dim: number, rows: ArrayLike<number>): Standardiser {
  const mean = new Float64Array(dim);
  const scale = new Float64Array(dim);
  for (let r = 0; r < rows.length; r++) for (let j = 0; j < dim; j++) mean[j] += data[rows[r] * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= rows.length;
  for (let r = 0; r < rows.length; r++) {
    for (let j = 0; j < dim; j++) {
      const d = data[rows[r] * dim + j] - mean[j];
      scale[j] += d * d;
    }
  }
  for (let j = 0; j < dim; j++) scale[j] = Math.sqrt(scale[j] / rows.length) || 1;
  return { dim, mean, scale };
}

/**
 * Rows `rows` of `data` standardised, as a float64 matrix n × dim, or n × (dim + 1) with a
 * trailing column of ones when `withBias` (the linear models' intercept).
 */
export function standardise(st: Standardiser, data: ArrayLike<number>, rows: ArrayLike<number>, withBias = false): Float64Array {
  const { dim, mean, scale } = st;
  const p = withBias ? dim + 1 : dim;
  const X = new Float64Array(rows.length * p);
  for (let r = 0; r < rows.length; r++) {
    const from = rows[r] * dim;
    for (let j = 0; j < dim; j++) X[r * p + j] = (data[from + j] - mean[j]) / scale[j];
    if (withBias) X[r * p + dim] = 1;
  }
  return X;
}
