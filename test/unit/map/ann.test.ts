import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnnIndex, bruteForceSearch } from '../../../src/main/map/ann';
import { centroidOf, makeMatrix, matrixHash } from '../../../src/main/map/matrix';
import { makeBlobs } from './blobs';

// 5k clustered points in 48 dimensions, 25 blobs whose spread is comparable to their spacing,
// so neighbours cross blob borders and the search has real work to do.
const blobs = makeBlobs(5000, 48, 25, 7, 3, 4);
const matrix = makeMatrix('test/x1', Array.from({ length: 5000 }, (_, i) => `star-${String(i).padStart(5, '0')}`), 48, blobs.data);

function recallAt10(index: AnnIndex, queries: number[]): number {
  let hit = 0;
  for (const q of queries) {
    const truth = new Set(bruteForceSearch(matrix, matrix.data.subarray(q * 48, (q + 1) * 48), 10, q).map((n) => n.row));
    for (const nb of index.searchRow(q, 10)) if (truth.has(nb.row)) hit++;
  }
  return hit / (10 * queries.length);
}

const queries = Array.from({ length: 300 }, (_, i) => (i * 16_657) % 5000);

describe('brute-force search (the recall reference)', () => {
  it('matches a plain sort of every distance, ties by row, with and without the excluded row', () => {
    // A coarse integer grid in 3-D has many equal distances, so the tie order is exercised.
    const n = 2000;
    const data = Float32Array.from({ length: n * 3 }, (_, i) => ((i * 7919) % 13) - 6);
    const m = { dim: 3, data };
    for (const [q, k, exclude] of [[5, 10, 5], [77, 25, -1], [1999, 1, 1999], [300, 400, 300]]) {
      const query = data.subarray(q * 3, q * 3 + 3);
      const plain = Array.from({ length: n }, (_, row) => ({ row, distance: Math.hypot(data[row * 3] - query[0], data[row * 3 + 1] - query[1], data[row * 3 + 2] - query[2]) }))
        .filter((nb) => nb.row !== exclude)
        .sort((a, b) => a.distance - b.distance || a.row - b.row)
        .slice(0, k);
      const got = bruteForceSearch(m, query, k, exclude);
      expect(got.map((nb) => nb.row)).toEqual(plain.map((nb) => nb.row));
      got.forEach((nb, j) => expect(nb.distance).toBeCloseTo(plain[j].distance, 12));
    }
  });
});

describe('ANN similarity search', () => {
  const hnsw = AnnIndex.build(matrix, { exactBelow: 0 });

  it('uses usearch HNSW and reaches recall@10 >= 0.95 against brute force', () => {
    expect(hnsw.kind).toBe('hnsw');
    expect(recallAt10(hnsw, queries)).toBeGreaterThanOrEqual(0.95);
  });

  it('returns true Euclidean distances, sorted, without the query star', () => {
    const got = hnsw.searchRow(123, 10);
    expect(got.map((n) => n.row)).not.toContain(123);
    for (const nb of got) {
      let s = 0;
      for (let j = 0; j < 48; j++) s += (matrix.data[nb.row * 48 + j] - matrix.data[123 * 48 + j]) ** 2;
      expect(nb.distance).toBeCloseTo(Math.sqrt(s), 5);
    }
    for (let j = 1; j < got.length; j++) expect(got[j].distance).toBeGreaterThanOrEqual(got[j - 1].distance);
  });

  it('searches exactly below the size threshold', () => {
    const exact = AnnIndex.build(matrix, { exactBelow: 10_000 });
    expect(exact.kind).toBe('exact');
    expect(recallAt10(exact, queries.slice(0, 50))).toBe(1);
  });

  it("finds a selection's centroid neighbours: the blob the selection came from", () => {
    const rows = Array.from({ length: 5000 }, (_, i) => i).filter((i) => blobs.labels[i] === 3);
    const c = centroidOf(matrix, rows);
    const got = hnsw.search(c, 20);
    const truth = bruteForceSearch(matrix, c, 20).map((n) => n.row);
    expect(got.filter((n) => truth.includes(n.row)).length).toBeGreaterThanOrEqual(19);
    expect(got.every((n) => blobs.labels[n.row] === 3)).toBe(true);
  });

  it('answers a batch of one query and of many like single searches', () => {
    const one = hnsw.searchMany(matrix.data.slice(42 * 48, 43 * 48), 10);
    expect(Array.from(one.indices)).toEqual(hnsw.search(matrix.data.slice(42 * 48, 43 * 48), 10).map((n) => n.row));
    const many = hnsw.searchMany(matrix.data.slice(0, 3 * 48), 10);
    for (let q = 0; q < 3; q++) {
      expect(Array.from(many.indices.subarray(q * 10, q * 10 + 10))).toEqual(hnsw.search(matrix.data.slice(q * 48, (q + 1) * 48), 10).map((n) => n.row));
    }
  });

  it('computes the kNN graph of a block of rows', () => {
    const g = hnsw.neighboursOfRows(100, 110, 5);
    for (let q = 0; q < 10; q++) {
      const truth = bruteForceSearch(matrix, matrix.data.subarray((100 + q) * 48, (101 + q) * 48), 5, 100 + q).map((n) => n.row);
      const got = Array.from(g.indices.subarray(q * 5, q * 5 + 5));
      expect(got.filter((r) => truth.includes(r)).length).toBeGreaterThanOrEqual(4);
    }
  });

  it('persists in the project keyed by name and content hash, and reloads the same answers', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-ann-'));
    try {
      const built = AnnIndex.loadOrBuild(dir, matrix, { exactBelow: 0 });
      const files = fs.readdirSync(path.join(dir, 'map')).sort();
      // The index and the note of the beam its calibration chose.
      expect(files).toEqual([`ann-test_x1-${matrixHash(matrix)}-M16.usearch`, `ann-test_x1-${matrixHash(matrix)}-M16.usearch.json`]);
      const note = JSON.parse(fs.readFileSync(path.join(dir, 'map', files[1]), 'utf8')) as { expansionSearch: number; targetRecall: number };
      expect(note.targetRecall).toBe(0.95);
      expect(note.expansionSearch).toBe(built.expansionSearch);
      const stat = fs.statSync(path.join(dir, 'map', files[0]));
      const again = AnnIndex.loadOrBuild(dir, matrix, { exactBelow: 0 });
      expect(fs.statSync(path.join(dir, 'map', files[0])).mtimeMs).toBe(stat.mtimeMs);
      expect(again.expansionSearch).toBe(note.expansionSearch);
      for (const q of [0, 777, 4999]) expect(again.searchRow(q, 10)).toEqual(built.searchRow(q, 10));
      // Other vectors under the same name: a different hash, hence a new cache file (and note).
      const changed = makeMatrix('test/x1', matrix.starIds, 48, matrix.data.map((v) => v + 1));
      AnnIndex.loadOrBuild(dir, changed, { exactBelow: 0 });
      expect(fs.readdirSync(path.join(dir, 'map')).filter((f) => f.endsWith('.usearch')).length).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('searches with a wider beam for higher recall, and calibrates the beam to a recall goal', () => {
    const index = AnnIndex.build(matrix, { exactBelow: 0, connectivity: 4, expansionAdd: 16 });
    index.setExpansionSearch(10);
    const narrow = recallAt10(index, queries);
    index.setExpansionSearch(200);
    const wide = recallAt10(index, queries);
    // A sparse graph (M 4) with a beam of 10 misses neighbours that a beam of 200 finds.
    expect(narrow).toBeLessThan(0.9);
    expect(wide).toBeGreaterThan(narrow + 0.05);
    const calibration = index.calibrateExpansion(0.95);
    expect(index.expansionSearch).toBe(calibration.expansionSearch);
    expect(calibration.requiredRecall).toBeCloseTo(0.96, 10);
    expect(calibration.tried.at(-1)?.recall).toBeGreaterThanOrEqual(0.96);
    // Every smaller beam it tried fell short of the goal plus its margin.
    for (const t of calibration.tried.slice(0, -1)) expect(t.recall).toBeLessThan(0.96);
    // The goal holds on queries outside its sample (brute force decides), within sampling noise.
    expect(recallAt10(index, queries)).toBeGreaterThanOrEqual(0.93);
    expect(() => index.setExpansionSearch(0)).toThrow(/positive integer/);
  });

  it('refuses a query of the wrong dimension', () => {
    expect(() => hnsw.search(new Float32Array(3), 5)).toThrow(/3 values, the embedding 48/);
  });
});
