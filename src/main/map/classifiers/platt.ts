/**
 * Platt scaling: P(positive | f) = 1 / (1 + exp(a·f + b)) fitted to decision values by maximum
 * likelihood with Platt's smoothed targets (N₊+1)/(N₊+2) and 1/(N₋+2), the objective scikit-learn's
 * `_sigmoid_calibration` minimises, solved by the Newton method with backtracking of
 * Lin, Lin & Weng, "A note on Platt's probabilistic outputs for support vector machines" (2007).
 */

/** A fitted sigmoid: probability 1 / (1 + exp(a·f + b)). */
export interface Sigmoid {
  a: number;
  b: number;
}

/** The Platt probability of decision value `f`, without overflow for large |a·f + b|. */
export function sigmoidProbability(s: Sigmoid, f: number): number {
  const z = s.a * f + s.b;
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}

/**
 * Fits (a, b) on decision values `decision` whose true class is positive where `positive[i]`.
 * Decision values should be held out (not from the model that saw those stars), else the
 * sigmoid is overconfident.
 */
export function fitPlatt(decision: ArrayLike<number>, positive: ArrayLike<boolean>): Sigmoid {
  const n = decision.length;
  let prior1 = 0;
  for (let i = 0; i < n; i++) if (positive[i]) prior1++;
  const prior0 = n - prior1;
  const hi = (prior1 + 1) / (prior1 + 2);
  const lo = 1 / (prior0 + 2);
  const t = Float64Array.from({ length: n }, (_, i) => (positive[i] ? hi : lo));
  // −Σ t·log p + (1 − t)·log(1 − p) with p = 1/(1 + e^{z}), written to avoid exp overflow.
  const objective = (a: number, b: number): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const z = decision[i] * a + b;
      f += z >= 0 ? t[i] * z + Math.log1p(Math.exp(-z)) : (t[i] - 1) * z + Math.log1p(Math.exp(z));
    }
    return f;
  };
  let a = 0;
  let b = Math.log((prior0 + 1) / (prior1 + 1));
  let value = objective(a, b);
  const tolerance = 1e-12 * Math.max(1, n);
  for (let iteration = 0; iteration < 100; iteration++) {
    // Gradient and Hessian (with a tiny ridge so a separable set stays solvable).
    let h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0;
    for (let i = 0; i < n; i++) {
      const z = decision[i] * a + b;
      const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
      const d2 = p * (1 - p);
      h11 += decision[i] * decision[i] * d2;
      h22 += d2;
      h21 += decision[i] * d2;
      const d1 = t[i] - p;
      g1 += decision[i] * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < tolerance && Math.abs(g2) < tolerance) break;
    const det = h11 * h22 - h21 * h21;
    const da = -(h22 * g1 - h21 * g2) / det;
    const db = -(-h21 * g1 + h11 * g2) / det;
    const slope = g1 * da + g2 * db;
    let step = 1;
    for (; step >= 1e-10; step /= 2) {
      const next = objective(a + step * da, b + step * db);
      if (next < value + 1e-4 * step * slope) {
        a += step * da;
        b += step * db;
        value = next;
        break;
      }
    }
    if (step < 1e-10) break; // no decrease left at float precision: at the optimum
  }
  return { a, b };
}
