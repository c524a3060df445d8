/**
 * Numeric agreement checks between two tfjs backends, used to accept a WebGPU adapter only after it has
 * computed the right numbers (a driver can hand out an adapter that initialises but computes garbage:
 * Dawn's `backend=null` adapter does exactly that). Nothing here imports Node modules, so the same checks
 * run in Node (the Dawn probe in `webgpu.ts`) and in a browser page (test/e2e/webgpu).
 */
import { tf } from '../tf';
import type { Tensor } from '../tf';
import { mulberry32 } from '../../../shared/random';

/** How far one backend's outputs are from a reference backend's. */
export interface Agreement {
  /** Worst |got − want| over all outputs, each divided by its output's scale (see `compareOutputs`). */
  worstRelative: number;
  /** Which output and element gave it. */
  worstAt: { output: number; index: number; got: number; want: number };
  /** worstRelative ≤ tolerance (false for NaN, length mismatches, a missing output). */
  ok: boolean;
  tolerance: number;
}

/**
 * Compares output arrays element by element. Each output's scale is its largest |want| value, floored at
 * 1e-3 of the largest value over all outputs: a gradient that is exactly zero in theory (e.g. a bias before
 * a training-mode BatchNorm) holds only rounding noise, which must not count as a relative error of 100 %.
 */
export function compareOutputs(got: Float32Array[], want: Float32Array[], tolerance: number): Agreement {
  const maxAbs = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const globalMax = Math.max(0, ...want.map(maxAbs));
  const fail = (output: number, index: number, g: number, w: number): Agreement => ({
    worstRelative: Number.POSITIVE_INFINITY, worstAt: { output, index, got: g, want: w }, ok: false, tolerance,
  });
  if (got.length !== want.length) return fail(-1, -1, got.length, want.length);
  let worst: Agreement = { worstRelative: 0, worstAt: { output: 0, index: 0, got: 0, want: 0 }, ok: true, tolerance };
  for (let o = 0; o < want.length; o++) {
    const g = got[o];
    const w = want[o];
    if (g.length !== w.length) return fail(o, -1, g.length, w.length);
    const scale = Math.max(maxAbs(w), 1e-3 * globalMax, Number.MIN_VALUE);
    for (let i = 0; i < w.length; i++) {
      const rel = Math.abs(g[i] - w[i]) / scale;
      // `!(rel <= worst)` also catches NaN from either side.
      if (!(rel <= worst.worstRelative)) {
        if (Number.isNaN(rel)) return fail(o, i, g[i], w[i]);
        worst = { worstRelative: rel, worstAt: { output: o, index: i, got: g[i], want: w[i] }, ok: true, tolerance };
      }
    }
  }
  return { ...worst, ok: worst.worstRelative <= tolerance };
}

/**
 * Activates `backend`, runs `compute` inside a tidy scope and reads every returned tensor back (async, as
 * GPU backends require). `compute` must build its inputs itself (from plain arrays) so that nothing it uses
 * was created on another backend.
 */
export async function runOnBackend(backend: string, compute: () => Tensor[]): Promise<Float32Array[]> {
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' did not initialise`);
  const outputs = tf.tidy(compute);
  try {
    return await Promise.all(outputs.map(async (t) => Float32Array.from(await t.data())));
  } finally {
    outputs.forEach((t) => t.dispose());
  }
}

/** Seeded standard-normal-ish values (sum of uniforms), identical on every backend and platform. */
export function seededValues(count: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = rand() + rand() + rand() - 1.5;
  return out;
}

/**
 * The self-test computation: the op families the DESA encoders use (conv1d, batched matMul with a
 * transpose, softmax, SiLU, mean/variance normalisation) forward, and their gradients with respect to the
 * input and both weights. Small, so a software adapter runs it in seconds.
 */
function selfTestGraph(): Tensor[] {
  const x = tf.tensor3d(seededValues(2 * 24 * 4, 1), [2, 24, 4]);
  const w = tf.tensor3d(seededValues(3 * 4 * 8, 2), [3, 4, 8]);
  const q = tf.tensor2d(seededValues(8 * 8, 3), [8, 8]);
  const loss = (xs: Tensor, ws: Tensor, qs: Tensor): tf.Scalar => {
    const h = tf.conv1d(xs as tf.Tensor3D, ws as tf.Tensor3D, 1, 'same');
    const a = tf.mul(h, tf.sigmoid(h));
    const { mean, variance } = tf.moments(a, [1], true);
    const n = tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-5)));
    const scores = tf.softmax(tf.matMul(tf.matMul(n, tf.tile(tf.expandDims(qs, 0), [2, 1, 1])), n, false, true));
    return tf.mean(tf.square(tf.matMul(scores, n)));
  };
  const [gx, gw, gq] = tf.grads(loss)([x, w, q]);
  return [loss(x, w, q), gx, gw, gq];
}

/** Relative tolerance of the self-test: float32 with a different summation order agrees to ~1e-6 here. */
export const SELF_TEST_TOLERANCE = 1e-4;

/**
 * Runs the self-test on `backend` and on `reference` (default cpu) and compares them. Leaves `reference`
 * active; the caller re-activates the backend it wants.
 */
export async function backendSelfTest(backend: string, reference = 'cpu'): Promise<Agreement> {
  const got = await runOnBackend(backend, selfTestGraph);
  const want = await runOnBackend(reference, selfTestGraph);
  return compareOutputs(got, want, SELF_TEST_TOLERANCE);
}

/** One line for a probe report, e.g. "worst relative error 1.9e-6 (tolerance 1e-4)". */
export function describeAgreement(a: Agreement): string {
  const where = a.worstAt.index < 0 ? `output ${a.worstAt.output}: length ${a.worstAt.got} vs ${a.worstAt.want}` :
    `output ${a.worstAt.output}[${a.worstAt.index}]: ${a.worstAt.got} vs ${a.worstAt.want}`;
  const err = Number.isFinite(a.worstRelative) ? a.worstRelative.toExponential(1) : String(a.worstRelative);
  return `worst relative error ${err} (tolerance ${a.tolerance.toExponential(0)}; ${where})`;
}
