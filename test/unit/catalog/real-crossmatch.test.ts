/**
 * Cross-matching the real spectra and light curves with the real catalogues. Expected outcomes
 * are the cross-identifications recorded in shared/data/real/SOURCES.md.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Spectrum } from '../../../src/shared/survey.js';
import { getColumn, matchIdsToTable, matchPositionsToTable, readCatalog } from '../../../src/main/catalog/index.js';
import { readSurveyFile } from '../../../src/main/survey/index.js';
import { repoRoot } from '../../helpers/paths.js';

const real = path.resolve(repoRoot(), '../shared/data/real');
const other = (f: string) => path.join(real, 'other', f);

async function readSpectra(filter: (f: string) => boolean): Promise<Spectrum[]> {
  const files = readdirSync(path.join(real, 'lamost')).filter(filter);
  return Promise.all(files.map(async (f) => (await readSurveyFile(path.join(real, 'lamost', f))) as Spectrum));
}

describe('real cross-identifications from SOURCES.md', () => {
  it('all 72 DR10 spectra find their row in AFG_merged_params.csv by obsid, and by position within 3"', async () => {
    const spectra = (await readSpectra((f) => f.endsWith('.fits.gz') && f.startsWith('spec-'))).filter((s) => s.dataRelease === 'DR10');
    expect(spectra.length).toBe(72);
    const labels = await readCatalog(other('AFG_merged_params.csv'));
    const byId = matchIdsToTable(spectra.map((s) => s.obsid), labels, 'obsid');
    expect(byId.matched).toBe(72);
    const bySky = matchPositionsToTable({ ra: spectra.map((s) => s.ra), dec: spectra.map((s) => s.dec) }, labels);
    expect(bySky.matched).toBe(72);
    expect(Array.from(bySky.index)).toEqual(Array.from(byId.index));
  });

  it('32 of the 40 DR1 spectra have a row in my_data3.csv (joined on file name)', async () => {
    const spectra = await readSpectra((f) => f.startsWith('spec-55862-B6212'));
    expect(spectra.length).toBe(40);
    const labels = await readCatalog(other('my_data3.csv'), { nullValues: [-9999] });
    const m = matchIdsToTable(spectra.map((s) => path.basename(s.sourcePath)), labels, 'filename');
    expect(m.matched).toBe(32);
  });

  it("the DR6 Kepler-field spectrum (TCOMMENT kplr008098300) is Kirk's EB 08098300, by KIC and by position", async () => {
    const [dr6] = await readSpectra((f) => f.startsWith('spec-57287-KP193637N444141V03'));
    const kirk = await readCatalog(other('Kirk_2016_KEBC_2876_rows.fits'));
    const byId = matchIdsToTable([dr6.kic], kirk, 'KIC');
    expect(byId.index[0]).toBeGreaterThanOrEqual(0);
    expect(getColumn(kirk, 'KIC').values[byId.index[0]]).toBe('08098300');
    const bySky = matchPositionsToTable({ ra: [dr6.ra], dec: [dr6.dec] }, kirk);
    expect(bySky.index[0]).toBe(byId.index[0]);
    // Kirk gives 292.0585, 43.9252 (4 decimals); the spectrum 292.05872, 43.925228: about 0.58".
    expect(bySky.separationArcsec[0]).toBeGreaterThan(0.4);
    expect(bySky.separationArcsec[0]).toBeLessThan(0.8);
  });

  it('Kepler-90 (KIC 11442793) is in Kirk 2016; none of the eight light-curve stars is in McQuillan 2014', async () => {
    const kics = [2556081, 5899262, 7660594, 8417738, 9002278, 10424789, 10874614, 11442793];
    const kirk = matchIdsToTable(kics, await readCatalog(other('Kirk_2016_KEBC_2876_rows.fits')), 'KIC');
    expect(Array.from(kirk.index).map((i, k) => (i >= 0 ? kics[k] : null)).filter((k) => k !== null)).toEqual([11442793]);
    const mcq = matchIdsToTable(kics, await readCatalog(other('apjs492452t1_mrt.txt')), 'KIC');
    expect(mcq.matched).toBe(0);
  });
});
