/**
 * Method calls across a MessagePort: one thread owns an object (e.g. the project store, whose DuckDB
 * file must be opened by one thread only) and serves a fixed list of its methods; another thread
 * gets a stand-in whose methods post the call and await the reply. Typed arrays in arguments and
 * results are copied into fresh buffers and those buffers are transferred, so a large array crosses
 * once and neither side can have a buffer it still uses detached under it.
 */
import type { MessagePort } from 'node:worker_threads';
import { throwIfCancelled } from './cancel';
import { CancelledError } from '../../shared/jobs';

/** An error as it crosses threads: its name (e.g. 'SurveyError', 'CancelledError') and message survive. */
export interface ErrorJson {
  name: string;
  message: string;
  stack?: string;
}

type CallMessage = { id: number; method: string; args: unknown[] };
type ReplyMessage = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ErrorJson };

/** `err` as plain data for postMessage. */
export function errorToJson(err: unknown): ErrorJson {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, stack: e.stack };
}

/** Rebuilds an error sent by errorToJson; a 'CancelledError' becomes our CancelledError again. */
export function errorFromJson(e: ErrorJson): Error {
  const err = e.name === 'CancelledError' ? new CancelledError(e.message) : new Error(e.message);
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}

/**
 * `value` with every typed array replaced by a copy in its own buffer, and the list of those
 * buffers to transfer. Plain objects and arrays are walked; anything else (strings, numbers,
 * bigints, Dates, Maps) is left to structured clone.
 */
export function copyForTransfer<T>(value: T): { value: T; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const copy = (v as unknown as { slice(): ArrayBufferView }).slice();
      transfer.push(copy.buffer as ArrayBuffer);
      return copy;
    }
    if (Array.isArray(v)) return v.map(walk);
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) out[k] = walk(child);
    return out;
  };
  return { value: walk(value) as T, transfer };
}

/**
 * Answers calls arriving on `port` with `target`'s methods named in `methods` (any other name is
 * refused). Returns a function that stops serving and closes the port.
 */
export function serveMethods<T extends object>(port: MessagePort, target: T, methods: readonly (keyof T & string)[]): () => void {
  const allowed = new Set<string>(methods);
  port.on('message', async (msg: CallMessage) => {
    let reply: ReplyMessage;
    let transfer: ArrayBuffer[] = [];
    try {
      if (!allowed.has(msg.method)) throw new Error(`method '${msg.method}' is not served to the worker`);
      const fn = (target as Record<string, unknown>)[msg.method] as (...args: unknown[]) => unknown;
      const copied = copyForTransfer(await fn.apply(target, msg.args));
      reply = { id: msg.id, ok: true, value: copied.value };
      transfer = copied.transfer;
    } catch (err) {
      reply = { id: msg.id, ok: false, error: errorToJson(err) };
    }
    port.postMessage(reply, transfer);
  });
  return () => port.close();
}

/**
 * A stand-in for an object served by serveMethods on the other end of `port`: each listed method
 * returns a promise of the remote result. Calls made after `signal` aborts reject with
 * CancelledError without crossing, so a cancelled job stops at its next read.
 */
export function remoteMethods<T extends object, K extends keyof T & string>(
  port: MessagePort,
  methods: readonly K[],
  opts: { signal?: AbortSignal } = {},
): Pick<T, K> {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  port.on('message', (reply: ReplyMessage) => {
    const call = pending.get(reply.id);
    if (!call) return;
    pending.delete(reply.id);
    if (pending.size === 0) port.unref();
    if (reply.ok) call.resolve(reply.value);
    else call.reject(errorFromJson(reply.error));
  });
  port.on('close', () => {
    for (const call of pending.values()) call.reject(new Error('the thread serving these calls closed the channel'));
    pending.clear();
  });
  // Only waiting calls keep the thread alive, not an idle channel.
  port.unref();
  const stub: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of methods) {
    stub[method] = (...args: unknown[]) => {
      try {
        throwIfCancelled(opts.signal);
      } catch (e) {
        return Promise.reject(e);
      }
      const id = nextId++;
      const copied = copyForTransfer(args);
      return new Promise((resolve, reject) => {
        if (pending.size === 0) port.ref();
        pending.set(id, { resolve, reject });
        port.postMessage({ id, method, args: copied.value } satisfies CallMessage, copied.transfer);
      });
    };
  }
  return stub as unknown as Pick<T, K>;
}
