/**
 * Every FITS file under shared/data/real, read by our reader and by astropy: every HDU,
 * header card, image pixel and table column must agree (NaN in the same places).
 * astropy runs once for all files (fits_astropy_dump.py), not once per file.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFits } from '../../src/main/fits/index.js';
import { compareWithAstropy, dumpWithAstropy, type AstropyDump } from '../helpers/fits-compare.js';
import { realDataPath } from '../helpers/paths.js';
import { requireAstropy } from '../helpers/python.js';

const realFiles = readdirSync(realDataPath(), { recursive: true, encoding: 'utf8' })
  .filter((name) => /\.fits(\.gz)?$/i.test(name))
  .sort()
  .map((name) => realDataPath(name));

describe('FITS reader vs astropy on every real file', () => {
  let outDir: string;
  let load: (k: number) => Promise<AstropyDump>;

  beforeAll(async () => {
    requireAstropy();
    outDir = mkdtempSync(path.join(tmpdir(), 'fits-real-'));
    load = await dumpWithAstropy(realFiles, outDir);
  }, 300_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('finds the real data set (kepler, lamost, other)', () => {
    expect(realFiles.length).toBeGreaterThanOrEqual(180);
    expect(realFiles.some((f) => f.endsWith('.fits.gz'))).toBe(true);
  });

  it.each(realFiles.map((file, k) => [path.relative(realDataPath(), file), k] as const))('%s', async (_name, k) => {
    const file = await openFits(realFiles[k]);
    try {
      expect(await compareWithAstropy(file, await load(k))).toEqual([]);
    } finally {
      await file.close();
    }
  });
});
