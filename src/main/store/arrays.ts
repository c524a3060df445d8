/**
 * Large arrays (spectra, light curves, later embeddings) live outside the database, in append-only
 * little-endian binary files under `<project>/arrays/`, one file per kind. A row in the store keeps
 * (file, offset, length) of its record. A record is the concatenation of its typed arrays in a
 * fixed layout (see layouts.ts), starting at an 8-byte-aligned offset so Float64 views need no copy.
 *
 * Crash safety: bytes are written and fsynced before the rows that point at them commit, so a
 * committed row never points at missing data; bytes of an uncommitted batch are merely unused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

if (os.endianness() !== 'LE') {
  // The files are defined as little-endian and written from native typed arrays.
  throw new Error('DESA project arrays require a little-endian machine');
}

export type StoredArray = Float64Array | Float32Array | Int32Array;
type ArrayCtor = Float64ArrayConstructor | Float32ArrayConstructor | Int32ArrayConstructor;

/** Where a record lives: file name relative to arrays/, byte offset and byte length. */
export interface ArrayRef {
  file: string;
  offset: number;
  length: number;
}

/** A fixed record layout: named arrays of one length n, in this order (8-byte types first). */
export type Layout<K extends string> = readonly (readonly [K, ArrayCtor])[];

/** Bytes per element summed over the layout, i.e. record bytes = n * bytesPerItem. */
export function bytesPerItem<K extends string>(layout: Layout<K>): number {
  return layout.reduce((sum, [, ctor]) => sum + ctor.BYTES_PER_ELEMENT, 0);
}

/** One append-only array file. */
export class ArrayFile {
  readonly name: string;
  private readonly fullPath: string;
  private fd: number;

  constructor(arraysDir: string, name: string) {
    this.name = name;
    this.fullPath = path.join(arraysDir, name);
    fs.mkdirSync(arraysDir, { recursive: true });
    this.fd = fs.openSync(this.fullPath, 'a+');
  }

  /**
   * Appends one record made of `arrays` in `layout` order, all of length n. Not durable until sync().
   * @param what names the record in errors (e.g. the source file)
   */
  append<K extends string>(layout: Layout<K>, arrays: Record<K, ArrayLike<number>>, what: string): ArrayRef {
    return this.appendMany(layout, [arrays], () => what)[0];
  }

  /**
   * Appends many records of one layout in a single write (one stat, one writev): what `append` does
   * per record, for bulk writers such as a million stars' embeddings.
   * @param what names record i in errors
   */
  appendMany<K extends string>(layout: Layout<K>, records: readonly Record<K, ArrayLike<number>>[], what: (i: number) => string): ArrayRef[] {
    // The end of the file, asked each time: another ArrayFile of this process (a second open store)
    // may have appended since. Synchronous stat + write cannot interleave on this thread.
    const size = fs.fstatSync(this.fd).size;
    let at = size + ((8 - (size % 8)) % 8);
    const pieces: Uint8Array[] = [new Uint8Array(at - size)];
    const refs = records.map((arrays, i) => {
      const n = arrays[layout[0][0]].length;
      const padding = (8 - (at % 8)) % 8;
      if (padding > 0) pieces.push(new Uint8Array(padding));
      for (const [key, Ctor] of layout) {
        const values = arrays[key];
        if (values.length !== n) throw new Error(`${what(i)}: array '${key}' has ${values.length} values but '${layout[0][0]}' has ${n}`);
        const typed = values instanceof Ctor ? values : Ctor.from(values);
        pieces.push(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
      }
      const ref = { file: this.name, offset: at + padding, length: n * bytesPerItem(layout) };
      at = ref.offset + ref.length;
      return ref;
    });
    const bytes = Buffer.concat(pieces);
    for (let written = 0; written < bytes.length;) written += fs.writeSync(this.fd, bytes, written);
    return refs;
  }

  /** Makes every appended byte durable (call before committing rows that reference them). */
  sync(): void {
    fs.fsyncSync(this.fd);
  }

  /** Reads one record back as fresh typed arrays, bit-for-bit what was appended. */
  read<K extends string>(layout: Layout<K>, ref: ArrayRef): Record<K, StoredArray> {
    const per = bytesPerItem(layout);
    if (ref.length % per !== 0) throw new Error(`${this.fullPath}: record length ${ref.length} is not a multiple of ${per}`);
    const n = ref.length / per;
    const buffer = new ArrayBuffer(ref.length);
    const got = fs.readSync(this.fd, new Uint8Array(buffer), 0, ref.length, ref.offset);
    if (got !== ref.length) {
      throw new Error(`${this.fullPath}: record at ${ref.offset} is truncated (${got} of ${ref.length} bytes)`);
    }
    const out = {} as Record<K, StoredArray>;
    let at = 0;
    for (const [key, Ctor] of layout) {
      out[key] = new Ctor(buffer, at, n);
      at += n * Ctor.BYTES_PER_ELEMENT;
    }
    return out;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** The array files of one project, opened lazily by name. */
export class ArrayFiles {
  private readonly files = new Map<string, ArrayFile>();
  constructor(readonly dir: string) {}

  /** The array file `name` under arrays/, opened on first use. */
  get(name: string): ArrayFile {
    let file = this.files.get(name);
    if (!file) {
      file = new ArrayFile(this.dir, name);
      this.files.set(name, file);
    }
    return file;
  }

  /** fsyncs every open array file (before committing rows that point into them). */
  syncAll(): void {
    for (const f of this.files.values()) f.sync();
  }

  closeAll(): void {
    for (const f of this.files.values()) f.close();
    this.files.clear();
  }
}
