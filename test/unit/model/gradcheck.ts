/**
 * Finite-difference gradient checks for float32 tfjs code. The scalar probed is Σ out·R with a fixed
 * random R (so no symmetry hides a wrong gradient); derivatives are central differences
 * (f(x+ε) − f(x−ε)) / 2ε on a sample of elements, compared with tf.grads / tf.variableGrads.
 */
import { tf } from '../../../src/main/model/tf';
import type { Tensor, Variable } from '../../../src/main/model/tf';

export interface GradCheckOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
  /** At most this many elements per tensor are probed. */
  maxProbes?: number;
  seed?: number;
}

export interface GradCheckResult {
  /** Worst |analytic − numeric| / (atol + rtol·|numeric|): ≤ 1 passes. */
  worstRatio: number;
  probes: number;
}

function probeIndices(size: number, max: number, seed: number): number[] {
  if (size <= max) return [...Array(size).keys()];
  // Evenly spread probes with a seeded offset (an LCG's low bits cycle too fast to sample with).
  const offset = seed % size;
  const out = new Set<number>();
  for (let j = 0; j < max; j++) out.add((offset + Math.floor((j * size) / max)) % size);
  return [...out];
}

function makeProbe(fn: () => Tensor, seed: number): () => Tensor {
  let weights: Tensor | null = null;
  return () => {
    const out = fn();
    weights ??= tf.keep(tf.randomUniform(out.shape, -1, 1, 'float32', seed));
    return tf.sum(tf.mul(out, weights));
  };
}

function compare(analytic: ArrayLike<number>, numeric: (i: number) => number, indices: number[], o: Required<GradCheckOptions>): GradCheckResult {
  let worst = 0;
  for (const i of indices) {
    const n = numeric(i);
    const ratio = Math.abs(analytic[i] - n) / (o.atol + o.rtol * Math.abs(n));
    if (!(ratio <= worst)) worst = ratio; // NaN propagates as a failure
  }
  return { worstRatio: worst, probes: indices.length };
}

const defaults = (o: GradCheckOptions): Required<GradCheckOptions> => ({
  eps: o.eps ?? 1e-2,
  rtol: o.rtol ?? 2e-2,
  atol: o.atol ?? 2e-3,
  maxProbes: o.maxProbes ?? 24,
  seed: o.seed ?? 7,
});

/** Checks d(Σ fn(inputs)·R)/d inputs for every input tensor. */
export function checkInputGrads(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradCheckOptions = {}): GradCheckResult {
  const o = defaults(opts);
  let current = inputs;
  const probe = makeProbe(() => fn(...current), o.seed);
  const analytic = tf.tidy(() => tf.grads((...xs: Tensor[]) => {
    current = xs;
    return probe();
  })(inputs)).map((g) => g.dataSync().slice());
  let worst = 0;
  let probes = 0;
  inputs.forEach((x, k) => {
    const base = x.dataSync().slice() as Float32Array;
    const evalAt = (i: number, delta: number): number => {
      const v = base.slice();
      v[i] += delta;
      const moved = tf.tensor(v, x.shape);
      current = inputs.map((t, j) => (j === k ? moved : t));
      const value = tf.tidy(() => probe().dataSync()[0]);
      moved.dispose();
      return value;
    };
    const r = compare(analytic[k], (i) => (evalAt(i, o.eps) - evalAt(i, -o.eps)) / (2 * o.eps), probeIndices(x.size, o.maxProbes, o.seed + k), o);
    worst = Math.max(worst, r.worstRatio);
    probes += r.probes;
  });
  current = inputs;
  return { worstRatio: worst, probes };
}

/** Checks d(Σ fn()·R)/d v for every variable (weights of a layer). */
export function checkVariableGrads(fn: () => Tensor, variables: Variable[], opts: GradCheckOptions = {}): GradCheckResult {
  const o = defaults(opts);
  const probe = makeProbe(fn, o.seed);
  const { grads } = tf.variableGrads(() => probe() as tf.Scalar, variables);
  let worst = 0;
  let probes = 0;
  variables.forEach((v, k) => {
    const g = grads[v.name];
    if (!g) throw new Error(`no gradient reached variable #${k} (${v.name}, shape [${v.shape}])`);
    const analytic = g.dataSync().slice();
    const base = v.dataSync().slice() as Float32Array;
    const evalAt = (i: number, delta: number): number => {
      const vals = base.slice();
      vals[i] += delta;
      v.assign(tf.tensor(vals, v.shape));
      return tf.tidy(() => probe().dataSync()[0]);
    };
    const r = compare(analytic, (i) => (evalAt(i, o.eps) - evalAt(i, -o.eps)) / (2 * o.eps), probeIndices(v.size, o.maxProbes, o.seed + k), o);
    v.assign(tf.tensor(base, v.shape));
    worst = Math.max(worst, r.worstRatio);
    probes += r.probes;
  });
  Object.values(grads).forEach((g) => g.dispose());
  return { worstRatio: worst, probes };
}
