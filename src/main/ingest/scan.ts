/**
 * Finding candidate files: every file under the given folders whose name says FITS (.fits, .fit,
 * .fts, optionally .gz) or whose first bytes are a FITS primary header ("SIMPLE  ="), in a stable
 * order (sorted by path) so repeated ingests process files identically.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface ScannedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

const FITS_NAME = /\.(fits|fit|fts)(\.gz)?$/i;
const FITS_MAGIC = 'SIMPLE  =';

/** True when `head` (the first bytes of a file) starts like a FITS primary header. */
export function hasFitsMagic(head: Uint8Array): boolean {
  return Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, FITS_MAGIC.length)).toString('latin1') === FITS_MAGIC;
}

/** The first `n` bytes of a file (fewer if it is shorter). */
export function readHead(file: string, n = 80): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = new Uint8Array(n);
    return buf.subarray(0, fs.readSync(fd, buf, 0, n, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Recursively lists candidate files under `dirs` (a file path is taken as itself), sorted by path,
 * each once. Folders in `exclude` (e.g. the project being written) are not entered. Hidden
 * entries (names starting with '.') are ignored; links to files are followed, links to folders
 * are not (no cycles).
 * @throws Error naming the folder when one of `dirs` does not exist
 */
export function scanForFits(dirs: readonly string[], exclude: readonly string[] = []): ScannedFile[] {
  const excluded = new Set(exclude.map((d) => path.resolve(d)));
  const found = new Map<string, ScannedFile>();
  const consider = (file: string, st: fs.Stats, byName: boolean): void => {
    if (found.has(file)) return;
    if (byName || (st.size >= FITS_MAGIC.length && hasFitsMagic(readHead(file, FITS_MAGIC.length)))) {
      found.set(file, { path: file, size: st.size, mtimeMs: st.mtimeMs });
    }
  };
  const walk = (dir: string): void => {
    if (excluded.has(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() || entry.isSymbolicLink()) {
        let st: fs.Stats;
        try {
          st = fs.statSync(full);
        } catch {
          continue; // a dangling link is not a data file
        }
        if (st.isFile()) consider(full, st, FITS_NAME.test(entry.name));
      }
    }
  };
  for (const d of dirs) {
    const abs = path.resolve(d);
    if (!fs.existsSync(abs)) throw new Error(`${abs}: no such file or directory`);
    const st = fs.statSync(abs);
    if (st.isDirectory()) walk(abs);
    else consider(abs, st, true);
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
