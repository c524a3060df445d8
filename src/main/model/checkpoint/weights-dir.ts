/**
 * Our on-disk weights format: a folder with `manifest.json` and one raw `.bin` per tensor
 * (little-endian, C order, no header) — the same layout as the reference fixtures, so the same
 * reader loads imported checkpoints, our own saved models and the fixtures' `state_dict/` arrays.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError } from './errors.js';
import { DTYPE_BYTES, fromLittleEndianBytes, numel, type StateDict, type WeightDType } from './tensor.js';

/** One array entry of a manifest (fields as in the fixtures' manifests). */
export interface WeightsManifestEntry {
  name: string;
  dtype: WeightDType;
  shape: number[];
  file: string;
  nbytes: number;
  sha256: string;
  /** Set when the entry reuses another entry's file (PyTorch lists one module under two keys). */
  alias_of?: string;
}

/** The manifest.json of a weights folder. */
export interface WeightsManifest {
  format: 'desa-weights';
  format_version: 1;
  byte_order: 'little';
  layout: string;
  source?: string;
  description?: string;
  arrays: WeightsManifestEntry[];
}

const MANIFEST = 'manifest.json';
const KNOWN_DTYPES = new Set<string>(Object.keys(DTYPE_BYTES));

/**
 * Writes tensors as a weights folder.
 *
 * File names are derived from the keys but sanitised, so a hostile key such as `../../x` cannot
 * write outside `outDir`; the manifest maps keys to files.
 *
 * @returns the manifest written.
 */
export async function writeWeightsDir(outDir: string, tensors: StateDict, meta: { source?: string; description?: string } = {}): Promise<WeightsManifest> {
  await mkdir(outDir, { recursive: true });
  const used = new Set<string>();
  const arrays: WeightsManifestEntry[] = [];
  for (const [name, t] of tensors) {
    const file = uniqueFileName(name, used);
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    await writeFile(path.join(outDir, file), bytes);
    arrays.push({ name, dtype: t.dtype, shape: [...t.shape], file, nbytes: bytes.byteLength, sha256: sha256(bytes) });
  }
  const manifest: WeightsManifest = {
    format: 'desa-weights',
    format_version: 1,
    byte_order: 'little',
    layout: 'C order (row-major); file = raw bytes, no header',
    ...meta,
    arrays,
  };
  await writeFile(path.join(outDir, MANIFEST), JSON.stringify(manifest, null, 1));
  return manifest;
}

/** Options of {@link readWeightsDir}. */
export interface ReadWeightsOptions {
  /** Keep only arrays whose name starts with this prefix, and drop the prefix (e.g. `state_dict/`). */
  prefix?: string;
  /** Check each file's sha256 against the manifest (default true). */
  verify?: boolean;
}

/**
 * Reads a weights folder (ours or a reference fixture folder) into a state dict.
 * @throws CheckpointError naming the folder or file for a missing manifest, unknown dtype, or a file
 *   whose size or checksum does not match the manifest.
 */
export async function readWeightsDir(dir: string, options: ReadWeightsOptions = {}): Promise<StateDict> {
  const manifestPath = path.join(dir, MANIFEST);
  let manifest: { arrays?: WeightsManifestEntry[] };
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (e) {
    throw new CheckpointError(manifestPath, `cannot read weights manifest: ${(e as Error).message}`);
  }
  if (!Array.isArray(manifest.arrays)) throw new CheckpointError(manifestPath, 'manifest has no "arrays" list');
  const prefix = options.prefix ?? '';
  const out: StateDict = new Map();
  for (const entry of manifest.arrays) {
    if (!entry.name.startsWith(prefix)) continue;
    const file = path.resolve(dir, entry.file);
    if (path.relative(path.resolve(dir), file).startsWith('..')) throw new CheckpointError(manifestPath, `entry '${entry.name}' points outside the folder`);
    if (!KNOWN_DTYPES.has(entry.dtype)) throw new CheckpointError(manifestPath, `entry '${entry.name}' has unsupported dtype '${entry.dtype}'`);
    const bytes = await readFile(file);
    const expected = numel(entry.shape) * DTYPE_BYTES[entry.dtype];
    if (bytes.byteLength !== expected) throw new CheckpointError(file, `has ${bytes.byteLength} bytes, shape [${entry.shape}] ${entry.dtype} needs ${expected}`);
    if (options.verify !== false && entry.sha256 && sha256(bytes) !== entry.sha256) throw new CheckpointError(file, 'sha256 does not match the manifest (corrupt or modified file)');
    out.set(entry.name.slice(prefix.length), { dtype: entry.dtype, shape: entry.shape, data: fromLittleEndianBytes(entry.dtype, bytes) });
  }
  return out;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A safe, unique (also on case-insensitive file systems) file name for a tensor key. */
function uniqueFileName(key: string, used: Set<string>): string {
  let base = key.replace(/[^A-Za-z0-9._-]/g, '_');
  if (base === '' || base.startsWith('.')) base = `_${base}`;
  let candidate = `${base}.bin`;
  for (let n = 2; used.has(candidate.toLowerCase()); n++) candidate = `${base}~${n}.bin`;
  used.add(candidate.toLowerCase());
  return candidate;
}
