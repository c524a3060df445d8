/**
 * UMAP's fuzzy simplicial set (McInnes et al. 2018, §3; umap-learn's smooth_knn_dist and
 * fuzzy_simplicial_set) over typed arrays: per point a local scale σ and nearest distance ρ turn
 * the kNN distances into membership strengths, then the fuzzy union a + b − ab symmetrises them.
 */
import type { KnnResult } from './ann';

/** A symmetric weighted graph in CSR form: neighbours of i are cols[rowPtr[i] .. rowPtr[i+1]). */
export interface CsrGraph {
  n: number;
  rowPtr: Uint32Array;
  cols: Uint32Array;
  weights: Float32Array;
}

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

/**
 * σ_i and ρ_i for each point such that Σ_j exp(−max(0, d_ij − ρ_i)/σ_i) = log2(nNeighbors)
 * (binary search, as umap-learn; σ is floored at 1e-3 of the mean distance).
 * `knn` holds each point's neighbours without itself, so nNeighbors = knn.k + 1.
 */
export function smoothKnnDistances(knn: KnnResult, n: number): { sigma: Float64Array; rho: Float64Array } {
  const { k, distances } = knn;
  const target = Math.log2(k + 1);
  const sigma = new Float64Array(n);
  const rho = new Float64Array(n);
  let meanAll = 0;
  let counted = 0;
  for (let i = 0; i < n * k; i++) if (Number.isFinite(distances[i])) { meanAll += distances[i]; counted++; }
  meanAll = counted ? meanAll / counted : 0;
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let r = 0;
    let mean = 0;
    let m = 0;
    for (let j = 0; j < k; j++) {
      const d = distances[base + j];
      if (!Number.isFinite(d)) continue;
      if (r === 0 && d > 0) r = d;
      mean += d;
      m++;
    }
    mean = m ? mean / m : 0;
    rho[i] = r;
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let it = 0; it < 64; it++) {
      let psum = 0;
      for (let j = 0; j < k; j++) {
        const d = distances[base + j];
        if (!Number.isFinite(d)) continue;
        const dd = d - r;
        psum += dd > 0 ? Math.exp(-dd / mid) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    const floor = MIN_K_DIST_SCALE * (r > 0 ? mean : meanAll);
    sigma[i] = Math.max(mid, floor);
  }
  return { sigma, rho };
}

/**
 * The symmetric fuzzy graph of a kNN result: directed memberships w_ij, then
 * w = w_ij + w_ji − w_ij·w_ji for every pair linked in either direction.
 */
export function fuzzySimplicialSet(knn: KnnResult, n: number): CsrGraph {
  const { k, indices, distances } = knn;
  const { sigma, rho } = smoothKnnDistances(knn, n);
  const directed = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const at = i * k + j;
      if (indices[at] < 0) continue;
      const dd = distances[at] - rho[i];
      directed[at] = dd <= 0 ? 1 : Math.exp(-dd / sigma[i]);
    }
  }
  // Incoming edges of each point (the transpose), as CSR.
  const inCount = new Uint32Array(n + 1);
  for (let at = 0; at < n * k; at++) if (indices[at] >= 0) inCount[indices[at] + 1]++;
  for (let i = 0; i < n; i++) inCount[i + 1] += inCount[i];
  const inFrom = new Uint32Array(inCount[n]);
  const inWeight = new Float32Array(inCount[n]);
  const fill = inCount.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const t = indices[i * k + j];
      if (t < 0) continue;
      inFrom[fill[t]] = i;
      inWeight[fill[t]++] = directed[i * k + j];
    }
  }
  // Merge out- and in-edges per row with a stamped scratch map.
  const rowPtr = new Uint32Array(n + 1);
  const cols: number[] = [];
  const weights: number[] = [];
  const slot = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const start = cols.length;
    for (let j = 0; j < k; j++) {
      const t = indices[i * k + j];
      if (t < 0 || t === i || slot[t] >= 0) continue;
      slot[t] = cols.length;
      cols.push(t);
      weights.push(directed[i * k + j]);
    }
    for (let e = inCount[i]; e < inCount[i + 1]; e++) {
      const s = inFrom[e];
      const w = inWeight[e];
      if (s === i) continue;
      if (slot[s] >= 0) {
        const a = weights[slot[s]];
        weights[slot[s]] = a + w - a * w;
      } else {
        slot[s] = cols.length;
        cols.push(s);
        weights.push(w);
      }
    }
    for (let e = start; e < cols.length; e++) slot[cols[e]] = -1;
    rowPtr[i + 1] = cols.length;
  }
  return { n, rowPtr, cols: Uint32Array.from(cols), weights: Float32Array.from(weights) };
}
