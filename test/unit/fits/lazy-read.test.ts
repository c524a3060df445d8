/**
 * openFits reads headers only; readColumn/readImage read just the bytes they need, and what
 * a partial read returns equals the same values decoded from the complete file bytes.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFits, writeFitsFile, type TableHdu } from '../../../src/main/fits/index.js';
import { realDataPath } from '../../helpers/paths.js';

const KEPLER = realDataPath('kepler', 'kplr011442793-2009350155506_llc.fits');
const dir = mkdtempSync(path.join(tmpdir(), 'fits-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lazy FITS reading', () => {
  it('opening reads only the header blocks', async () => {
    const fits = await openFits(KEPLER);
    try {
      // Header bytes: from the end of the previous data unit (padded) to this data unit.
      let headerBytes = 0;
      let start = 0;
      for (const hdu of fits.hdus) {
        headerBytes += hdu.dataOffset - start;
        start = hdu.dataOffset + Math.ceil(hdu.dataSize / 2880) * 2880;
      }
      expect(headerBytes % 2880).toBe(0);
      expect(headerBytes).toBeLessThan(statSync(KEPLER).size / 10);
      // Plus the few bytes that check the SIMPLE / XTENSION signatures; nothing of the data units.
      expect(fits.bytesRead).toBeGreaterThanOrEqual(headerBytes);
      expect(fits.bytesRead).toBeLessThan(headerBytes + 80);
    } finally {
      await fits.close();
    }
  });

  it('one Kepler column equals the big-endian floats at its offset in the full file', async () => {
    // SOURCES.md layout: TIME (D, 8 bytes), TIMECORR (E), CADENCENO (J), SAP_FLUX (E) at byte 16 of a 100-byte row.
    const whole = readFileSync(KEPLER);
    const fits = await openFits(KEPLER);
    try {
      const table = fits.hdus[1] as TableHdu;
      const before = fits.bytesRead;
      const flux = await table.readColumn('SAP_FLUX');
      const read = fits.bytesRead - before;
      expect(read).toBe((table.nrows - 1) * 100 + 4); // first to last cell, nothing before or after
      expect(read).toBeLessThan(statSync(KEPLER).size);
      const view = new DataView(whole.buffer, whole.byteOffset, whole.byteLength);
      const expected = Float32Array.from({ length: table.nrows }, (_, row) => view.getFloat32(table.dataOffset + row * 100 + 16, false));
      expect(flux.values).toEqual(expected);
    } finally {
      await fits.close();
    }
  });

  it('wide rows are read with strided reads: only the column bytes', async () => {
    const nrows = 300;
    const id = BigInt64Array.from({ length: nrows }, (_, i) => BigInt(i) * 1_000_000_007n - 5n);
    const spectrum = Float32Array.from({ length: nrows * 2000 }, (_, i) => Math.sin(i));
    const file = path.join(dir, 'wide.fits');
    await writeFitsFile(file, [
      {
        kind: 'bintable',
        name: 'WIDE',
        nrows,
        columns: [
          { name: 'SPECTRUM', format: '2000E', values: spectrum },
          { name: 'ID', format: 'K', values: id },
        ],
      },
    ]);
    const fits = await openFits(file);
    try {
      const table = fits.hdus[1] as TableHdu;
      const before = fits.bytesRead;
      const column = await table.readColumn('ID');
      expect(fits.bytesRead - before).toBe(nrows * 8);
      expect(column.values).toEqual(id);
      const all = await table.readColumn('SPECTRUM');
      expect(all.values).toBeInstanceOf(Float32Array);
      expect(Buffer.from((all.values as Float32Array).buffer).equals(Buffer.from(spectrum.buffer))).toBe(true);
      expect(all.repeat).toBe(2000);
    } finally {
      await fits.close();
    }
  });

  it('an image read touches only its own data unit', async () => {
    const fits = await openFits(KEPLER);
    try {
      const aperture = fits.hdus[2];
      if (!('readImage' in aperture)) throw new Error('HDU 2 should be the APERTURE image');
      const before = fits.bytesRead;
      const image = await aperture.readImage();
      expect(fits.bytesRead - before).toBe(aperture.dataSize);
      expect(image.data.length).toBe(image.shape.reduce((a, b) => a * b, 1));
    } finally {
      await fits.close();
    }
  });

  it.each([
    ['kepler', 'kplr011442793-2009350155506_llc.fits', 1],
    ['other', 'spec-3128-54776-0008.fits', 2],
    ['other', 'Kirk_2016_KEBC_2876_rows.fits', 1],
  ])('readColumns over %s/%s HDU %i equals one readColumn per column, in one pass', async (folder, name, index) => {
    const fits = await openFits(realDataPath(folder, name));
    try {
      const table = fits.hdus[index] as TableHdu;
      const one = await Promise.all(table.columns.map((c) => table.readColumn(c.name)));
      const before = fits.bytesRead;
      const all = await table.readColumns();
      expect(fits.bytesRead - before).toBeLessThanOrEqual(table.nrows * (table.header.getNumber('NAXIS1') ?? 0));
      expect(all.map((c) => c.name)).toEqual(table.columns.map((c) => c.name));
      all.forEach((column, k) => expect(column, column.name).toEqual(one[k]));
      const picked = await table.readColumns([table.columns[table.columns.length - 1].name, table.columns[0].name]);
      expect(picked).toEqual([one[one.length - 1], one[0]]);
    } finally {
      await fits.close();
    }
  });
});
