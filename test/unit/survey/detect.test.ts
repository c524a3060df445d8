import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFitsFile } from '../../../src/main/fits/index.js';
import { kicFromTargetComment, readSurveyFile, SurveyError } from '../../../src/main/survey/index.js';
import { repoRoot } from '../../helpers/paths.js';

const real = path.resolve(repoRoot(), '../shared/data/real');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'survey-detect-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves with the SurveyError readSurveyFile throws (fails the test if it does not throw one). */
async function surveyError(file: string): Promise<SurveyError> {
  const err = await readSurveyFile(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SurveyError);
  const e = err as SurveyError;
  expect(e.file).toBe(file);
  expect(e.message.startsWith(file)).toBe(true);
  return e;
}

describe('readSurveyFile refuses what it does not know, naming the file', () => {
  it('a FITS image from another telescope: wrong survey', async () => {
    const file = path.join(dir, 'hst.fits');
    await writeFitsFile(file, [
      { kind: 'image', shape: [4, 8], data: new Float32Array(32), cards: [{ keyword: 'TELESCOP', value: 'HST' }] },
    ]);
    const e = await surveyError(file);
    expect(e.problem).toMatch(/TELESCOP='HST'.*wrong survey/);
  });

  it('a FITS file with no TELESCOP at all: wrong survey', async () => {
    const file = path.join(dir, 'bare.fits');
    await writeFitsFile(file, [{ kind: 'image', shape: [3], data: new Float32Array(3) }]);
    expect((await surveyError(file)).problem).toMatch(/no TELESCOP card.*wrong survey/);
  });

  it('a LAMOST file that is neither a 5xN image nor a COADD table', async () => {
    const file = path.join(dir, 'lamost-3rows.fits');
    await writeFitsFile(file, [
      { kind: 'image', shape: [3, 10], data: new Float32Array(30), cards: [{ keyword: 'TELESCOP', value: 'LAMOST' }] },
    ]);
    expect((await surveyError(file)).problem).toMatch(/unknown LAMOST product/);
  });

  it('a Kepler file without a LIGHTCURVE table (e.g. a target pixel file)', async () => {
    const file = path.join(dir, 'kepler-tpf.fits');
    await writeFitsFile(file, [
      { kind: 'image', shape: [], data: null, bitpix: 8, cards: [{ keyword: 'TELESCOP', value: 'Kepler' }] },
      { kind: 'bintable', name: 'TARGETTABLES', nrows: 2, columns: [{ name: 'TIME', format: 'D', values: new Float64Array(2) }] },
    ]);
    expect((await surveyError(file)).problem).toMatch(/without a LIGHTCURVE table/);
  });

  it('a file that is not FITS, and a file that does not exist', async () => {
    const text = path.join(dir, 'notes.fits');
    writeFileSync(text, 'this is not a FITS file\n'.repeat(200));
    expect((await surveyError(text)).problem).toMatch(/not a readable FITS file/);
    expect((await surveyError(path.join(dir, 'missing.fits'))).problem).toMatch(/not found/);
  });

  it('a label catalogue in FITS form (Kirk 2016) is no survey product', async () => {
    const file = path.join(real, 'other', 'Kirk_2016_KEBC_2876_rows.fits');
    expect((await surveyError(file)).problem).toMatch(/wrong survey/);
  });
});

describe('detection uses headers, not file names', () => {
  it('a Kepler light curve renamed like a LAMOST spectrum is still a light curve', async () => {
    const file = path.join(dir, 'spec-55862-B6212_sp06-003.fits');
    copyFileSync(path.join(real, 'kepler', 'kplr011442793-2010009091648_llc.fits'), file);
    const r = await readSurveyFile(file);
    expect(r.kind).toBe('lightcurve');
    expect(r.kind === 'lightcurve' && r.targetId).toBe(11442793);
  });

  it('a LAMOST MRS file renamed like an LRS file is still recognised as MRS', async () => {
    const file = path.join(dir, 'spec-58408-TD230151N343645T01_sp01-015.fits');
    copyFileSync(path.join(real, 'lamost', 'med-58408-TD230151N343645T01_sp01-015.fits'), file);
    const r = await readSurveyFile(file);
    expect(r).toMatchObject({ kind: 'other', product: 'LAMOST-MRS', sourcePath: file });
  });
});

describe('LAMOST image rows without EXTEN0', () => {
  async function spectrumFrom(name: string, row2: (i: number) => number) {
    const n = 100;
    const data = new Float32Array(5 * n);
    for (let i = 0; i < n; i++) {
      data[i] = 1 + i; // flux
      data[n + i] = 4; // ivar
      data[2 * n + i] = row2(i);
    }
    const file = path.join(dir, name);
    await writeFitsFile(file, [
      {
        kind: 'image',
        shape: [5, n],
        data,
        cards: [
          { keyword: 'TELESCOP', value: 'LAMOST' },
          { keyword: 'RA', value: 10 },
          { keyword: 'DEC', value: 20 },
          { keyword: 'COEFF0', value: 3.5682 },
          { keyword: 'COEFF1', value: 0.0001 },
        ],
      },
    ]);
    return readSurveyFile(file);
  }

  it('take row 2 as wavelength when it is an increasing Angstrom grid', async () => {
    const s = await spectrumFrom('grid.fits', (i) => 4000 + i);
    expect(s.kind === 'spectrum' && s.wavelength[5]).toBe(4005);
  });

  it('compute the COEFF grid when row 2 is a normalised flux (DR1-like)', async () => {
    const s = await spectrumFrom('subcont.fits', () => 1);
    // 10^(3.5682 + 1e-4 i), the LAMOST log-linear grid.
    expect(s.kind === 'spectrum' && s.wavelength[0]).toBeCloseTo(10 ** 3.5682, 9);
    expect(s.kind === 'spectrum' && s.wavelength[99]).toBeCloseTo(10 ** (3.5682 + 0.0099), 9);
  });
});

describe('kicFromTargetComment', () => {
  it("parses 'kplrNNNNNNNNN' (DR6 Kepler-field targets)", () => {
    expect(kicFromTargetComment('kplr008098300')).toBe(8098300);
  });
  it('does not read a Gaia source_id (DR10 Kepler plates) or a plate note as a KIC', () => {
    expect(kicFromTargetComment('2077138880290477696')).toBeNull();
    expect(kicFromTargetComment('16794872294917456')).toBeNull();
    expect(kicFromTargetComment('XY0406+4655_V3')).toBeNull();
    expect(kicFromTargetComment(null)).toBeNull();
  });
});
