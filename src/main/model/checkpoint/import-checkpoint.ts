/**
 * Importing PyTorch `torch.save` checkpoints (the format the DESA authors publish) into plain
 * tensors, without Python and without executing the pickle.
 *
 * A torch.save file is a zip: `<name>/data.pkl` holds the pickled state dict, whose tensors point by
 * key to raw storages `<name>/data/<key>`; `<name>/byteorder` (torch ≥ 2.1) says the storages'
 * endianness. Released DESA checkpoints come from a DDP-wrapped model, so their keys start with
 * `module.`; that prefix is removed.
 */
import path from 'node:path';
import { CheckpointError } from './errors.js';
import { parseTorchPickle, PyDict, StorageRef, TensorRef, type PyValue, type StorageDType } from './pickle.js';
import { allocate, fromLittleEndianBytes, numel, type StateDict, type WeightData, type WeightDType, type WeightTensor } from './tensor.js';
import { ZipArchive } from './zip.js';
import { writeWeightsDir, type WeightsManifest } from './weights-dir.js';

/** The DDP wrapper's key prefix. */
const DDP_PREFIX = 'module.';

/** Storage dtype → the dtype we store (half precisions are widened, bool becomes 0/1 bytes). */
const STORED_AS: Record<StorageDType, WeightDType> = {
  float32: 'float32',
  float64: 'float64',
  float16: 'float32',
  bfloat16: 'float32',
  int64: 'int64',
  int32: 'int32',
  int16: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'uint8',
};

const STORAGE_ITEM_BYTES: Record<StorageDType, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/**
 * Reads a `torch.save` state-dict file into named tensors.
 *
 * Keys keep the file's order; a leading `module.` (DDP) is stripped. Non-contiguous tensors are
 * copied into C order; shared storages are read once.
 *
 * @param file path of a `.pth` / `.pt` file written by torch.save (PyTorch ≥ 1.6 zip format).
 * @returns key → {dtype, shape, data}.
 * @throws CheckpointError naming the file for a non-zip file, a pickle that uses anything beyond the
 *   state-dict whitelist (e.g. `os.system`), a top level that is not a dict of tensors, or damaged storages.
 */
export function importCheckpoint(file: string): StateDict {
  const zip = ZipArchive.open(file);
  try {
    const pickleName = findPickle(zip, file);
    const root = pickleName.slice(0, -'data.pkl'.length);
    const littleEndian = readByteOrder(zip, root, file);
    const top = parseTorchPickle(zip.read(pickleName), `${file}:${pickleName}`);
    const entries = stateDictEntries(top, file);

    const storages = new Map<string, Uint8Array>();
    const loadStorage = (ref: StorageRef): Uint8Array => {
      let bytes = storages.get(ref.key);
      if (!bytes) {
        bytes = zip.read(`${root}data/${ref.key}`);
        const expected = ref.numel * STORAGE_ITEM_BYTES[ref.dtype];
        if (bytes.length < expected) {
          throw new CheckpointError(file, `storage data/${ref.key} has ${bytes.length} bytes, needs ${expected}`);
        }
        if (!littleEndian) bytes = swapBytes(bytes, STORAGE_ITEM_BYTES[ref.dtype]);
        storages.set(ref.key, bytes);
      }
      return bytes;
    };

    const out: StateDict = new Map();
    for (const [rawKey, tensor] of entries) {
      const key = rawKey.startsWith(DDP_PREFIX) ? rawKey.slice(DDP_PREFIX.length) : rawKey;
      if (out.has(key)) throw new CheckpointError(file, `key '${key}' occurs twice (with and without the '${DDP_PREFIX}' prefix)`);
      out.set(key, materialise(tensor, loadStorage(tensor.storage), `${file}: tensor '${rawKey}'`));
    }
    return out;
  } finally {
    zip.close();
  }
}

/** What {@link importCheckpointToDir} wrote. */
export interface ImportSummary {
  readonly outDir: string;
  readonly tensorCount: number;
  /** Total number of values written (weights and buffers). */
  readonly valueCount: number;
  readonly manifest: WeightsManifest;
}

/**
 * Converts a torch.save checkpoint into our weights folder format: `manifest.json` plus one raw
 * little-endian `.bin` per tensor (the layout of the reference fixtures). This is what
 * `desa import-checkpoint FILE.pth --out DIR` runs.
 *
 * @param file   the `.pth` file.
 * @param outDir destination folder (created if needed; existing files of the same names are replaced).
 * @throws CheckpointError as {@link importCheckpoint}.
 */
export async function importCheckpointToDir(file: string, outDir: string): Promise<ImportSummary> {
  const tensors = importCheckpoint(file);
  const manifest = await writeWeightsDir(outDir, tensors, {
    source: path.basename(file),
    description: `imported from the torch.save checkpoint ${path.basename(file)} (DDP '${DDP_PREFIX}' prefixes stripped)`,
  });
  let valueCount = 0;
  for (const t of tensors.values()) valueCount += numel(t.shape);
  return { outDir, tensorCount: tensors.size, valueCount, manifest };
}

function findPickle(zip: ZipArchive, file: string): string {
  const candidates = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (candidates.length !== 1) {
    throw new CheckpointError(file, candidates.length === 0 ? 'zip holds no <name>/data.pkl: not a torch.save file' : 'zip holds several data.pkl members');
  }
  return candidates[0];
}

function readByteOrder(zip: ZipArchive, root: string, file: string): boolean {
  const name = `${root}byteorder`;
  if (!zip.entries.has(name)) return true; // PyTorch < 2.1 wrote only little-endian files without this member
  const order = zip.read(name).toString('ascii').trim();
  if (order !== 'little' && order !== 'big') throw new CheckpointError(file, `unknown byteorder '${order}'`);
  return order === 'little';
}

/** The (key, tensor) pairs of the top-level dict; anything else in it is an error. */
function stateDictEntries(top: PyValue, file: string): [string, TensorRef][] {
  if (!(top instanceof PyDict)) throw new CheckpointError(file, 'the pickle is not a dict: expected a state dict (torch.save(model.state_dict()))');
  const entries: [string, TensorRef][] = [];
  for (const [key, value] of top.map) {
    if (typeof key !== 'string') throw new CheckpointError(file, `state-dict key ${String(key)} is not a string`);
    if (!(value instanceof TensorRef)) {
      throw new CheckpointError(file, `entry '${key}' is not a tensor: expected a plain state dict (a training checkpoint with optimiser state is not supported)`);
    }
    entries.push([key, value]);
  }
  return entries;
}

/** Copies the elements a (size, stride, offset) view selects into a new C-order array. */
function materialise(t: TensorRef, storage: Uint8Array, what: string): WeightTensor {
  const count = numel(t.shape);
  let maxIndex = t.storageOffset;
  for (let d = 0; d < t.shape.length; d++) if (t.shape[d] > 0) maxIndex += (t.shape[d] - 1) * t.stride[d];
  if (count > 0 && maxIndex >= t.storage.numel) {
    throw new CheckpointError(what, `view (offset ${t.storageOffset}, size [${t.shape}], stride [${t.stride}]) exceeds its storage of ${t.storage.numel} elements`);
  }
  const itemBytes = STORAGE_ITEM_BYTES[t.storage.dtype];
  const dtype = STORED_AS[t.storage.dtype];
  const source = widen(t.storage.dtype, storage.subarray(0, t.storage.numel * itemBytes));
  if (isContiguous(t.shape, t.stride)) {
    return { dtype, shape: [...t.shape], data: source.slice(t.storageOffset, t.storageOffset + count) as WeightData };
  }
  const out = allocate(dtype, count);
  const index = new Array<number>(t.shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let at = t.storageOffset;
    for (let d = 0; d < index.length; d++) at += index[d] * t.stride[d];
    (out as Float32Array)[i] = (source as Float32Array)[at];
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d] < t.shape[d]) break;
      index[d] = 0;
    }
  }
  return { dtype, shape: [...t.shape], data: out };
}

function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** Storage bytes → typed array of the stored dtype (half precisions widened to float32). */
function widen(dtype: StorageDType, bytes: Uint8Array): WeightData {
  if (dtype === 'float16' || dtype === 'bfloat16') {
    const halves = new Uint16Array(bytes.byteLength / 2);
    new Uint8Array(halves.buffer).set(bytes);
    const out = new Float32Array(halves.length);
    const bits = new Uint32Array(out.buffer);
    if (dtype === 'bfloat16') for (let i = 0; i < halves.length; i++) bits[i] = halves[i] << 16;
    else for (let i = 0; i < halves.length; i++) out[i] = halfToFloat(halves[i]);
    return out;
  }
  return fromLittleEndianBytes(STORED_AS[dtype], bytes);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function swapBytes(bytes: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) for (let j = 0; j < width; j++) out[i + j] = bytes[i + width - 1 - j];
  return out;
}
