/**
 * The map services on a small project with a synthetic embedding (two well-separated Gaussian
 * clusters): similarity search against a brute-force scan, classification accuracy and derived
 * columns, export read back by astropy, layout job, and clear errors. The logistic regression
 * itself is checked against scipy's L-BFGS on the same penalised objective.
 */
import type { MapClassifyResult } from '../../../src/shared/contract';
import { jobResult } from '../../helpers/jobs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError } from '../../../src/shared/contract';
import { createServices, type DesaServices } from '../../../src/main/services/index';
import { crossValidate, fitLogistic, predictProbabilities, stratifiedFolds } from '../../../src/main/services/map-classifier';
import { ProjectStore } from '../../../src/main/store/index';
import { thinForPlot } from '../../../src/main/services/star-detail';
import { gaussian, mulberry32 } from '../../../src/main/map/random';
import { runPython } from '../../helpers/python';

const DIM = 6;
const PER_CLUSTER = 40;
let work: string;
let services: DesaServices;
let ids: string[];
let data: Float32Array;

/** Two clusters 6σ apart along every axis; star ids sort in row order. */
function makeVectors(): { ids: string[]; data: Float32Array } {
  const normal = gaussian(mulberry32(7));
  const n = 2 * PER_CLUSTER;
  const out = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) for (let j = 0; j < DIM; j++) out[i * DIM + j] = (i < PER_CLUSTER ? 0 : 6) + normal();
  return { ids: Array.from({ length: n }, (_, i) => `S${String(i).padStart(3, '0')}`), data: out };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'desa-map-service-'));
  ({ ids, data } = makeVectors());
  const store = await ProjectStore.create(join(work, 'project'));
  await store.putEmbeddings('f', ids.map((starId, i) => ({ starId, vector: data.slice(i * DIM, (i + 1) * DIM) })));
  // Stars with KIC ids, and a catalogue of an integer, a real and a text column matched to them by KIC.
  await store.database.run(`INSERT INTO stars SELECT 'S' || lpad(range::VARCHAR, 3, '0'), 1000 + range, NULL, NULL, 10.0, 20.0, 1, 1 FROM range(${ids.length})`);
  const csv = join(work, 'labels.csv');
  writeFileSync(csv, ['kic,teff,logg,spectral_class', ...ids.map((_, i) => `${1000 + i},${4000 + 10 * i},${(4 + i / 100).toFixed(2)},${i % 2 ? 'K' : 'G'}`)].join('\n') + '\n');
  await store.importCatalog(csv, { key: 'kic', name: 'labels.csv' });
  await store.close();
  services = await createServices({ backend: 'cli', projectDir: join(work, 'project') });
});

afterAll(async () => {
  await services?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function distance(a: number, b: number): number {
  let s = 0;
  for (let j = 0; j < DIM; j++) s += (data[a * DIM + j] - data[b * DIM + j]) ** 2;
  return Math.sqrt(s);
}

describe('map services', () => {
  it('lists the embedding and its availability column', async () => {
    const r = await services.call('map.columns', {});
    expect(r.embeddings).toEqual([{ name: 'f', stars: ids.length, dim: DIM }]);
    expect(r.columns.map((c) => c.id)).toContain('embedding:f');
    const has = await services.call('map.column', { embedding: 'f', column: 'embedding:f' });
    expect(has.kind === 'categorical' && has.categories).toEqual(['yes']);
  });

  it('colours by catalogue columns: integer and real columns are numeric, text columns categorical', async () => {
    const { columns } = await services.call('map.columns', {});
    const kinds = Object.fromEntries(columns.filter((c) => c.group === 'catalog').map((c) => [c.id.split(':').pop(), c.kind]));
    expect(kinds).toEqual({ kic: 'numeric', teff: 'numeric', logg: 'numeric', spectral_class: 'categorical' });
    const id = (name: string) => columns.find((c) => c.group === 'catalog' && c.id.endsWith(`:${name}`))!.id;
    const teff = await services.call('map.column', { embedding: 'f', column: id('teff') });
    expect(teff.kind === 'numeric' && Array.from(teff.values)).toEqual(ids.map((_, i) => 4000 + 10 * i));
    const cls = await services.call('map.column', { embedding: 'f', column: id('spectral_class') });
    expect(cls.kind === 'categorical' && [cls.categories, Array.from(cls.codes.slice(0, 4))]).toEqual([['G', 'K'], [0, 1, 0, 1]]);
  });

  it('finds the brute-force nearest stars of a star and of a selection centroid', async () => {
    const star = 5;
    const expected = ids.map((_, i) => i).filter((i) => i !== star).sort((a, b) => distance(star, a) - distance(star, b)).slice(0, 7);
    const r = await services.call('map.similar', { embedding: 'f', starId: ids[star], k: 7 });
    expect(r.neighbours.map((nb) => nb.row)).toEqual(expected);
    r.neighbours.forEach((nb, i) => expect(nb.distance).toBeCloseTo(distance(star, expected[i]), 5));

    const rows = [50, 51, 52];
    const centroid = Array.from({ length: DIM }, (_, j) => rows.reduce((s, r) => s + data[r * DIM + j], 0) / rows.length);
    const d = (i: number): number => Math.hypot(...centroid.map((c, j) => data[i * DIM + j] - c));
    const fromCentroid = ids.map((_, i) => i).filter((i) => !rows.includes(i)).sort((a, b) => d(a) - d(b)).slice(0, 5);
    const c = await services.call('map.similar', { embedding: 'f', rows, k: 5 });
    expect(c.neighbours.map((nb) => nb.row)).toEqual(fromCentroid);
  });

  it('classifies two labelled selections and stores the probabilities as columns', async () => {
    const a = Array.from({ length: 20 }, (_, i) => i);
    const b = Array.from({ length: 20 }, (_, i) => PER_CLUSTER + i);
    const r = await jobResult<MapClassifyResult>(services, services.call('map.classify', { embedding: 'f', name: 'clusters', classes: [{ label: 'near', rows: a }, { label: 'far', rows: b }], folds: 4 }));
    // The clusters are 6σ apart in 6 dimensions: any sane linear classifier separates them.
    expect(r.accuracy).toBe(1);
    expect(r.foldAccuracies).toHaveLength(4);
    expect(r.confusion).toEqual([[20, 0], [0, 20]]);
    expect(r.columns).toEqual(['derived:clusters', 'derived:clusters:p_near', 'derived:clusters:p_far']);
    const p = await services.call('map.column', { embedding: 'f', column: 'derived:clusters:p_far' });
    if (p.kind !== 'numeric') throw new Error('expected a numeric column');
    // Unlabelled stars of each cluster are classified with their cluster.
    expect(p.values.slice(20, PER_CLUSTER).every((v) => v !== null && v < 0.5)).toBe(true);
    expect(p.values.slice(PER_CLUSTER + 20).every((v) => v !== null && v > 0.5)).toBe(true);
    const cols = await services.call('map.columns', {});
    expect(cols.columns.filter((c) => c.group === 'derived').map((c) => c.id)).toEqual(expect.arrayContaining(r.columns));
  });

  it('exports chosen rows in row order with the derived column (astropy reads it back)', async () => {
    const file = join(work, 'sel.ecsv');
    const r = await services.call('export.selection', { embedding: 'f', path: file, rows: [62, 3, 17], columns: ['derived:clusters'] });
    expect(r.rows).toBe(3);
    const out = JSON.parse(await runPython(
      `import sys, json
from astropy.table import Table
t = Table.read(sys.argv[1], format='ascii.ecsv')
print(json.dumps({'ids': list(t['star_id']), 'kic': [int(k) for k in t['kic']], 'cls': list(t[t.colnames[-1]]), 'dtype': str(t['kic'].dtype)}))`, [file])) as { ids: string[]; kic: number[]; cls: string[]; dtype: string };
    expect(out.ids).toEqual([ids[3], ids[17], ids[62]]);
    expect(out.kic).toEqual([3, 17, 62].map((row) => 1000 + row));
    expect(out.dtype).toBe('int64');
    expect(out.cls).toEqual(['near', 'near', 'far']);
  });

  it('computes a layout as a job with one point per star', async () => {
    const { jobId } = await services.call('map.layout', { embedding: 'f', nEpochs: 50 });
    const done = await new Promise<{ state: string; result: unknown }>((resolve) => {
      const off = services.on('job.done', (e) => { if (e.jobId === jobId) { off(); resolve(e); } });
    });
    expect(done.state).toBe('done');
    const layout = done.result as { starIds: string[]; x: number[]; y: number[] };
    expect(layout.starIds).toEqual(ids);
    expect(layout.x).toHaveLength(ids.length);
    expect(layout.y.every(Number.isFinite)).toBe(true);
  });

  it('answers bad requests with errors naming the problem', async () => {
    await expect(services.call('map.similar', { embedding: 'nope', starId: ids[0] })).rejects.toThrow(/no embedding named 'nope' \(the project has f\)/);
    await expect(services.call('map.similar', { embedding: 'f', rows: [0, 999] })).rejects.toThrow(/rows must be integers in 0\.\.79/);
    await expect(services.call('map.classify', { embedding: 'f', name: 'x', classes: [{ label: 'a', rows: [0] }, { label: 'b', rows: [50, 51] }] })).rejects.toThrow(/class 'a' has 1 star/);
    await expect(services.call('export.selection', { embedding: 'f', path: join(work, 'x.txt') })).rejects.toBeInstanceOf(ContractError);
    await expect(services.call('map.layout', { embedding: 'f', method: 'tsne' as never })).rejects.toThrow(/'method' must be 'auto', 'umap-js' or 'fast', got "tsne"/);
    await expect(services.call('map.column', { embedding: 'f', column: 'star:colour' })).rejects.toThrow(/no star column 'star:colour'/);
  });
});

describe('logistic regression', () => {
  it('matches scipy L-BFGS on the same L2-penalised multinomial objective', async () => {
    const normal = gaussian(mulberry32(3));
    const n = 90;
    const dim = 3;
    const X = new Float32Array(n * dim);
    const y = Array.from({ length: n }, (_, i) => i % 3);
    // Overlapping classes, so the optimum is finite and the penalty matters.
    for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) X[i * dim + j] = normal() + (j === y[i] ? 1.2 : 0) + 3 * j;
    const rows = Array.from({ length: n }, (_, i) => i);
    const l2 = 0.05;
    const model = fitLogistic(X, dim, rows, y, 3, { l2, tolerance: 1e-10, maxIterations: 20000 });
    const probs = Array.from(predictProbabilities(model, X, rows));
    const reference = JSON.parse(await runPython(
      `import sys, json
import numpy as np
from scipy.optimize import minimize
d = json.loads(sys.argv[1])
X = np.array(d['X'], dtype=np.float64).reshape(-1, d['dim']); y = np.array(d['y']); l2 = d['l2']; K = 3
Z = (X - X.mean(0)) / X.std(0); Z = np.hstack([Z, np.ones((len(Z), 1))]); p = Z.shape[1]
Y = np.eye(K)[y]
def f(w):
    W = w.reshape(K, p); s = Z @ W.T; s -= s.max(1, keepdims=True); P = np.exp(s); P /= P.sum(1, keepdims=True)
    loss = -np.mean(np.log((P * Y).sum(1))) + 0.5 * l2 * (W[:, :-1] ** 2).sum()
    G = (P - Y).T @ Z / len(Z); G[:, :-1] += l2 * W[:, :-1]
    return loss, G.ravel()
r = minimize(f, np.zeros(K * p), jac=True, method='L-BFGS-B', options={'gtol': 1e-12, 'ftol': 1e-15, 'maxiter': 10000})
W = r.x.reshape(K, p); s = Z @ W.T; s -= s.max(1, keepdims=True); P = np.exp(s); P /= P.sum(1, keepdims=True)
print(json.dumps(P.ravel().tolist()))`, [JSON.stringify({ X: Array.from(X), y, dim, l2 })])) as number[];
    expect(probs).toHaveLength(reference.length);
    probs.forEach((v, i) => expect(v).toBeCloseTo(reference[i], 5));
  });

  it('stratified folds split every class evenly, and CV accuracy counts every labelled star once', () => {
    const labels = [...Array(10).fill(0), ...Array(7).fill(1)];
    const folds = stratifiedFolds(labels, 3);
    for (const c of [0, 1]) {
      const sizes = [0, 1, 2].map((f) => labels.filter((l, i) => l === c && folds[i] === f).length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    const X = Float32Array.from(labels.flatMap((l, i) => [l * 5 + (i % 3) * 0.1, 1]));
    const cv = crossValidate(X, 2, labels.map((_, i) => i), labels, 2, 3);
    expect(cv.confusion.flat().reduce((a, b) => a + b, 0)).toBe(labels.length);
    expect(cv.accuracy).toBe(1);
  });
});

describe('plot thinning', () => {
  it('keeps every spike of a long series while cutting it to the point budget', () => {
    const n = 100_000;
    const series = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 500));
    const spikes = [1234, 56_789, 99_001];
    for (const i of spikes) series[i] = i === 56_789 ? -50 : 50;
    const kept = thinForPlot(series, 2000);
    expect(kept.length).toBeLessThanOrEqual(2000);
    expect(Array.from(kept)).toEqual(expect.arrayContaining(spikes));
    expect(Array.from(kept)).toEqual([...kept].sort((a, b) => a - b));
    expect(thinForPlot(series.subarray(0, 10), 2000)).toEqual(Uint32Array.from({ length: 10 }, (_, i) => i));
  });
});
