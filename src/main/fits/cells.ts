/**
 * Reading the bytes of one column of a table without reading the whole table.
 *
 * Disks and the page cache work in pages (4 KiB), so when the gap between two cells of a
 * column is smaller than a page, reading rows contiguously costs the same I/O as reading
 * each cell; only when rows are wide do separate strided reads save bytes.
 */
import type { ByteSource } from './source.js';

/** Gap between cells above which each cell is read on its own. */
const STRIDED_GAP_BYTES = 4096;
/** Largest single contiguous read when walking rows. */
const CHUNK_BYTES = 8 * 1024 * 1024;
/** Parallel strided reads in flight at once. */
const STRIDED_BATCH = 64;

export interface CellRange {
  /** Byte offset of the table's first row in the source. */
  tableOffset: number;
  rowWidth: number;
  nrows: number;
  /** Offset of the column inside a row and its width in bytes. */
  columnOffset: number;
  width: number;
}

/** Returns the column's cells packed back to back: nrows * width bytes. */
export async function readCells(source: ByteSource, range: CellRange): Promise<Uint8Array> {
  const { tableOffset, rowWidth, nrows, columnOffset, width } = range;
  const out = new Uint8Array(nrows * width);
  if (nrows === 0 || width === 0) return out;
  if (width === rowWidth) {
    out.set(await source.read(tableOffset, nrows * width));
    return out;
  }
  if (rowWidth - width > STRIDED_GAP_BYTES) {
    for (let first = 0; first < nrows; first += STRIDED_BATCH) {
      const rows = Array.from({ length: Math.min(STRIDED_BATCH, nrows - first) }, (_, k) => first + k);
      const cells = await Promise.all(rows.map((row) => source.read(tableOffset + row * rowWidth + columnOffset, width)));
      cells.forEach((cell, k) => out.set(cell, (first + k) * width));
    }
    return out;
  }
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / rowWidth));
  for (let first = 0; first < nrows; first += rowsPerChunk) {
    const count = Math.min(rowsPerChunk, nrows - first);
    // From the first cell of the chunk to the end of its last cell: nothing outside is read.
    const start = tableOffset + first * rowWidth + columnOffset;
    const span = await source.read(start, (count - 1) * rowWidth + width);
    gather(span, rowWidth, count, width, out, first * width);
  }
  return out;
}

/** Copies `count` cells of `width` bytes spaced `rowWidth` apart into `out` from `at` on. */
function gather(span: Uint8Array, rowWidth: number, count: number, width: number, out: Uint8Array, at: number): void {
  if (width >= 64) {
    for (let k = 0; k < count; k++) out.set(span.subarray(k * rowWidth, k * rowWidth + width), at + k * width);
    return;
  }
  // Narrow cells: a plain byte loop beats creating one subarray per row.
  let o = at;
  for (let k = 0; k < count; k++) {
    const from = k * rowWidth;
    for (let b = 0; b < width; b++) out[o++] = span[from + b];
  }
}
