/**
 * Opening FITS files: headers are read up front, data units only when asked for.
 */
import { decodeAsciiColumn } from './ascii-table.js';
import { decodeDescriptors, decodeFixedColumn, decodeHeapArray, heapElementBytes } from './bintable.js';
import { readCells } from './cells.js';
import { asciiColumns, binaryColumns, findColumn, type AsciiColumn, type BinaryColumn } from './columns.js';
import { BITPIX_TYPES, decodeImage, imageShape } from './image.js';
import { decodeBigEndian } from './big-endian.js';
import { fileSource, memorySource, MemorySource, type ByteSource } from './source.js';
import { scanHdus, type HduLayout } from './structure.js';
import {
  FitsError,
  type ColumnData,
  type ColumnInfo,
  type FitsFile,
  type FitsHeader,
  type ImageData,
  type ImageHdu,
  type NumericArray,
  type TableHdu,
} from './types.js';

/** A FitsFile as returned by openFits, with an I/O counter for diagnostics and tests. */
export interface OpenedFitsFile extends FitsFile {
  /** Bytes read from the file (or the decompressed buffer) so far, headers included. */
  readonly bytesRead: number;
}

/**
 * Opens a FITS file (plain or gzip, detected by magic bytes) and reads all its headers.
 * Data are read on demand by `readImage` / `readColumn`. Call `close()` when done.
 * @throws FitsError naming the file, HDU and problem for anything that is not valid FITS.
 */
export async function openFits(path: string): Promise<OpenedFitsFile> {
  return openSource(await fileSource(path));
}

/** Same as openFits, from bytes in memory (gzip is detected and decompressed). `name` is used in errors. */
export async function openFitsBuffer(buffer: Uint8Array, name: string): Promise<OpenedFitsFile> {
  return openSource(memorySource(name, buffer));
}

async function openSource(source: ByteSource): Promise<OpenedFitsFile> {
  try {
    const layouts = await scanHdus(source);
    const hdus = layouts.map((layout) => makeHdu(source, layout));
    return {
      path: source.name,
      gzipped: source.gzipped,
      hdus,
      get bytesRead() {
        return source.bytesRead;
      },
      close: () => source.close(),
    };
  } catch (error) {
    await source.close();
    throw error;
  }
}

function makeHdu(source: ByteSource, layout: HduLayout): ImageHdu | TableHdu {
  if (layout.kind === 'BINTABLE' || layout.kind === 'TABLE') return new TableHduImpl(source, layout);
  return new ImageHduImpl(source, layout);
}

abstract class HduBase {
  readonly index: number;
  readonly header: FitsHeader;
  readonly dataOffset: number;
  readonly dataSize: number;
  readonly name: string;

  constructor(
    protected readonly source: ByteSource,
    layout: HduLayout,
  ) {
    this.index = layout.index;
    this.header = layout.header;
    this.dataOffset = layout.dataOffset;
    this.dataSize = layout.dataSize;
    this.name = layout.index === 0 ? (layout.header.getString('EXTNAME')?.trim() || 'PRIMARY') : (layout.header.getString('EXTNAME')?.trim() ?? '');
  }

  protected error(problem: string): FitsError {
    return new FitsError(this.source.name, problem, this.index);
  }

  /** Runs a decoder, turning any non-FitsError into a FitsError naming this file and HDU. */
  protected async guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof FitsError) throw error;
      throw this.error(`${what}: ${(error as Error).message}`);
    }
  }
}

class ImageHduImpl extends HduBase implements ImageHdu {
  readonly kind: 'PRIMARY' | 'IMAGE';
  readonly shape: number[];
  readonly bitpix: number;

  constructor(source: ByteSource, layout: HduLayout) {
    super(source, layout);
    this.kind = layout.kind as 'PRIMARY' | 'IMAGE';
    this.shape = imageShape(layout.header);
    this.bitpix = layout.header.getNumber('BITPIX') as number;
  }

  readImage(): Promise<ImageData> {
    return this.guarded('cannot decode image', async () => {
      if (this.dataSize === 0) return { shape: this.shape, data: decodeBigEndian(new Uint8Array(0), BITPIX_TYPES[this.bitpix]) };
      const bytes = await this.source.read(this.dataOffset, this.dataSize);
      if (bytes.length < this.dataSize) throw this.error('truncated data unit');
      return { shape: this.shape, data: decodeImage(bytes, this.header) };
    });
  }
}

class TableHduImpl extends HduBase implements TableHdu {
  readonly kind: 'BINTABLE' | 'TABLE';
  readonly nrows: number;
  readonly columns: ColumnInfo[];
  private readonly rowWidth: number;
  private readonly binary: BinaryColumn[] = [];
  private readonly ascii: AsciiColumn[] = [];

  constructor(source: ByteSource, layout: HduLayout) {
    super(source, layout);
    this.kind = layout.kind as 'BINTABLE' | 'TABLE';
    this.rowWidth = layout.header.getNumber('NAXIS1') ?? 0;
    this.nrows = layout.header.getNumber('NAXIS2') ?? 0;
    const context = { file: source.name, hdu: layout.index };
    if (this.kind === 'BINTABLE') this.binary = binaryColumns(layout.header, context);
    else this.ascii = asciiColumns(layout.header, context);
    this.columns = [...this.binary, ...this.ascii].map((c) => c.info);
  }

  readColumn(name: string): Promise<ColumnData> {
    return this.guarded(`cannot decode column ${name}`, async () => {
      const column = this.column(name);
      return this.decode(column, await readCells(this.source, this.cellRange(column)));
    });
  }

  readColumns(names?: string[]): Promise<ColumnData[]> {
    return this.guarded('cannot decode columns', async () => {
      const wanted = (names ?? this.columns.map((c) => c.name)).map((name) => this.column(name));
      if (wanted.length === 0) return [];
      // One read of every row from the first wanted byte to the last, then columns cut from memory.
      const first = Math.min(...wanted.map((c) => c.offset));
      const end = Math.max(...wanted.map((c) => c.offset + c.format.width));
      const spanBytes = await readCells(this.source, { tableOffset: this.dataOffset, rowWidth: this.rowWidth, nrows: this.nrows, columnOffset: first, width: end - first });
      const rows = new MemorySource(this.source.name, spanBytes, false);
      const decoded: ColumnData[] = [];
      for (const column of wanted) {
        const range = { tableOffset: 0, rowWidth: end - first, nrows: this.nrows, columnOffset: column.offset - first, width: column.format.width };
        decoded.push(await this.decode(column, await readCells(rows, range)));
      }
      return decoded;
    });
  }

  private column(name: string): BinaryColumn | AsciiColumn {
    const column = findColumn<BinaryColumn | AsciiColumn>(this.kind === 'BINTABLE' ? this.binary : this.ascii, name);
    if (!column) throw this.error(`no column named '${name}' (columns: ${this.columns.map((c) => c.name).join(', ')})`);
    return column;
  }

  private cellRange(column: BinaryColumn | AsciiColumn) {
    return { tableOffset: this.dataOffset, rowWidth: this.rowWidth, nrows: this.nrows, columnOffset: column.offset, width: column.format.width };
  }

  private decode(column: BinaryColumn | AsciiColumn, cells: Uint8Array): Promise<ColumnData> | ColumnData {
    if (this.kind === 'TABLE') return decodeAsciiColumn(column as AsciiColumn, cells, this.nrows);
    const binary = column as BinaryColumn;
    if (binary.format.elementCode === null) return decodeFixedColumn(binary, cells, this.nrows);
    return this.readVariableLength(binary, cells);
  }

  /** P/Q columns: descriptors from the rows, then one read of the heap span they point into. */
  private async readVariableLength(column: BinaryColumn, cells: Uint8Array): Promise<ColumnData> {
    const { counts, offsets } = decodeDescriptors(cells, column.format.code, this.nrows);
    const elementCode = column.format.elementCode as string;
    const heapStart = this.dataOffset + (this.header.getNumber('THEAP') ?? this.rowWidth * this.nrows);
    let spanStart = Infinity;
    let spanEnd = 0;
    counts.forEach((count, row) => {
      if (count < 0 || offsets[row] < 0) throw this.error(`column ${column.info.name} row ${row}: negative heap descriptor (${count}, ${offsets[row]})`);
      if (count === 0) return;
      spanStart = Math.min(spanStart, offsets[row]);
      spanEnd = Math.max(spanEnd, offsets[row] + heapElementBytes(elementCode, count));
    });
    if (spanEnd > 0 && heapStart + spanEnd > this.dataOffset + this.dataSize) {
      throw this.error(`column ${column.info.name}: heap arrays point beyond the data unit`);
    }
    const heap = spanEnd > 0 ? await this.source.read(heapStart + spanStart, spanEnd - spanStart) : new Uint8Array(0);
    const values = counts.map((count, row) => {
      const from = count === 0 ? 0 : offsets[row] - spanStart;
      return decodeHeapArray(column, heap.subarray(from, from + heapElementBytes(elementCode, count)), count);
    });
    return { name: column.info.name, nrows: this.nrows, repeat: 1, values: values as NumericArray[] | string[], nulls: null };
  }
}
