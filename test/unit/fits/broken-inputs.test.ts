/**
 * Broken inputs must fail with a FitsError that names the file, the HDU where known, and the
 * problem. Each broken file is made from a real file (shared/data/real) by cutting or
 * corrupting it, so everything before the damage is genuine FITS.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FitsError, openFits, openFitsBuffer } from '../../../src/main/fits/index.js';
import { realDataPath } from '../../helpers/paths.js';

const KEPLER = realDataPath('kepler', 'kplr010874614-2009131105131_llc.fits'); // HDU0 2 blocks, HDU1 5 blocks
const LAMOST_DR1 = realDataPath('lamost', 'spec-55862-B6212_sp06-003.fits');
const BLOCK = 2880;

const dir = mkdtempSync(path.join(tmpdir(), 'fits-broken-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function brokenFile(name: string, bytes: Uint8Array | string): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

async function failure(file: string): Promise<FitsError> {
  try {
    const fits = await openFits(file);
    await fits.close();
  } catch (error) {
    expect(error).toBeInstanceOf(FitsError);
    return error as FitsError;
  }
  throw new Error(`${file} opened without error`);
}

/** Replaces the first occurrence of `from` (same length) in a copy of the file's bytes. */
function patched(source: string, from: string, to: string): Buffer {
  const bytes = Buffer.from(readFileSync(source));
  const at = bytes.indexOf(from, 0, 'latin1');
  expect(at).toBeGreaterThanOrEqual(0);
  bytes.write(to, at, 'latin1');
  return bytes;
}

describe('FitsError for broken FITS files', () => {
  it('zero-byte file', async () => {
    const file = brokenFile('empty.fits', new Uint8Array(0));
    const error = await failure(file);
    expect(error.message).toContain(file);
    expect(error.problem).toMatch(/empty file/);
  });

  it('a text file is not FITS', async () => {
    const file = brokenFile('notes.fits', 'RA,DEC\n10.5,41.2\n');
    const error = await failure(file);
    expect(error.message).toContain(file);
    expect(error.problem).toMatch(/not a FITS file/);
  });

  it('missing file', async () => {
    const error = await failure(path.join(dir, 'does-not-exist.fits'));
    expect(error.problem).toMatch(/cannot open file/);
  });

  it('a directory is not a FITS file', async () => {
    const error = await failure(dir);
    expect(error.problem).toMatch(/not a regular file/);
  });

  it('header cut before its END card', async () => {
    const file = brokenFile('cut-header.fits', readFileSync(KEPLER).subarray(0, BLOCK + 1000));
    const error = await failure(file);
    expect(error.message).toContain(`${file} [HDU 0]`);
    expect(error.problem).toMatch(/truncated header/);
  });

  it('extension header cut: the HDU number is named', async () => {
    const file = brokenFile('cut-ext-header.fits', readFileSync(KEPLER).subarray(0, 3 * BLOCK));
    const error = await failure(file);
    expect(error.hdu).toBe(1);
    expect(error.problem).toMatch(/truncated header/);
  });

  it('data unit cut short', async () => {
    const bytes = readFileSync(LAMOST_DR1);
    const file = brokenFile('cut-data.fits', bytes.subarray(0, bytes.length - 20_000));
    const error = await failure(file);
    expect(error.hdu).toBe(0);
    expect(error.problem).toMatch(/truncated data unit.*78080 data bytes/);
  });

  it('table data cut short in an extension', async () => {
    const file = brokenFile('cut-table.fits', readFileSync(KEPLER).subarray(0, 7 * BLOCK + 100));
    const error = await failure(file);
    expect(error.hdu).toBe(1);
    expect(error.problem).toMatch(/truncated data unit/);
  });

  it('control bytes inside a card', async () => {
    const file = brokenFile('binary-card.fits', patched(KEPLER, "OBJECT  = 'KIC", "OBJECT  = '\u0001\u0002\u0003"));
    const error = await failure(file);
    expect(error.hdu).toBe(0);
    expect(error.problem).toMatch(/malformed card.*non-ASCII/);
  });

  it('string value without its closing quote', async () => {
    const source = readFileSync(KEPLER);
    const at = source.indexOf("TELESCOP= 'Kepler  '", 0, 'latin1');
    const bytes = Buffer.from(source);
    bytes.write("TELESCOP= 'Kepler                                                              ".slice(0, 80), at, 'latin1');
    const error = await failure(brokenFile('open-quote.fits', bytes));
    expect(error.problem).toMatch(/malformed card.*TELESCOP.*closing quote/);
  });

  it('mandatory keyword missing', async () => {
    const file = brokenFile('no-naxis.fits', patched(LAMOST_DR1, 'NAXIS   =', 'NAXES   ='));
    const error = await failure(file);
    expect(error.problem).toMatch(/missing mandatory keyword NAXIS/);
  });

  it('unsupported extension type', async () => {
    const file = brokenFile('foreign.fits', patched(KEPLER, "XTENSION= 'BINTABLE'", "XTENSION= 'FOREIGN '"));
    const error = await failure(file);
    expect(error.hdu).toBe(1);
    expect(error.problem).toMatch(/unsupported feature.*FOREIGN/);
  });

  it('corrupt gzip stream', async () => {
    const gz = gzipSync(readFileSync(LAMOST_DR1));
    const file = brokenFile('cut.fits.gz', gz.subarray(0, gz.length >> 1));
    const error = await failure(file);
    expect(error.problem).toMatch(/corrupt gzip/);
  });

  it('openFitsBuffer names the given name', async () => {
    await expect(openFitsBuffer(new TextEncoder().encode('hello'), 'upload.fits')).rejects.toThrow(/^upload\.fits: not a FITS file/);
  });

  it('asking for a missing column names the columns there are', async () => {
    const fits = await openFits(KEPLER);
    try {
      const table = fits.hdus[1];
      if (!('readColumn' in table)) throw new Error('HDU 1 is not a table');
      await expect(table.readColumn('NO_SUCH')).rejects.toThrow(/\[HDU 1\]: no column named 'NO_SUCH' \(columns: TIME, TIMECORR/);
    } finally {
      await fits.close();
    }
  });
});
