import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSurvey } from '../../../src/main/synth/index';
import { readCatalog, getColumn, numericValues } from '../../../src/main/catalog/index';
import { CancelledError, type JobProgress } from '../../../src/shared/jobs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-synth-gen-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function hashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

describe('generateSurvey', () => {
  it('writes byte-identical files (gzip included) for the same seed, with or without workers, different ones for another seed', async () => {
    const events: JobProgress[] = [];
    const a = await generateSurvey({ stars: 6, seed: 99, outDir: path.join(tmp, 'a'), quarters: 1, onProgress: (p) => events.push(p) });
    // Two worker threads must give the same bytes as the single-threaded run.
    await generateSurvey({ stars: 6, seed: 99, outDir: path.join(tmp, 'b'), quarters: 1, workers: 2 });
    await generateSurvey({ stars: 6, seed: 100, outDir: path.join(tmp, 'c'), quarters: 1 });
    const ha = hashes(path.join(tmp, 'a'));
    const hb = hashes(path.join(tmp, 'b'));
    expect([...ha.keys()].sort()).toEqual([...hb.keys()].sort());
    for (const [name, h] of ha) expect(hb.get(name), name).toBe(h);
    expect([...ha.keys()].some((n) => n.endsWith('.fits.gz'))).toBe(true);
    const hc = hashes(path.join(tmp, 'c'));
    expect(hc.get('truth.csv')).not.toBe(ha.get('truth.csv'));

    expect(a.stars).toBe(6);
    expect(a.lightCurveFiles).toBe(6);
    expect(fs.readdirSync(path.join(tmp, 'a', 'Kepler')).length).toBe(6);
    expect(fs.readdirSync(path.join(tmp, 'a', 'LAMOST')).length).toBe(a.spectra);
    const last = events[events.length - 1];
    expect(last.kind).toBe('synth');
    expect(last.unit).toBe('stars');
    expect(last.done).toBe(6);
    expect(last.total).toBe(6);
  });

  it('writes catalogs our catalog reader understands, consistent with the truth table', async () => {
    const dir = path.join(tmp, 'a');
    const truth = await readCatalog(path.join(dir, 'truth.csv'));
    const berger = await readCatalog(path.join(dir, 'catalogs', 'kepler_stellar_properties.fits'));
    const xmatch = await readCatalog(path.join(dir, 'catalogs', 'lamost_kepler_xmatch.csv'));
    const lasp = await readCatalog(path.join(dir, 'catalogs', 'lamost_lrs_stellar.csv'));
    expect(truth.nrows).toBe(6);
    expect(berger.nrows).toBe(6);
    expect(Array.from(numericValues(getColumn(berger, 'KIC')))).toEqual(Array.from(numericValues(getColumn(truth, 'kic'))));
    const nSpectra = Array.from(numericValues(getColumn(truth, 'n_spectra'))).reduce((s, x) => s + x, 0);
    expect(xmatch.nrows).toBe(nSpectra);
    expect(lasp.nrows).toBe(nSpectra);
    // LASP temperatures scatter around the truth by their quoted errors (for nearly single stars).
    const byKic = new Map<number, { teff: number; lf2: number }>();
    const kics = numericValues(getColumn(truth, 'kic'));
    const teff1 = numericValues(getColumn(truth, 'teff_1'));
    const lf2 = numericValues(getColumn(truth, 'light_fraction_2'));
    kics.forEach((k, i) => byKic.set(k, { teff: teff1[i], lf2: lf2[i] }));
    const kicOfFile = new Map<string, number>();
    const xFiles = getColumn(xmatch, 'filename').values as (string | null)[];
    const xKics = numericValues(getColumn(xmatch, 'kic'));
    xFiles.forEach((f, i) => kicOfFile.set(f!.replace(/\.gz$/, ''), xKics[i]));
    const files = getColumn(lasp, 'filename').values as (string | null)[];
    const teff = numericValues(getColumn(lasp, 'teff'));
    const teffErr = numericValues(getColumn(lasp, 'teff_err'));
    let compared = 0;
    files.forEach((f, i) => {
      const t = byKic.get(kicOfFile.get(f!)!)!;
      if (t.lf2 > 0.01) return;
      expect(Math.abs(teff[i] - t.teff) / teffErr[i]).toBeLessThan(5);
      compared++;
    });
    expect(compared).toBeGreaterThan(0);
  });

  it('stops with CancelledError when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(generateSurvey({ stars: 3, seed: 1, outDir: path.join(tmp, 'd'), quarters: 1, signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('rejects bad options with a clear message', async () => {
    await expect(generateSurvey({ stars: 0, seed: 1, outDir: path.join(tmp, 'e') })).rejects.toThrow(/stars must be a positive integer/);
    await expect(generateSurvey({ stars: 2, seed: 1, outDir: path.join(tmp, 'e'), quarters: 18 })).rejects.toThrow(/quarters must be an integer from 1 to 17/);
  });
});
