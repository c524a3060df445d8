/**
 * Loader for the authors' reference fixtures in shared/fixtures/reference (format: that folder's
 * README.md §0). Each fixture folder holds a manifest.json and one headerless little-endian,
 * C-order `.bin` per array. Tests anywhere in the repository use this one loader.
 *
 * Paths are resolved relative to the repository root (`../shared`), never hard-coded, because CI
 * clones the repository next to a copy of shared/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in test/helpers). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared read-only materials, cloned next to the repository. */
export const sharedRoot = path.resolve(repoRoot, '../shared');
/** shared/fixtures/reference. */
export const fixturesRoot = path.join(sharedRoot, 'fixtures', 'reference');

export type FixtureDtype = 'float32' | 'float64' | 'int64' | 'uint8';
export type FixtureData = Float32Array | Float64Array | BigInt64Array | Uint8Array;

/** One manifest entry (README §0). */
export interface ManifestEntry {
  name: string;
  dtype: FixtureDtype;
  shape: number[];
  file: string;
  nbytes: number;
  sha256: string;
  description?: string;
  alias_of?: string;
}

/** A manifest: the `arrays` list plus free-form case metadata (cases, constants, configs, ...). */
export interface Manifest {
  fixture?: string;
  arrays: ManifestEntry[];
  [key: string]: unknown;
}

/** One array with its dtype-correct typed view and its shape (`[]` or `[1]` for scalars). */
export interface FixtureArray<T extends FixtureData = FixtureData> {
  name: string;
  dtype: FixtureDtype;
  shape: number[];
  data: T;
}

export interface Fixture {
  /** Absolute folder of the fixture. */
  dir: string;
  manifest: Manifest;
  /** Every array name in the manifest, in manifest order. */
  names(): string[];
  has(name: string): boolean;
  /** The array with its stored dtype. Throws naming the fixture and array if absent or corrupt. */
  array(name: string): FixtureArray;
  /** The array as float32/float64 typed data; throws if the stored dtype differs. */
  f32(name: string): Float32Array;
  f64(name: string): Float64Array;
  u8(name: string): Uint8Array;
  /** Any numeric array widened to float64 (int64 via Number, exact below 2^53). */
  asF64(name: string): Float64Array;
  /** A one-element array as a JS number. */
  scalar(name: string): number;
  /** The array's shape. */
  shape(name: string): number[];
}

const manifestCache = new Map<string, Fixture>();

/**
 * Loads a fixture folder. `folder` is relative to shared/fixtures/reference (for example
 * 'preprocessing/lamost' or 'models/dualformer') or an absolute path.
 * Set `verifySha256` to check every file's hash when it is first read (slower; off by default,
 * the byte count is always checked).
 */
export function loadFixture(folder: string, opts: { verifySha256?: boolean } = {}): Fixture {
  const dir = path.isAbsolute(folder) ? folder : path.join(fixturesRoot, folder);
  const key = `${dir}|${opts.verifySha256 ? 1 : 0}`;
  const cached = manifestCache.get(key);
  if (cached) return cached;

  const manifestPath = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) {
    throw new Error(`fixture ${folder}: no manifest.json at ${manifestPath} (is shared/ next to the repository?)`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
  if (!Array.isArray(manifest.arrays)) throw new Error(`fixture ${folder}: manifest.json has no 'arrays' list`);
  const entries = new Map(manifest.arrays.map((e) => [e.name, e]));
  const arrays = new Map<string, FixtureArray>();

  function array(name: string): FixtureArray {
    const hit = arrays.get(name);
    if (hit) return hit;
    const entry = entries.get(name);
    if (!entry) throw new Error(`fixture ${folder}: no array named '${name}'`);
    const file = path.join(dir, entry.file);
    const buf = fs.readFileSync(file);
    if (buf.byteLength !== entry.nbytes) {
      throw new Error(`fixture ${folder}: ${entry.file} has ${buf.byteLength} bytes, manifest says ${entry.nbytes}`);
    }
    if (opts.verifySha256) {
      const digest = createHash('sha256').update(buf).digest('hex');
      if (digest !== entry.sha256) throw new Error(`fixture ${folder}: ${entry.file} sha256 mismatch`);
    }
    // Copy into a fresh, aligned ArrayBuffer: Node's pooled Buffers may start at an odd offset.
    const ab = new ArrayBuffer(buf.byteLength);
    new Uint8Array(ab).set(buf);
    const data = toTyped(ab, entry.dtype, `${folder}/${name}`);
    const expected = entry.shape.reduce((a, b) => a * b, 1);
    if (data.length !== expected) {
      throw new Error(`fixture ${folder}: '${name}' has ${data.length} elements, shape ${JSON.stringify(entry.shape)} needs ${expected}`);
    }
    const out: FixtureArray = { name, dtype: entry.dtype, shape: [...entry.shape], data };
    arrays.set(name, out);
    return out;
  }

  function typed<T extends FixtureData>(name: string, dtype: FixtureDtype): T {
    const a = array(name);
    if (a.dtype !== dtype) throw new Error(`fixture ${folder}: '${name}' is ${a.dtype}, not ${dtype}`);
    return a.data as T;
  }

  const fixture: Fixture = {
    dir,
    manifest,
    names: () => manifest.arrays.map((e) => e.name),
    has: (name) => entries.has(name),
    array,
    f32: (name) => typed<Float32Array>(name, 'float32'),
    f64: (name) => typed<Float64Array>(name, 'float64'),
    u8: (name) => typed<Uint8Array>(name, 'uint8'),
    asF64(name) {
      const a = array(name);
      if (a.data instanceof BigInt64Array) return Float64Array.from(a.data, (v) => Number(v));
      return Float64Array.from(a.data as Float32Array | Float64Array | Uint8Array);
    },
    scalar(name) {
      const a = array(name);
      if (a.data.length !== 1) throw new Error(`fixture ${folder}: '${name}' has ${a.data.length} elements, not 1`);
      return Number(a.data[0]);
    },
    shape: (name) => [...array(name).shape],
  };
  manifestCache.set(key, fixture);
  return fixture;
}

function toTyped(ab: ArrayBuffer, dtype: FixtureDtype, what: string): FixtureData {
  // Every mainstream CPU is little-endian, as are the files; guard anyway so a big-endian host fails loudly.
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error(`${what}: big-endian host not supported`);
  switch (dtype) {
    case 'float32': return new Float32Array(ab);
    case 'float64': return new Float64Array(ab);
    case 'int64': return new BigInt64Array(ab);
    case 'uint8': return new Uint8Array(ab);
    default: throw new Error(`${what}: unknown dtype '${String(dtype)}'`);
  }
}

/** Largest |a[i] − b[i]| (NaN when exactly one side is NaN counts as Infinity; both NaN counts as 0). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    const xn = Number.isNaN(x), yn = Number.isNaN(y);
    if (xn || yn) { if (xn !== yn) return Infinity; continue; }
    const d = Math.abs(x - y);
    if (d > m) m = d;
  }
  return m;
}

/** Largest |a − b| / max(|b|, floor) elementwise. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-30): number {
  if (a.length !== b.length) throw new Error(`maxRelDiff: length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor);
    if (Number.isNaN(d)) { if (!(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return Infinity; continue; }
    if (d > m) m = d;
  }
  return m;
}

/** Number of positions whose values differ bit for bit (NaN equals NaN). */
export function countMismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`countMismatches: length ${a.length} vs ${b.length}`);
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (!(Object.is(a[i], b[i]) || a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) n++;
  }
  return n;
}
