/**
 * A minimal read-only ZIP reader for `torch.save` archives.
 *
 * PyTorch writes an uncompressed ("stored") zip, sometimes with ZIP64 records for large files and
 * with padding in the local extra fields (it aligns tensor data to 64 bytes). We read the central
 * directory from the end of the file and then fetch single members with positioned reads, so a
 * multi-GB checkpoint is never loaded into memory at once. Stored and deflate members are supported
 * (deflate through node:zlib); each member's CRC-32 is verified.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';
import { CheckpointError } from './errors.js';

/** One member of the archive, as described by its central-directory record. */
export interface ZipEntry {
  readonly name: string;
  /** 0 = stored, 8 = deflate. */
  readonly method: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;
const ZIP64_EXTRA_ID = 0x0001;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;

/** Reads a little-endian u64 that must fit a JS number (files under 8 PiB do). */
function readU64(buf: Buffer, at: number, file: string): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CheckpointError(file, 'zip: 64-bit size or offset too large');
  return Number(value);
}

/** A zip archive opened for reading; call {@link ZipArchive.close} when done. */
export class ZipArchive {
  private constructor(
    /** The path, used in error messages. */
    readonly file: string,
    private fd: number | null,
    private readonly size: number,
    /** Members by name, in central-directory order. */
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  /**
   * Opens a zip file and reads its central directory.
   * @throws CheckpointError when the file is not a zip archive or its directory is damaged.
   */
  static open(file: string): ZipArchive {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (e) {
      throw new CheckpointError(file, `cannot open: ${(e as Error).message}`);
    }
    try {
      const size = fstatSync(fd).size;
      const entries = readCentralDirectory(fd, size, file);
      return new ZipArchive(file, fd, size, entries);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /**
   * Returns the uncompressed bytes of one member.
   * @throws CheckpointError when the member is missing, compressed with an unsupported method,
   *   encrypted, or fails its CRC check.
   */
  read(name: string): Buffer {
    const entry = this.entries.get(name);
    if (!entry) throw new CheckpointError(this.file, `zip: no member named '${name}'`);
    const fd = this.requireOpen();
    const local = readAt(fd, entry.localHeaderOffset, 30, this.file);
    if (local.readUInt32LE(0) !== SIG_LOCAL) {
      throw new CheckpointError(this.file, `zip: bad local header for '${name}'`);
    }
    const flags = local.readUInt16LE(6);
    if (flags & 1) throw new CheckpointError(this.file, `zip: member '${name}' is encrypted`);
    const dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (dataStart + entry.compressedSize > this.size) {
      throw new CheckpointError(this.file, `zip: member '${name}' runs past the end of the file (truncated download?)`);
    }
    const raw = readAt(fd, dataStart, entry.compressedSize, this.file);
    let data: Buffer;
    if (entry.method === 0) data = raw;
    else if (entry.method === 8) {
      try {
        data = inflateRawSync(raw);
      } catch (e) {
        throw new CheckpointError(this.file, `zip: cannot inflate '${name}': ${(e as Error).message}`);
      }
    } else {
      throw new CheckpointError(this.file, `zip: member '${name}' uses unsupported compression method ${entry.method}`);
    }
    if (data.length !== entry.uncompressedSize) {
      throw new CheckpointError(this.file, `zip: member '${name}' has ${data.length} bytes, directory says ${entry.uncompressedSize}`);
    }
    if (crc32(data) >>> 0 !== entry.crc32) {
      throw new CheckpointError(this.file, `zip: CRC mismatch in member '${name}' (corrupt file)`);
    }
    return data;
  }

  /** Releases the file handle. Safe to call twice. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private requireOpen(): number {
    if (this.fd === null) throw new CheckpointError(this.file, 'zip: archive already closed');
    return this.fd;
  }
}

function readAt(fd: number, position: number, length: number, file: string): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new CheckpointError(file, 'zip: unexpected end of file');
    done += n;
  }
  return buf;
}

function readCentralDirectory(fd: number, size: number, file: string): Map<string, ZipEntry> {
  if (size < EOCD_MIN) throw new CheckpointError(file, 'not a zip archive (too short); is this a torch.save file?');
  const tailLength = Math.min(size, EOCD_MIN + MAX_COMMENT + 20);
  const tailStart = size - tailLength;
  const tail = readAt(fd, tailStart, tailLength, file);
  let eocd = -1;
  for (let i = tailLength - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new CheckpointError(file, 'not a zip archive (no end-of-central-directory record); legacy (pre-1.6) torch.save files are not supported');
  }
  let count = tail.readUInt16LE(eocd + 10);
  let dirSize = tail.readUInt32LE(eocd + 12);
  let dirOffset = tail.readUInt32LE(eocd + 16);
  if (count === U16_MAX || dirSize === U32_MAX || dirOffset === U32_MAX) {
    // ZIP64: a locator sits right before the classic record and points to the 64-bit record.
    const loc = eocd - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== SIG_ZIP64_LOCATOR) throw new CheckpointError(file, 'zip: ZIP64 locator missing');
    const recordOffset = readU64(tail, loc + 8, file);
    const record = readAt(fd, recordOffset, 56, file);
    if (record.readUInt32LE(0) !== SIG_ZIP64_EOCD) throw new CheckpointError(file, 'zip: bad ZIP64 end record');
    count = readU64(record, 32, file);
    dirSize = readU64(record, 40, file);
    dirOffset = readU64(record, 48, file);
  }
  if (dirOffset + dirSize > size) throw new CheckpointError(file, 'zip: central directory lies outside the file (truncated?)');
  const dir = readAt(fd, dirOffset, dirSize, file);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== SIG_CENTRAL) throw new CheckpointError(file, `zip: damaged central directory at entry ${i}`);
    const method = dir.readUInt16LE(p + 10);
    const crc = dir.readUInt32LE(p + 16);
    let compressedSize = dir.readUInt32LE(p + 20);
    let uncompressedSize = dir.readUInt32LE(p + 24);
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    let localHeaderOffset = dir.readUInt32LE(p + 42);
    const name = dir.toString('utf8', p + 46, p + 46 + nameLength);
    // ZIP64 extra field: the 64-bit values appear only for the fields saturated at 0xFFFFFFFF, in this order.
    let q = p + 46 + nameLength;
    const extraEnd = q + extraLength;
    while (q + 4 <= extraEnd) {
      const id = dir.readUInt16LE(q);
      const len = dir.readUInt16LE(q + 2);
      if (id === ZIP64_EXTRA_ID) {
        let r = q + 4;
        if (uncompressedSize === U32_MAX) (uncompressedSize = readU64(dir, r, file)), (r += 8);
        if (compressedSize === U32_MAX) (compressedSize = readU64(dir, r, file)), (r += 8);
        if (localHeaderOffset === U32_MAX) localHeaderOffset = readU64(dir, r, file);
      }
      q += 4 + len;
    }
    entries.set(name, { name, method, compressedSize, uncompressedSize, crc32: crc, localHeaderOffset });
    p = extraEnd + commentLength;
  }
  return entries;
}
