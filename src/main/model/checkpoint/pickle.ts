/**
 * A safe, data-only reader for the pickles inside `torch.save` files.
 *
 * A pickle is a program for a small stack machine, and Python's unpickler will import and call any
 * global it names, which is how malicious checkpoints run code. This reader executes nothing: it
 * understands only the opcodes a state dict uses, and the only "callables" it accepts are a short
 * whitelist of classes and functions that it re-implements as pure data constructors (an ordered
 * dict, a tensor view on a storage). Anything else is rejected with an error naming the file, the
 * opcode or class, and the byte offset.
 */
import { CheckpointError } from './errors.js';

/** A Python tuple (kept distinct from lists because torch passes sizes and persistent ids as tuples). */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A Python dict or OrderedDict; keys are strings or integers, insertion order is kept. */
export class PyDict {
  readonly map = new Map<string | number, PyValue>();
}

/** A whitelisted global named by GLOBAL; it can only be called by REDUCE or used as a storage type. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Element types of torch storages that a checkpoint may hold. */
export type StorageDType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** A reference to raw storage `data/<key>` in the archive, produced by BINPERSID. */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: StorageDType,
    readonly numel: number,
  ) {}
}

/** A tensor view on a storage, produced by `torch._utils._rebuild_tensor_v2`. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly storageOffset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

/** Any value the reader can produce. Lists are plain arrays. */
export type PyValue = null | boolean | number | bigint | string | PyValue[] | PyTuple | PyDict | PyGlobal | StorageRef | TensorRef;

/** torch storage classes (as named in GLOBAL) and the element type they hold. */
const STORAGE_CLASSES: Record<string, StorageDType> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

/** Globals a state dict may name; anything else is refused before it is even looked at further. */
const ALLOWED_GLOBALS = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  ...Object.keys(STORAGE_CLASSES).map((n) => `torch.${n}`),
]);

/** Opcode bytes (names as in Python's pickletools). */
const OP = {
  PROTO: 0x80,
  FRAME: 0x95,
  STOP: 0x2e, // '.'
  MARK: 0x28, // '('
  EMPTY_DICT: 0x7d, // '}'
  EMPTY_LIST: 0x5d, // ']'
  EMPTY_TUPLE: 0x29, // ')'
  TUPLE: 0x74, // 't'
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  LIST: 0x6c, // 'l'
  DICT: 0x64, // 'd'
  APPEND: 0x61, // 'a'
  APPENDS: 0x65, // 'e'
  SETITEM: 0x73, // 's'
  SETITEMS: 0x75, // 'u'
  BINUNICODE: 0x58, // 'X'
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BININT: 0x4a, // 'J'
  BININT1: 0x4b, // 'K'
  BININT2: 0x4d, // 'M'
  LONG1: 0x8a,
  BINFLOAT: 0x47, // 'G'
  NONE: 0x4e, // 'N'
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  BINPUT: 0x71, // 'q'
  LONG_BINPUT: 0x72, // 'r'
  MEMOIZE: 0x94,
  BINGET: 0x68, // 'h'
  LONG_BINGET: 0x6a, // 'j'
  GLOBAL: 0x63, // 'c'
  STACK_GLOBAL: 0x93,
  REDUCE: 0x52, // 'R'
  BUILD: 0x62, // 'b'
  BINPERSID: 0x51, // 'Q'
} as const;

const OPCODE_NAMES = new Map<number, string>(Object.entries(OP).map(([name, code]) => [code, name]));

/** Marker object pushed by MARK. */
const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

/**
 * Parses a torch.save pickle (protocol 2 to 5) into plain data.
 *
 * @param bytes the `data.pkl` member.
 * @param file  the name used in error messages (e.g. `model.pth:archive/data.pkl`).
 * @returns the unpickled top-level object, usually a {@link PyDict} of {@link TensorRef}s.
 * @throws CheckpointError for any opcode or global outside the whitelist, or a malformed stream.
 */
export function parseTorchPickle(bytes: Uint8Array, file: string): PyValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: StackItem[] = [];
  const memo = new Map<number, PyValue>();
  let pos = 0;
  let opStart = 0;

  const fail = (problem: string): never => {
    throw new CheckpointError(file, `pickle: ${problem} (at byte ${opStart})`);
  };
  const need = (n: number): void => {
    if (pos + n > bytes.length) fail('truncated stream');
  };
  const u8 = (): number => (need(1), bytes[pos++]);
  const u16 = (): number => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = (): number => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const text = (n: number): string => {
    need(n);
    const s = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(pos, pos + n));
    pos += n;
    return s;
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('unterminated GLOBAL name');
    const s = new TextDecoder('ascii').decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined) fail('stack underflow');
    if (v === MARK) fail('unexpected MARK');
    return v as PyValue;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) fail('stack underflow');
    return v as PyValue;
  };
  const popMark = (): PyValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail('no MARK on the stack');
    const items = stack.splice(at) as PyValue[];
    items.shift();
    return items;
  };
  const makeGlobal = (module: string, name: string): PyGlobal => {
    const qualified = `${module}.${name}`;
    if (!ALLOWED_GLOBALS.has(qualified)) {
      fail(`refusing global '${qualified}': only state-dict classes (OrderedDict, torch tensors and storages) are allowed; this file may be malicious or is not a plain state dict`);
    }
    return new PyGlobal(module, name);
  };
  const setItems = (target: PyValue, items: PyValue[]): void => {
    if (!(target instanceof PyDict)) fail('SETITEM(S) on something that is not a dict');
    if (items.length % 2 !== 0) fail('odd number of items for SETITEMS');
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i];
      if (typeof key !== 'string' && typeof key !== 'number') fail(`unsupported dict key type (${describe(key)})`);
      (target as PyDict).map.set(key as string | number, items[i + 1]);
    }
  };

  for (;;) {
    opStart = pos;
    const op = u8();
    switch (op) {
      case OP.PROTO: {
        const version = u8();
        if (version > 5) fail(`unsupported pickle protocol ${version}`);
        break;
      }
      case OP.FRAME:
        need(8);
        pos += 8; // frame length: we read the whole buffer anyway
        break;
      case OP.STOP: {
        const result = pop();
        return result;
      }
      case OP.MARK:
        stack.push(MARK);
        break;
      case OP.EMPTY_DICT:
        stack.push(new PyDict());
        break;
      case OP.EMPTY_LIST:
        stack.push([]);
        break;
      case OP.EMPTY_TUPLE:
        stack.push(new PyTuple([]));
        break;
      case OP.TUPLE:
        stack.push(new PyTuple(popMark()));
        break;
      case OP.TUPLE1: {
        const a = pop();
        stack.push(new PyTuple([a]));
        break;
      }
      case OP.TUPLE2: {
        const b = pop();
        const a = pop();
        stack.push(new PyTuple([a, b]));
        break;
      }
      case OP.TUPLE3: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push(new PyTuple([a, b, c]));
        break;
      }
      case OP.LIST:
        stack.push(popMark());
        break;
      case OP.DICT: {
        const d = new PyDict();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case OP.APPEND: {
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) fail('APPEND on something that is not a list');
        (list as PyValue[]).push(v);
        break;
      }
      case OP.APPENDS: {
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) fail('APPENDS on something that is not a list');
        (list as PyValue[]).push(...items);
        break;
      }
      case OP.SETITEM: {
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case OP.SETITEMS: {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case OP.BINUNICODE:
        stack.push(text(u32()));
        break;
      case OP.SHORT_BINUNICODE:
        stack.push(text(u8()));
        break;
      case OP.BINUNICODE8: {
        need(8);
        const n = view.getBigUint64(pos, true);
        pos += 8;
        if (n > BigInt(bytes.length)) fail('string length beyond the end of the stream');
        stack.push(text(Number(n)));
        break;
      }
      case OP.BININT:
        need(4);
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      case OP.BININT1:
        stack.push(u8());
        break;
      case OP.BININT2:
        stack.push(u16());
        break;
      case OP.LONG1: {
        const n = u8();
        need(n);
        stack.push(readLong1(bytes.subarray(pos, pos + n)));
        pos += n;
        break;
      }
      case OP.BINFLOAT:
        need(8);
        stack.push(view.getFloat64(pos, false)); // pickle floats are big-endian
        pos += 8;
        break;
      case OP.NONE:
        stack.push(null);
        break;
      case OP.NEWTRUE:
        stack.push(true);
        break;
      case OP.NEWFALSE:
        stack.push(false);
        break;
      case OP.BINPUT:
        memo.set(u8(), top());
        break;
      case OP.LONG_BINPUT:
        memo.set(u32(), top());
        break;
      case OP.MEMOIZE:
        memo.set(memo.size, top());
        break;
      case OP.BINGET:
      case OP.LONG_BINGET: {
        const index = op === OP.BINGET ? u8() : u32();
        if (!memo.has(index)) fail(`memo entry ${index} does not exist`);
        stack.push(memo.get(index) as PyValue);
        break;
      }
      case OP.GLOBAL: {
        const module = line();
        const name = line();
        stack.push(makeGlobal(module, name));
        break;
      }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(makeGlobal(module as string, name as string));
        break;
      }
      case OP.BINPERSID:
        stack.push(persistentLoad(pop(), fail));
        break;
      case OP.REDUCE: {
        const args = pop();
        const callable = pop();
        if (!(callable instanceof PyGlobal)) fail(`REDUCE on a non-callable (${describe(callable)})`);
        if (!(args instanceof PyTuple)) fail('REDUCE arguments are not a tuple');
        stack.push(callWhitelisted(callable as PyGlobal, (args as PyTuple).items, fail));
        break;
      }
      case OP.BUILD: {
        const state = pop();
        const target = top();
        // OrderedDict state dicts carry a `_metadata` attribute (module versions); tensors and
        // parameters may carry an empty state. Neither affects the weights, so both are dropped.
        const harmless = (target instanceof PyDict || target instanceof TensorRef) && (state === null || state instanceof PyDict || state instanceof PyTuple);
        if (!harmless) fail(`BUILD on ${describe(target)} is not allowed`);
        break;
      }
      default: {
        const name = OPCODE_NAMES.get(op);
        fail(`opcode 0x${op.toString(16).padStart(2, '0')}${name ? ` (${name})` : ''} '${printable(op)}' is not allowed in a state-dict pickle`);
      }
    }
  }
}

function printable(op: number): string {
  return op >= 0x20 && op < 0x7f ? String.fromCharCode(op) : '?';
}

/** Little-endian two's-complement integer of `n` bytes (LONG1); small values become numbers. */
function readLong1(digits: Uint8Array): number | bigint {
  const n = digits.length;
  if (n === 0) return 0;
  let value = 0n;
  for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(digits[i]);
  if (digits[n - 1] & 0x80) value -= 1n << BigInt(8 * n);
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value;
}

function describe(v: PyValue | undefined): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof PyGlobal) return `global ${v.qualifiedName}`;
  if (typeof v === 'object') return `a ${v.constructor.name}`;
  return `a ${typeof v}`;
}

function asInt(v: PyValue, what: string, fail: (p: string) => never): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(`${what} must be a non-negative integer, got ${describe(v)}`);
  return v as number;
}

function asIntTuple(v: PyValue, what: string, fail: (p: string) => never): number[] {
  if (!(v instanceof PyTuple)) fail(`${what} must be a tuple`);
  return (v as PyTuple).items.map((x, i) => asInt(x, `${what}[${i}]`, fail));
}

/** torch's persistent id for a storage: ('storage', <storage class>, key, location, numel). */
function persistentLoad(pid: PyValue, fail: (p: string) => never): StorageRef {
  if (!(pid instanceof PyTuple) || pid.items.length < 5 || pid.items[0] !== 'storage') {
    fail(`unsupported persistent id (${describe(pid)}); expected a torch storage reference`);
  }
  const [, type, key, , numel] = (pid as PyTuple).items;
  if (!(type instanceof PyGlobal) || type.module !== 'torch' || !(type.name in STORAGE_CLASSES)) {
    fail(`persistent id names an unsupported storage type (${describe(type)})`);
  }
  if (typeof key !== 'string' || !/^[A-Za-z0-9_]+$/.test(key)) fail('storage key must be a plain name');
  return new StorageRef(key as string, STORAGE_CLASSES[(type as PyGlobal).name], asInt(numel, 'storage size', fail));
}

/** The whitelisted callables, re-implemented as data constructors. */
function callWhitelisted(fn: PyGlobal, args: PyValue[], fail: (p: string) => never): PyValue {
  switch (fn.qualifiedName) {
    case 'collections.OrderedDict': {
      const d = new PyDict();
      if (args.length > 0) fail('OrderedDict with constructor arguments is not supported');
      return d;
    }
    case 'torch._utils._rebuild_tensor_v2': {
      // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
      const [storage, offset, size, stride] = args;
      if (!(storage instanceof StorageRef)) fail('_rebuild_tensor_v2 without a storage');
      const shape = asIntTuple(size, 'tensor size', fail);
      const strides = asIntTuple(stride, 'tensor stride', fail);
      if (shape.length !== strides.length) fail('tensor size and stride have different lengths');
      return new TensorRef(storage as StorageRef, asInt(offset, 'storage offset', fail), shape, strides);
    }
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state': {
      // (data, requires_grad, backward_hooks[, state]): a Parameter is its data for our purposes.
      const data = args[0];
      if (!(data instanceof TensorRef)) fail(`${fn.name} without tensor data`);
      return data;
    }
    default:
      return fail(`global '${fn.qualifiedName}' cannot be called`);
  }
}
