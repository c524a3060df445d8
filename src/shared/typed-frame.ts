/**
 * The binary form of a contract reply or event for the headless server (HTTP `POST /rpc` and
 * `WS /events`): typed arrays travel as their raw little-endian bytes instead of JSON number arrays,
 * which at a million stars cost tens of seconds to write, send and parse.
 *
 * A frame is
 *   bytes 0–3   ASCII "DSA1" (magic and version)
 *   bytes 4–7   uint32 LE: length H of the head
 *   bytes 8…    the head, UTF-8 JSON: `{ "value": …, "arrays": [{ "type", "offset", "length" }] }`
 *               where each typed array of the value is replaced by `{ "$typed": type, "index": i }`
 *   then        the data section, from the first multiple of 8 after the head: the arrays' bytes,
 *               each at a multiple of 8 (the head's offsets count from the section's start)
 * so a decoder that has the frame in its own ArrayBuffer (fetch's `arrayBuffer()`, a WebSocket with
 * `binaryType = 'arraybuffer'`) views every array in place, without a copy.
 *
 * Everything else stays JSON, so bigint and non-finite-number rules are those of `jsonify`.
 */

/** Content type of a framed HTTP reply (a JSON reply keeps application/json). */
export const TYPED_FRAME_CONTENT_TYPE = 'application/vnd.desa.typed-frame';

const MAGIC = [0x44, 0x53, 0x41, 0x31]; // "DSA1"
const ALIGN = 8;

type TypedArrayConstructor =
  | Int8ArrayConstructor | Uint8ArrayConstructor | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor | Uint16ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor
  | Float32ArrayConstructor | Float64ArrayConstructor | BigInt64ArrayConstructor | BigUint64ArrayConstructor;

/** Every typed-array kind the frame carries, by the name that travels in the head. */
const KINDS: Record<string, TypedArrayConstructor> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

/** Any typed array the frame carries. */
export type AnyTypedArray =
  | Int8Array<ArrayBufferLike> | Uint8Array<ArrayBufferLike> | Uint8ClampedArray<ArrayBufferLike>
  | Int16Array<ArrayBufferLike> | Uint16Array<ArrayBufferLike> | Int32Array<ArrayBufferLike> | Uint32Array<ArrayBufferLike>
  | Float32Array<ArrayBufferLike> | Float64Array<ArrayBufferLike> | BigInt64Array<ArrayBufferLike> | BigUint64Array<ArrayBufferLike>;

interface ArrayEntry {
  type: string;
  /** Byte offset from the start of the data section (the first multiple of 8 after the head). */
  offset: number;
  /** Element count. */
  length: number;
}

interface Placeholder {
  $typed: string;
  index: number;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** True for typed arrays (any ArrayBuffer view but DataView). */
export function isTypedArray(value: unknown): value is AnyTypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** Whether `value` holds a typed array anywhere (plain objects and arrays are searched). */
export function containsTypedArray(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (isTypedArray(value)) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object' && containsTypedArray(item)) return true;
    return false;
  }
  if (!isPlainObject(value)) return false;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object' && containsTypedArray(item)) return true;
  }
  return false;
}

/**
 * Encodes `value` (already in its contract form, see `jsonify`) as one frame.
 * @throws Error when the value holds an object with a `$typed` key (it would read back as an array)
 *   or when this host is big-endian (the frame is little-endian)
 */
export function encodeTypedFrame(value: unknown): Uint8Array<ArrayBuffer> {
  if (!littleEndianHost) throw new Error('typed frame: this host is big-endian; the frame format is little-endian');
  const arrays: AnyTypedArray[] = [];
  const placed = withPlaceholders(value, arrays);
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const a of arrays) {
    entries.push({ type: kindName(a), offset, length: a.length });
    offset = align(offset + a.byteLength);
  }
  const headBytes = new TextEncoder().encode(JSON.stringify({ value: placed, arrays: entries }));
  const dataStart = align(8 + headBytes.length);
  const frame = new Uint8Array(dataStart + offset);
  frame.set(MAGIC, 0);
  new DataView(frame.buffer).setUint32(4, headBytes.length, true);
  frame.set(headBytes, 8);
  arrays.forEach((a, i) => frame.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + entries[i].offset));
  return frame;
}

/**
 * Decodes a frame made by `encodeTypedFrame`. Arrays are views into `bytes`'s buffer when their
 * offset is aligned for their element size there, copies otherwise (e.g. a Node Buffer from a pool).
 * @throws Error naming the problem when the bytes are not a well-formed frame
 */
export function decodeTypedFrame(bytes: ArrayBuffer | Uint8Array): unknown {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (!littleEndianHost) throw new Error('typed frame: this host is big-endian; the frame format is little-endian');
  if (view.length < 8 || MAGIC.some((b, i) => view[i] !== b)) throw new Error('typed frame: missing the DSA1 signature');
  const headLength = new DataView(view.buffer, view.byteOffset, view.byteLength).getUint32(4, true);
  if (8 + headLength > view.length) throw new Error(`typed frame: head of ${headLength} bytes runs past the frame's ${view.length} bytes`);
  const head = JSON.parse(new TextDecoder().decode(view.subarray(8, 8 + headLength))) as { value: unknown; arrays: ArrayEntry[] };
  const dataStart = align(8 + headLength);
  const arrays = head.arrays.map((entry, i) => {
    const Kind = KINDS[entry.type];
    if (!Kind) throw new Error(`typed frame: array ${i} has unknown type '${entry.type}'`);
    const byteLength = entry.length * Kind.BYTES_PER_ELEMENT;
    const at = dataStart + entry.offset;
    if (at + byteLength > view.length) throw new Error(`typed frame: array ${i} (${entry.type}, ${entry.length} values) runs past the frame's end`);
    const start = view.byteOffset + at;
    if (start % Kind.BYTES_PER_ELEMENT === 0) return new Kind(view.buffer as ArrayBuffer, start, entry.length);
    return new Kind(view.slice(at, at + byteLength).buffer, 0, entry.length);
  });
  return withArrays(head.value, arrays);
}

/** The standard kind of a typed array (a Node Buffer travels as the Uint8Array it is). */
function kindName(array: AnyTypedArray): string {
  for (const [name, Kind] of Object.entries(KINDS)) if (array instanceof Kind) return name;
  throw new Error(`typed frame: cannot carry a ${array.constructor.name}`);
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A copy of `value` with each typed array replaced by a placeholder (arrays of primitives are shared, not copied). */
function withPlaceholders(value: unknown, arrays: AnyTypedArray[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isTypedArray(value)) {
    arrays.push(value);
    return { $typed: kindName(value), index: arrays.length - 1 } satisfies Placeholder;
  }
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || typeof item !== 'object') continue;
      const replaced = withPlaceholders(item, arrays);
      if (replaced !== item) (out ??= value.slice())[i] = replaced;
    }
    return out ?? value;
  }
  if (!isPlainObject(value)) return value;
  if (Object.hasOwn(value, '$typed')) throw new Error("typed frame: a value holds an object with a '$typed' key, which the frame reserves for its arrays");
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = withPlaceholders(item, arrays);
  return out;
}

/** Puts the decoded arrays back where their placeholders are (in place: the head is ours). */
function withArrays(value: unknown, arrays: AnyTypedArray[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && typeof item === 'object') value[i] = withArrays(item, arrays);
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.$typed === 'string' && typeof record.index === 'number') {
    const array = arrays[record.index];
    if (!array || array.constructor.name !== record.$typed) throw new Error(`typed frame: placeholder for array ${record.index} (${record.$typed}) has no matching array`);
    return array;
  }
  for (const key of Object.keys(record)) record[key] = withArrays(record[key], arrays);
  return record;
}
