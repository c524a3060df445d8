/**
 * Wire format shared by the transports of src/shared/contract.ts (Electron IPC, HTTP + WebSocket),
 * the contract form every result goes through (`jsonify`: JSON with typed arrays kept) and the
 * readers of the server's replies and events (JSON, or typed frames: typed-frame.ts).
 */
import { decodeTypedFrame, TYPED_FRAME_CONTENT_TYPE } from './typed-frame';
import { ContractError, type ContractErrorJson, type EventName, type Events, type Jsonified, type PlainJson } from './contract';

/** Body of `POST /rpc` and the argument of the IPC call channel. */
export interface RpcRequest {
  method: string;
  params?: unknown;
}

/** Reply to an RpcRequest: a result or a contract error, never a thrown exception. */
export type RpcResponse = { ok: true; result: unknown } | { ok: false; error: ContractErrorJson };

/** One pushed event (WS text or typed-frame message, or IPC event message). */
export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: Events[E];
}

/** Electron IPC channel names (one for calls, one for events). */
export const IPC_CALL_CHANNEL = 'desa:call';
export const IPC_EVENT_CHANNEL = 'desa:event';

/** Name of the query parameter / cookie that carries the headless server's token. */
export const TOKEN_PARAM = 'token';

/**
 * Converts a value to its contract form (see `Jsonified`): typed arrays stay typed arrays (NaN and
 * Infinity inside them as they are; 64-bit integer arrays become decimal strings), other
 * non-finite numbers become null, bigint becomes a decimal string. Plain objects and arrays are
 * copied recursively; class instances with a `toJSON` are left to it. Transports carry the typed
 * arrays natively (Electron's structured clone) or framed (`typed-frame.ts` on the server).
 */
export function jsonify<T>(value: T): Jsonified<T> {
  return convert(value, true) as Jsonified<T>;
}

/**
 * The pure JSON form of a value (see `PlainJson`): like `jsonify`, but typed arrays become arrays
 * too (NaN → null), for results printed as JSON text (the CLI's `--json`).
 */
export function plainJson<T>(value: T): PlainJson<T> {
  return convert(value, false) as PlainJson<T>;
}

function convert(value: unknown, keepTyped: boolean): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const is64 = value instanceof BigInt64Array || value instanceof BigUint64Array;
    if (keepTyped && !is64) return value;
    const view = value as unknown as ArrayLike<number | bigint>;
    const out = new Array<unknown>(view.length);
    for (let i = 0; i < view.length; i++) out[i] = convert(view[i], keepTyped);
    return out;
  }
  if (Array.isArray(value)) return value.map((item) => convert(item, keepTyped));
  if (value instanceof Date) return value.toISOString();
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[key] = convert(item, keepTyped);
  }
  return out;
}

/**
 * Reads the server's reply to `POST /rpc` (JSON, or a typed frame by its content type); works with
 * the fetch Response of browsers and of Node.
 */
export async function readRpcReply(response: Response): Promise<RpcResponse> {
  if (response.headers.get('content-type')?.startsWith(TYPED_FRAME_CONTENT_TYPE)) {
    return decodeTypedFrame(await response.arrayBuffer()) as RpcResponse;
  }
  return (await response.json()) as RpcResponse;
}

/** Reads one `WS /events` message: a JSON text frame or a binary typed frame. */
export function readEventMessage(data: string | ArrayBuffer | Uint8Array): EventMessage {
  return (typeof data === 'string' ? JSON.parse(data) : decodeTypedFrame(data)) as EventMessage;
}

/** Turns anything thrown by a service into the error shape the transports send. */
export function toErrorJson(err: unknown): ContractErrorJson {
  if (err instanceof ContractError) return err.toJSON();
  if (isErrorJson(err)) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message };
}

/** Rebuilds the ContractError on the client side of a transport. */
export function fromErrorJson(error: ContractErrorJson): ContractError {
  return new ContractError(error.code, error.message);
}

function isErrorJson(value: unknown): value is ContractErrorJson {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ContractErrorJson).code === 'string' &&
    typeof (value as ContractErrorJson).message === 'string' &&
    !(value instanceof Error)
  );
}

/**
 * The object the preload script exposes as `window.desa` (contextBridge). Deliberately narrow: one
 * call function and one event subscription; the renderer's client turns replies into results or
 * ContractErrors (errors lose their type when they cross the bridge, so the reply carries them).
 */
export interface DesaBridge {
  call(method: string, params: unknown): Promise<RpcResponse>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}
