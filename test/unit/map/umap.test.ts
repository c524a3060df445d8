import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bruteForceSearch } from '../../../src/main/map/ann';
import { findAbParams } from '../../../src/main/map/layout-sgd';
import { makeMatrix } from '../../../src/main/map/matrix';
import { computeUmap, projectUmap, type UmapLayout, type UmapProgress } from '../../../src/main/map/umap';
import { makeBlobs, makePatches, type Blobs } from './blobs';

/** Fraction of points whose 10 nearest 2-D neighbours mostly (majority vote) share their blob label. */
function knnLabelAgreement(layout: UmapLayout, labels: Int32Array): number {
  const n = labels.length;
  const xy = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) { xy[i * 2] = layout.x[i]; xy[i * 2 + 1] = layout.y[i]; }
  let ok = 0;
  for (let i = 0; i < n; i += 3) {
    const nbs = bruteForceSearch({ dim: 2, data: xy }, xy.subarray(i * 2, i * 2 + 2), 10, i);
    const same = nbs.filter((nb) => labels[nb.row] === labels[i]).length;
    if (same > 5) ok++;
  }
  return ok / Math.ceil(n / 3);
}

/** The layout as one (x, y) per point, the vector matrix the distance searches take. */
function interleaved(layout: UmapLayout): Float32Array {
  const xy = new Float32Array(layout.x.length * 2);
  for (let i = 0; i < layout.x.length; i++) { xy[i * 2] = layout.x[i]; xy[i * 2 + 1] = layout.y[i]; }
  return xy;
}

/**
 * Trustworthiness (Venna & Kaski 2001; sklearn.manifold.trustworthiness) with k neighbours,
 * evaluated on every `step`-th point: penalises 2-D neighbours that are far in the original space.
 */
function trustworthiness(b: Blobs, layout: UmapLayout, k: number, step: number): number {
  const n = b.labels.length;
  const xy = interleaved(layout);
  let penalty = 0;
  let m = 0;
  for (let i = 0; i < n; i += step) {
    const rankHigh = new Int32Array(n);
    bruteForceSearch(b, b.data.subarray(i * b.dim, (i + 1) * b.dim), n - 1, i).forEach((nb, r) => { rankHigh[nb.row] = r + 1; });
    for (const nb of bruteForceSearch({ dim: 2, data: xy }, xy.subarray(i * 2, i * 2 + 2), k, i)) penalty += Math.max(0, rankHigh[nb.row] - k);
    m++;
  }
  return 1 - (2 / (m * k * (2 * n - 3 * k - 1))) * penalty;
}

/** Mean fraction of each sampled point's k nearest neighbours in the original space that are also among its k nearest on the map. */
function knnPreservation(b: Blobs, layout: UmapLayout, k: number, step: number): number {
  const n = b.labels.length;
  const xy = interleaved(layout);
  let kept = 0;
  let m = 0;
  for (let i = 0; i < n; i += step) {
    const high = new Set(bruteForceSearch(b, b.data.subarray(i * b.dim, (i + 1) * b.dim), k, i).map((nb) => nb.row));
    kept += bruteForceSearch({ dim: 2, data: xy }, xy.subarray(i * 2, i * 2 + 2), k, i).filter((nb) => high.has(nb.row)).length;
    m++;
  }
  return kept / (m * k);
}

const blobs = makeBlobs(3000, 32, 8, 11, 1, 10);
const matrix = makeMatrix('z1', Array.from({ length: 3000 }, (_, i) => `s${i}`), 32, blobs.data);

describe('UMAP a/b curve parameters', () => {
  it("match umap-learn's find_ab_params (scipy curve_fit) for the defaults", () => {
    // umap-learn 0.5, spread=1, min_dist=0.1: a = 1.5769434604, b = 0.8950608781.
    const { a, b } = findAbParams(1, 0.1);
    expect(a).toBeCloseTo(1.5769, 3);
    expect(b).toBeCloseTo(0.8951, 3);
  });
});

describe('fast UMAP (ANN kNN graph + fuzzy set + typed-array SGD)', () => {
  it('keeps well-separated blobs separated, trustworthily, and reports progress', async () => {
    const progress: UmapProgress[] = [];
    const layout = await computeUmap(matrix, { method: 'fast', nEpochs: 200, seed: 1 }, { onProgress: (p) => progress.push(p) });
    expect(layout.method).toBe('fast');
    expect(knnLabelAgreement(layout, blobs.labels)).toBeGreaterThanOrEqual(0.95);
    expect(trustworthiness(blobs, layout, 10, 60)).toBeGreaterThan(0.9);
    const last = progress.filter((p) => p.phase === 'layout').at(-1) as UmapProgress;
    expect(last.done).toBe(200);
    expect(last.total).toBe(200);
    expect(last.etaSeconds).toBe(0);
    expect(progress.some((p) => p.phase === 'knn' && p.done === 3000)).toBe(true);
  });

  it('is deterministic for a seed and differs for another seed', async () => {
    const a = await computeUmap(matrix, { method: 'fast', nEpochs: 50, seed: 5 });
    const b = await computeUmap(matrix, { method: 'fast', nEpochs: 50, seed: 5 });
    const c = await computeUmap(matrix, { method: 'fast', nEpochs: 50, seed: 6 });
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(Array.from(a.x)).not.toEqual(Array.from(c.x));
  });

  it('fits a subsample and places the rest next to their neighbours', async () => {
    const layout = await computeUmap(matrix, { method: 'fast', nEpochs: 150, seed: 2, fitLimit: 1000 });
    expect(layout.fitted).toBe(1000);
    expect(knnLabelAgreement(layout, blobs.labels)).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps neighbourhoods about as well as umap-js when fitting a third and placing the rest', async () => {
    // Six flat patches (2-D Gaussians laid into 24-D along random directions, plus a little
    // noise): each has a real 2-D neighbourhood structure that a good map keeps.
    const b = makePatches(3000, 24, 6, 21);
    const m = makeMatrix('q', Array.from({ length: 3000 }, (_, i) => `s${i}`), 24, b.data);
    const reference = await computeUmap(m, { method: 'umap-js', nEpochs: 200, seed: 4 });
    const subsampled = await computeUmap(m, { method: 'fast', nEpochs: 200, seed: 4, fitLimit: 1000 });
    expect(subsampled.fitted).toBe(1000);
    const refKeep = knnPreservation(b, reference, 10, 15);
    const fastKeep = knnPreservation(b, subsampled, 10, 15);
    // Placed points sit at their fitted neighbours' weighted mean (no refinement epochs), which
    // blurs the finest scale a little: ask for three quarters of umap-js's kept neighbours.
    expect(fastKeep).toBeGreaterThanOrEqual(0.75 * refKeep);
    expect(trustworthiness(b, subsampled, 10, 30)).toBeGreaterThanOrEqual(trustworthiness(b, reference, 10, 30) - 0.03);
    expect(knnLabelAgreement(subsampled, b.labels)).toBeGreaterThanOrEqual(knnLabelAgreement(reference, b.labels) - 0.05);
  });

  it('stops with CancelledError when the signal aborts mid-layout', async () => {
    const ctrl = new AbortController();
    let epochsSeen = 0;
    const run = computeUmap(matrix, { method: 'fast', nEpochs: 5000, seed: 1 }, {
      signal: ctrl.signal,
      onProgress: (p) => { if (p.phase === 'layout') { epochsSeen = p.done; ctrl.abort(); } },
    });
    await expect(run).rejects.toMatchObject({ name: 'CancelledError' });
    expect(epochsSeen).toBeLessThan(5000);
  });
});

describe('umap-js engine (small maps)', () => {
  it('separates blobs, steps with progress, and is deterministic with a seed', async () => {
    const small = makeBlobs(600, 16, 4, 3, 1, 10);
    const m = makeMatrix('p1', Array.from({ length: 600 }, (_, i) => `s${i}`), 16, small.data);
    const progress: UmapProgress[] = [];
    const a = await computeUmap(m, { nEpochs: 100, seed: 9 }, { onProgress: (p) => progress.push(p) });
    expect(a.method).toBe('umap-js');
    expect(knnLabelAgreement(a, small.labels)).toBeGreaterThanOrEqual(0.95);
    expect(progress.filter((p) => p.phase === 'layout').at(-1)?.done).toBe(100);
    const b = await computeUmap(m, { nEpochs: 100, seed: 9 });
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
  });
});

describe('layout cache', () => {
  it('stores the layout in the project and returns it unchanged next time', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-umap-'));
    try {
      const first = await projectUmap(dir, matrix, { method: 'fast', nEpochs: 30, seed: 3 });
      const again = await projectUmap(dir, matrix, { method: 'fast', nEpochs: 30, seed: 3 });
      expect(first.cached).toBe(false);
      expect(again.cached).toBe(true);
      expect(Array.from(again.x)).toEqual(Array.from(first.x));
      expect(Array.from(again.y)).toEqual(Array.from(first.y));
      const other = await projectUmap(dir, matrix, { method: 'fast', nEpochs: 31, seed: 3 });
      expect(other.cached).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
