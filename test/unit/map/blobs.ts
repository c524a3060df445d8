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
