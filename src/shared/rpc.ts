/**
 * Wire format shared by the transports of src/shared/contract.ts (Electron IPC, HTTP + WebSocket)
 * and the JSON mapping every result goes through.
 */
import { ContractError, type ContractErrorJson, type EventName, type Events, type Jsonified } from './contract';

/** Body of `POST /rpc` and the argument of the IPC call channel. */
export interface RpcRequest {
  method: string;
  params?: unknown;
}

/** Reply to an RpcRequest: a result or a contract error, never a thrown exception. */
export type RpcResponse = { ok: true; result: unknown } | { ok: false; error: ContractErrorJson };

/** One pushed event (WS text frame or IPC event message). */
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
 * Converts a value to its JSON form (see `Jsonified`): typed arrays to plain arrays, non-finite
 * numbers to null, bigint to decimal strings. Plain objects and arrays are copied recursively;
 * class instances with a `toJSON` are left to it.
 */
export function jsonify<T>(value: T): Jsonified<T> {
  return convert(value) as Jsonified<T>;
}

function convert(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const view = value as unknown as ArrayLike<number | bigint>;
    const out = new Array<unknown>(view.length);
    for (let i = 0; i < view.length; i++) out[i] = convert(view[i]);
    return out;
  }
  if (Array.isArray(value)) return value.map(convert);
  if (value instanceof Date) return value.toISOString();
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[key] = convert(item);
  }
  return out;
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
