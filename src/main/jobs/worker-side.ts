/**
 * The worker half of WorkerPool's protocol. A `*.worker.ts` entry file calls `serveTasks(handler)`
 * once; each task message is answered with the handler's value, moving typed-array buffers instead
 * of copying them.
 */
import { parentPort } from 'node:worker_threads';
import { collectTransferables, type TaskReply, type TaskRequest } from './protocol';

/**
 * Answers WorkerPool tasks with `handler`. Errors are sent back with their name and message, so
 * the pool can rethrow them (a SurveyError keeps its name and its message naming the file).
 */
export function serveTasks<In, Out>(handler: (input: In) => Out | Promise<Out>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks() must run inside a worker thread');
  port.on('message', async (msg: TaskRequest<In>) => {
    let reply: TaskReply<Out>;
    try {
      reply = { id: msg.id, ok: true, value: await handler(msg.input) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { id: msg.id, ok: false, error: { name: e.name, message: e.message, stack: e.stack } };
    }
    try {
      port.postMessage(reply, reply.ok ? collectTransferables(reply.value) : []);
    } catch {
      // Some buffers (e.g. Node's shared Buffer pool) cannot be transferred: copy instead.
      port.postMessage(reply);
    }
  });
}
