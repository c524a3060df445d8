/**
 * One entry point for every catalogue format. The format is detected from the content (FITS
 * signature, MRT byte-by-byte description, delimiter), not from the file extension, because
 * downloaded catalogues are often misnamed (.txt for TSV, .dat for MRT).
 */
import { open, readFile } from 'node:fs/promises';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { parseDelimited } from './delimited.js';
import { readFitsCatalog } from './fits-table.js';
import { looksLikeMrt, parseMrt } from './mrt.js';
import { CatalogError, type CatalogTable, type ReadCatalogOptions } from './types.js';

const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** The first bytes of the (decompressed) content, without reading a large FITS table twice. */
async function readStart(path: string): Promise<Buffer> {
  const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new CatalogError(path, e.code === 'ENOENT' ? 'file not found' : `cannot read: ${e.message}`);
  });
  try {
    const buf = Buffer.alloc(65536);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    // SYNC_FLUSH lets gunzip return what a truncated stream holds instead of failing.
    return isGzip(head) ? gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH }) : head;
  } finally {
    await fh.close();
  }
}

/**
 * Reads a label catalogue: CSV, TSV, VizieR TSV, CDS/AAS MRT, or a FITS binary/ASCII table
 * (any of them may be gzip-compressed).
 *
 * @param path File to read.
 * @param opts Forced format, extra missing-value markers (e.g. `nullValues: [-9999]` for LAMOST
 *   tables), whether to keep a pandas index column, which FITS HDU.
 * @throws CatalogError naming the file when it is missing, empty or malformed.
 */
export async function readCatalog(path: string, opts: ReadCatalogOptions = {}): Promise<CatalogTable> {
  const start = await readStart(path);
  const isFits = start.subarray(0, 9).toString('latin1') === 'SIMPLE  =';
  const wantsFits = opts.format === 'fits-ascii' || opts.format === 'fits-bintable';
  if (wantsFits && !isFits) throw new CatalogError(path, 'asked to read it as FITS but it has no FITS signature (SIMPLE =)');
  if (isFits) return readFitsCatalog(path, opts);

  let raw = await readFile(path);
  if (isGzip(raw)) raw = gunzipSync(raw);
  const text = raw.toString('utf8');
  if (text.trim() === '') throw new CatalogError(path, 'the file is empty');
  if (opts.format === 'mrt' || (!opts.format && looksLikeMrt(text))) return parseMrt(path, text, opts);
  return parseDelimited(path, text, opts);
}
