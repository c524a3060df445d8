/**
 * Picks the fastest TensorFlow.js backend this machine can run, in the order the training engine
 * wants them: tfjs-node-gpu (CUDA 11.2 / cuDNN 8.1), tfjs-node, WebGPU (any Vulkan/Metal/D3D12 GPU via
 * the optional npm packages `webgpu` + `@tensorflow/tfjs-backend-webgpu`), then the CPU with our native
 * kernels, then wasm, then plain cpu. Every probe that fails says why, so the GUI and CLI can show
 * which backend runs and what the user could install for a faster one.
 *
 * tfjs-node(-gpu) are not dependencies (they cannot be installed offline: their install script
 * downloads libtensorflow) and `webgpu` (Dawn) is an optional one; all are imported by name at run
 * time when present. WebGPU is accepted only after a numeric self-test against the cpu backend, and a
 * software adapter only when WebGPU was asked for by name (see webgpu.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadNativeKernelAddon, nativeKernelLoadError, registerNativeKernels } from './native-kernels';
import { probeDawnWebGpu } from './webgpu';

export type BackendChoice = 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'cpu-native' | 'wasm' | 'cpu';

export interface BackendProbe {
  name: BackendChoice;
  ok: boolean;
  detail: string;
}

export interface BackendReport {
  /** What runs: one of the choices above. */
  active: BackendChoice;
  /** The tfjs backend name underneath ('tensorflow', 'webgpu', 'cpu', 'wasm'). */
  tfBackend: string;
  probes: BackendProbe[];
}

export const BACKEND_ORDER: BackendChoice[] = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'cpu-native', 'wasm', 'cpu'];

/** Dynamic import of an optional package; null with the reason when it is not installed or fails. */
async function importOptional(name: string): Promise<{ mod: unknown } | { error: string }> {
  try {
    return { mod: await import(/* @vite-ignore */ name) };
  } catch (e) {
    const msg = (e as Error).message;
    return { error: /Cannot find (package|module)/.test(msg) ? `${name} is not installed` : `${name} failed to load: ${msg}` };
  }
}

async function tryTfjsNode(pkg: string): Promise<string | true> {
  const r = await importOptional(pkg);
  if ('error' in r) return r.error;
  if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but its backend did not initialise`;
  if (pkg.endsWith('-gpu') && !(tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice) {
    return `${pkg} loaded but found no CUDA device (needs CUDA 11.2 and cuDNN 8.1)`;
  }
  return true;
}

function tryNativeCpu(): string | true {
  const addon = loadNativeKernelAddon();
  if (!addon) return nativeKernelLoadError() ?? 'native kernels unavailable';
  registerNativeKernels(addon);
  return true;
}

async function tryWasm(): Promise<string | true> {
  const r = await importOptional('@tensorflow/tfjs-backend-wasm');
  if ('error' in r) return r.error;
  const wasm = r.mod as { setWasmPaths(prefix: string): void };
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  return (await tf.setBackend('wasm')) ? true : 'the wasm backend did not initialise';
}

/** A probe's answer: true (works), a reason it does not, or success with details worth showing. */
type ProbeOutcome = string | true | { ok: true; detail: string };

/** What the caller of `selectBackend` needs from a backend. */
export interface SelectOptions {
  /**
   * The caller reads tensors with dataSync()/arraySync() (default true, the safe answer for code that has
   * not been checked). WebGPU in Node cannot (tfjs reads GPU data synchronously through OffscreenCanvas),
   * so it is skipped unless this is false. The training worker passes false: the trainer, checkpoints and
   * embedding read only with `await data()`.
   */
  syncReads?: boolean;
}

interface ProbeContext {
  /** The backend was asked for by name (`only`, DESA_BACKEND), not reached in the automatic order. */
  pinned: boolean;
  syncReads: boolean;
}

/**
 * On Linux a hardware adapter needs a GPU device node. Without one, Dawn can only find software
 * drivers (which the automatic order skips anyway) and prints driver warnings on stderr, so the
 * automatic probe stops here. A pinned backend, or an ICD named in VK_ICD_FILENAMES, still probes.
 */
function noGpuDeviceNode(ctx: ProbeContext): string | null {
  if (process.platform !== 'linux' || ctx.pinned || process.env.VK_ICD_FILENAMES) return null;
  const hasNode = (dir: string, prefix: string) => { try { return readdirSync(dir).some((f) => f.startsWith(prefix)); } catch { return false; } };
  return hasNode('/dev/dri', 'renderD') || hasNode('/dev', 'nvidia') ? null
    : 'no GPU device node (/dev/dri/renderD*, /dev/nvidia*), so no hardware WebGPU adapter (DESA_BACKEND=webgpu probes anyway)';
}

async function tryWebGpu(ctx: ProbeContext): Promise<ProbeOutcome> {
  const noDevice = noGpuDeviceNode(ctx);
  if (noDevice) return noDevice;
  const r = await probeDawnWebGpu({ importModule: importOptional, allowSoftwareAdapter: ctx.pinned, requireSyncReads: ctx.syncReads });
  return r.ok ? { ok: true, detail: `using webgpu: ${r.detail}` } : r.detail;
}

const PROBES: Record<BackendChoice, (ctx: ProbeContext) => Promise<ProbeOutcome> | ProbeOutcome> = {
  'tensorflow-gpu': () => tryTfjsNode('@tensorflow/tfjs-node-gpu'),
  tensorflow: () => tryTfjsNode('@tensorflow/tfjs-node'),
  webgpu: tryWebGpu,
  'cpu-native': tryNativeCpu,
  wasm: tryWasm,
  cpu: () => true,
};

/**
 * Probes backends in order (or only `only`, e.g. from `--backend` or DESA_BACKEND) and activates the
 * first that works. 'cpu-native' runs on the tfjs 'cpu' backend with our kernels registered over it.
 * A software WebGPU adapter (SwiftShader, llvmpipe) is accepted only when the order was given this way,
 * never in the automatic order, where the CPU path is faster.
 */
export async function selectBackend(only?: BackendChoice[], options: SelectOptions = {}): Promise<BackendReport> {
  const fromEnv = process.env.DESA_BACKEND as BackendChoice | undefined;
  const pinnedOrder = only ?? (fromEnv && BACKEND_ORDER.includes(fromEnv) ? [fromEnv] : undefined);
  const order = pinnedOrder ?? BACKEND_ORDER;
  const probes: BackendProbe[] = [];
  for (const name of order) {
    let outcome: ProbeOutcome;
    try {
      outcome = await PROBES[name]({ pinned: pinnedOrder !== undefined, syncReads: options.syncReads ?? true });
    } catch (e) {
      outcome = (e as Error).message;
    }
    if (typeof outcome !== 'string') {
      if (name === 'cpu-native' || name === 'cpu') await tf.setBackend('cpu');
      probes.push({ name, ok: true, detail: outcome === true ? `using ${name}` : outcome.detail });
      return { active: name, tfBackend: tf.getBackend(), probes };
    }
    probes.push({ name, ok: false, detail: outcome });
  }
  throw new Error(`no TensorFlow.js backend could start: ${probes.map((p) => `${p.name}: ${p.detail}`).join('; ')}`);
}

/** One line for logs and the GUI header, e.g. "cpu-native (tensorflow-gpu: not installed; ...)". */
export function describeBackend(r: BackendReport): string {
  const skipped = r.probes.filter((p) => !p.ok).map((p) => `${p.name}: ${p.detail}`);
  return skipped.length ? `${r.active} (skipped ${skipped.join('; ')})` : r.active;
}
