/**
 * gzip is recognised by its magic bytes (1f 8b), never by the file name, and the decompressed
 * file reads exactly like the plain one.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openFits, openFitsBuffer, type ImageHdu } from '../../../src/main/fits/index.js';
import { realDataPath } from '../../helpers/paths.js';

const PLAIN = realDataPath('lamost', 'spec-58397-EG014118N254444M01_sp03-031.fits');
const dir = mkdtempSync(path.join(tmpdir(), 'fits-gzip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pixels(file: Awaited<ReturnType<typeof openFits>>): Promise<Float32Array> {
  return (await (file.hdus[0] as ImageHdu).readImage()).data as Float32Array;
}

describe('gzip detection by magic bytes', () => {
  it('gzip content under a .fits name is decompressed; plain content under .gz is read as is', async () => {
    const disguisedGzip = path.join(dir, 'really-gzip.fits');
    const disguisedPlain = path.join(dir, 'really-plain.fits.gz');
    writeFileSync(disguisedGzip, gzipSync(readFileSync(PLAIN)));
    copyFileSync(PLAIN, disguisedPlain);
    const plain = await openFits(PLAIN);
    const gz = await openFits(disguisedGzip);
    const notGz = await openFits(disguisedPlain);
    try {
      expect([plain.gzipped, gz.gzipped, notGz.gzipped]).toEqual([false, true, false]);
      const expected = await pixels(plain);
      expect(expected.length).toBe(5 * 3909);
      expect(Buffer.from((await pixels(gz)).buffer).equals(Buffer.from(expected.buffer))).toBe(true);
      expect(Buffer.from((await pixels(notGz)).buffer).equals(Buffer.from(expected.buffer))).toBe(true);
      expect(gz.hdus[0].header.cards).toEqual(plain.hdus[0].header.cards);
    } finally {
      await Promise.all([plain.close(), gz.close(), notGz.close()]);
    }
  });

  it('openFitsBuffer decompresses gzip bytes too', async () => {
    const file = await openFitsBuffer(gzipSync(readFileSync(PLAIN)), 'upload.fits.gz');
    expect(file.gzipped).toBe(true);
    expect(file.path).toBe('upload.fits.gz');
    expect(file.hdus[0].header.get('DATA_V')).toBe('LAMOST DR7');
  });
});
