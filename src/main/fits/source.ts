/**
 * Where FITS bytes come from: a file read on demand through a file handle, or a buffer in
 * memory (used for gzip files, which are decompressed once, and for openFitsBuffer).
 * Every read is counted so tests can prove that reading one column does not read the file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { FitsError } from './types.js';

export interface ByteSource {
  /** File name used in error messages. */
  readonly name: string;
  readonly size: number;
  readonly gzipped: boolean;
  /** Total bytes handed out by read() so far. */
  readonly bytesRead: number;
  /** Reads up to `length` bytes at `offset`; fewer only at the end of the source. */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** True when the bytes start with the gzip magic number (1f 8b), whatever the file name says. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

export class MemorySource implements ByteSource {
  bytesRead = 0;
  readonly size: number;

  constructor(
    readonly name: string,
    private readonly bytes: Uint8Array,
    readonly gzipped: boolean,
  ) {
    this.size = bytes.length;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + length);
    const slice = this.bytes.subarray(Math.min(offset, end), end);
    this.bytesRead += slice.length;
    return slice;
  }

  async close(): Promise<void> {}
}

export class FileSource implements ByteSource {
  bytesRead = 0;
  readonly gzipped = false;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (this.closed) throw new FitsError(this.name, 'file is closed');
    const wanted = Math.max(0, Math.min(length, this.size - offset));
    const out = new Uint8Array(wanted);
    let filled = 0;
    while (filled < wanted) {
      const { bytesRead } = await this.handle.read(out, filled, wanted - filled, offset + filled).catch((error: Error) => {
        throw new FitsError(this.name, `read error at byte ${offset + filled}: ${error.message}`);
      });
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.bytesRead += filled;
    return filled === wanted ? out : out.subarray(0, filled);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

/** Wraps in-memory bytes, decompressing them first when they are gzip. */
export function memorySource(name: string, bytes: Uint8Array): ByteSource {
  if (!isGzip(bytes)) return new MemorySource(name, bytes, false);
  return new MemorySource(name, gunzip(name, bytes), true);
}

/** Opens a file for lazy reading, or decompresses it into memory when it is gzip. */
export async function fileSource(path: string): Promise<ByteSource> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new FitsError(path, `cannot open file: ${(error as Error).message}`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new FitsError(path, 'not a regular file');
    const size = stats.size;
    const magic = new Uint8Array(2);
    await handle.read(magic, 0, 2, 0);
    if (size >= 2 && isGzip(magic)) {
      const compressed = await handle.readFile();
      await handle.close();
      return new MemorySource(path, gunzip(path, compressed), true);
    }
    return new FileSource(path, handle, size);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

function gunzip(name: string, bytes: Uint8Array): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (error) {
    throw new FitsError(name, `corrupt gzip data: ${(error as Error).message}`);
  }
}
