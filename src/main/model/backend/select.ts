/**
 * Picks the fastest TensorFlow.js backend this machine can run, in the order the training engine
 * wants them: tfjs-node-gpu (CUDA 11.2 / cuDNN 8.1), tfjs-node, WebGPU (any Vulkan/Metal/D3D12 GPU via
 * the optional npm packages `webgpu` + `@tensorflow/tfjs-backend-webgpu`), then the CPU with our native
 * kernels, then wasm, then plain cpu. Every probe that fails says why, so the GUI and CLI can show
 * which backend runs and what the user could install for a faster one.
 *
 * The optional packages are not dependencies (tfjs-node cannot be installed offline: its install
 * script downloads libtensorflow); they are imported by name at run time when present.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadNativeKernelAddon, nativeKernelLoadError, registerNativeKernels } from './native-kernels';

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

async function tryWebGpu(): Promise<string | true> {
  const dawn = await importOptional('webgpu');
  if ('error' in dawn) return dawn.error;
  const { create, globals } = dawn.mod as { create(flags: string[]): GPU; globals: Record<string, unknown> };
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) return 'no WebGPU adapter (needs a Vulkan, Metal or D3D12 GPU driver)';
  Object.defineProperty(globalThis, 'navigator', { value: { ...(globalThis.navigator ?? {}), gpu }, configurable: true });
  const backend = await importOptional('@tensorflow/tfjs-backend-webgpu');
  if ('error' in backend) return backend.error;
  return (await tf.setBackend('webgpu')) ? true : 'the tfjs WebGPU backend did not initialise';
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

const PROBES: Record<BackendChoice, () => Promise<string | true> | string | true> = {
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
 */
export async function selectBackend(only?: BackendChoice[]): Promise<BackendReport> {
  const fromEnv = process.env.DESA_BACKEND as BackendChoice | undefined;
  const order = only ?? (fromEnv && BACKEND_ORDER.includes(fromEnv) ? [fromEnv] : BACKEND_ORDER);
  const probes: BackendProbe[] = [];
  for (const name of order) {
    let outcome: string | true;
    try {
      outcome = await PROBES[name]();
    } catch (e) {
      outcome = (e as Error).message;
    }
    if (outcome === true) {
      if (name === 'cpu-native' || name === 'cpu') await tf.setBackend('cpu');
      probes.push({ name, ok: true, detail: `using ${name}` });
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
