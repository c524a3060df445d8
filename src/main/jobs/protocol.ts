/** Messages between WorkerPool (main thread) and serveTasks (worker thread). */

export interface TaskRequest<In> {
  id: number;
  input: In;
}

export type TaskReply<Out> =
  | { id: number; ok: true; value: Out }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

/**
 * Every distinct ArrayBuffer reachable from `value` through typed arrays, plain objects and arrays,
 * so a result full of Float32Arrays is moved rather than copied. Each buffer is listed once
 * (listing one twice is an error for postMessage).
 */
export function collectTransferables(value: unknown): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) buffers.add(v.buffer);
      return;
    }
    if (v instanceof ArrayBuffer) {
      buffers.add(v);
      return;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) visit(child);
  };
  visit(value);
  return [...buffers];
}
