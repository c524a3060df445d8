/**
 * `preprocessFile` / `preprocessFiles` (behind `desa preprocess FILE --json`) on real files:
 * the JSON result, and clear errors for files DESA does not preprocess.
 */
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { sharedRoot } from '../../helpers/fixtures.js';
import { preprocessFile, preprocessFiles, toJsonable } from '../../../src/main/preprocess/index.js';

const real = (...p: string[]) => path.join(sharedRoot, 'data', 'real', ...p);

describe('preprocessFile', () => {
  it('a DR10 spectrum with the paper default: Z rest frame, paper clipping, JSON round trip', async () => {
    const res = await preprocessFile(real('lamost', 'spec-59730-KP190651N485531V08_sp03-182.fits.gz'));
    expect(res.kind).toBe('spectrum');
    expect(res.options).toMatchObject({ rvCorrection: 'restframe_z', clipping: 'paper', outputLength: 4096 });
    expect(res.notes[0]).toMatch(/LASP redshift Z \(v = -61\.5\d km\/s\)/);
    const back = JSON.parse(JSON.stringify(res));
    expect(back.modelInputs[0]).toHaveLength(4096);
    expect(back.intermediates.blue.grid).toHaveLength(1790);
    expect(back.intermediates.red.continuum).toHaveLength(1810);
  });

  it('one Kepler quarter: a single (4, L) view, padded because a quarter is shorter than L', async () => {
    const res = await preprocessFile(real('kepler', 'kplr002556081-2009350155506_llc.fits'), { lightCurve: { length: 34560 } });
    expect(res.kind).toBe('lightcurve');
    expect(res.object.targetId).toBe(2556081);
    expect(res.modelInputs).toHaveLength(1);
    expect(res.modelInputs[0]).toHaveLength(4 * 34560);
    expect(res.notes.join(' ')).toMatch(/shorter than L = 34560/);
  });

  it("with a magnitude and a distance, channel A is the paper's flux·2^k", async () => {
    const res = await preprocessFile(real('kepler', 'kplr002556081-2009350155506_llc.fits'), { lightCurve: { length: 4096, magnitude: 13.358, distancePc: 500 }, modelInputOnly: true });
    expect(res.options).toMatchObject({ channelA: 'absmag' });
    expect(res.intermediates).toBeNull();
  });

  it('refuses other products and mixed stars, naming the file', async () => {
    const mrs = real('lamost', 'med-58268-HIP95119KP01_sp12-076.fits.gz');
    await expect(preprocessFile(mrs)).rejects.toThrow(new RegExp(`${path.basename(mrs).replace(/\./g, '\\.')}.*does not preprocess`));
    await expect(preprocessFile(real('kepler', 'no-such-file.fits'))).rejects.toThrow(/no-such-file\.fits: file not found/);
    await expect(preprocessFiles([
      real('kepler', 'kplr002556081-2009350155506_llc.fits'),
      real('kepler', 'kplr007660594-2009350155506_llc.fits'),
    ])).rejects.toThrow(/kplr007660594-2009350155506_llc\.fits is Kepler 7660594, not Kepler 2556081/);
  });
});

describe('toJsonable', () => {
  it('typed arrays become arrays, NaN/Infinity null, bigint strings, undefined dropped', () => {
    expect(toJsonable({ a: Float32Array.from([1, NaN]), b: Infinity, c: 5n, d: undefined, e: [new BigInt64Array([2n])] }))
      .toEqual({ a: [1, null], b: null, c: '5', e: [['2']] });
  });
});
