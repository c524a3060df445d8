/**
 * The training worker: runs DESA stages (training and embedding) off the thread that serves the
 * GUI, CLI or server. tfjs, its backend (native CPU kernels, wasm, ...) and the model live here; the
 * project database does not: every store read and the embeddings write go through a stand-in that
 * forwards them to the host thread (stage-worker.ts explains why).
 */
// First: the resolve hook tfjs-core's gradients need under Node's own loader (tf.ts imports them dynamically).
import '../platform/tfjs-resolve-hook';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { selectBackend, describeBackend } from '../model/backend/select';
import { copyForTransfer, errorToJson, remoteMethods } from '../jobs/rpc';
import { inProcessRunner, type StageContext } from './stages';
import { STAGE_STORE_METHODS, type StageStore } from './project-data';
import type { HostMessage, StageWorkerData, WorkerMessage } from './stage-worker-protocol';

const port = parentPort as MessagePort;
const post = (msg: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

// Every tensor read on the training and embedding path is asynchronous, so WebGPU in Node (which cannot
// read synchronously) is selectable here.
const backend = await selectBackend((workerData as StageWorkerData | undefined)?.backends, { syncReads: false });
post({ type: 'ready', backend: { active: backend.active, tfBackend: backend.tfBackend, description: describeBackend(backend), probes: backend.probes } });

const running = new Map<number, AbortController>();

async function run(msg: Extract<HostMessage, { type: 'run' }>): Promise<void> {
  const controller = new AbortController();
  running.set(msg.id, controller);
  const store = remoteMethods<StageStore, (typeof STAGE_STORE_METHODS)[number]>(msg.store, STAGE_STORE_METHODS, { signal: controller.signal });
  const ctx: StageContext = {
    ...msg.context, store, signal: controller.signal,
    onStep: (stage, report) => post({ type: 'step', id: msg.id, stage, report }),
  };
  try {
    const value = msg.job.kind === 'train' ? await inProcessRunner.train(ctx, msg.job.stage, msg.job.config) : await inProcessRunner.embed(ctx);
    const copied = copyForTransfer(value);
    post({ type: 'done', id: msg.id, value: copied.value }, copied.transfer);
  } catch (err) {
    post({ type: 'failed', id: msg.id, error: errorToJson(err) });
  } finally {
    running.delete(msg.id);
    msg.store.close();
  }
}

port.on('message', (msg: HostMessage) => {
  if (msg.type === 'cancel') running.get(msg.id)?.abort(msg.reason);
  else void run(msg);
});
