/** Test data: isotropic Gaussian blobs (like sklearn's make_blobs) from a seed. */
import { gaussian, mulberry32 } from '../../../src/main/map/random';

export interface Blobs {
  dim: number;
  data: Float32Array;
  labels: Int32Array;
}

/** n points in `centers` blobs of std `spread` around centres drawn uniformly from [-box, box]^dim. */
export function makeBlobs(n: number, dim: number, centers: number, seed: number, spread = 1, box = 10): Blobs {
  const u = mulberry32(seed);
  const g = gaussian(u);
  const c = Float64Array.from({ length: centers * dim }, () => (u() * 2 - 1) * box);
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const l = i % centers;
    labels[i] = l;
    for (let j = 0; j < dim; j++) data[i * dim + j] = c[l * dim + j] + spread * g();
  }
  return { dim, data, labels };
}

/**
 * n points on `centers` flat patches: patch l is centre c_l (uniform in [-10, 10]^dim) plus
 * 3·(u·a_l + v·b_l) with u, v standard normal and a_l, b_l random unit directions, plus noise of
 * std 0.05 in every dimension. Intrinsically 2-D, so a map can keep each point's neighbours.
 */
export function makePatches(n: number, dim: number, centers: number, seed: number): Blobs {
  const u = mulberry32(seed);
  const g = gaussian(u);
  const unit = (): Float64Array => {
    const v = Float64Array.from({ length: dim }, () => g());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const patches = Array.from({ length: centers }, () => ({ c: Float64Array.from({ length: dim }, () => (u() * 2 - 1) * 10), a: unit(), b: unit() }));
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const l = i % centers;
    labels[i] = l;
    const p = patches[l];
    const s = 3 * g(), t = 3 * g();
    for (let j = 0; j < dim; j++) data[i * dim + j] = p.c[j] + s * p.a[j] + t * p.b[j] + 0.05 * g();
  }
  return { dim, data, labels };
}
