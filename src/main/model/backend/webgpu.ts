/**
 * The WebGPU probe for Node: Dawn (the optional npm package `webgpu`) gives a WebGPU implementation on
 * any Vulkan, Metal or D3D12 driver, and @tensorflow/tfjs-backend-webgpu runs tfjs on it. The backend is
 * selected only after it has computed a small graph, forward and gradients, to the cpu backend's numbers
 * (`webgpu-check.ts`): some drivers hand out an adapter that initialises but computes nothing useful.
 *
 * We register tfjs's `WebGPUBackend` ourselves on the adapter we probed rather than letting the
 * package's import side effect do it (which it does only if `navigator.gpu` exists at its first import):
 * that would request a new adapter, not necessarily the one we examined and tested, and could not be
 * redone by a second probe in the same process. `navigator.gpu` is still installed, after the import,
 * because the backend's constructor refuses to run without it.
 *
 * Why Dawn may find nothing: it needs Vulkan features that some drivers lack (Mesa 22.3's lavapipe:
 * "Vulkan shaderUniform*ArrayDynamicIndexing required"). The Vulkan loader's `VK_ICD_FILENAMES` picks the
 * driver; Chromium's SwiftShader (`/usr/lib/chromium/vk_swiftshader_icd.json` on Debian) works, in software.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendSelfTest, describeAgreement } from './webgpu-check';

/** What the probe needs from the Dawn module (`import('webgpu')`). */
interface DawnModule {
  create(flags: string[]): DawnGpu;
  globals: Record<string, unknown>;
}

interface DawnGpu {
  requestAdapter(options?: object): Promise<DawnAdapter | null>;
}

interface DawnAdapter {
  info: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean };
  features: ReadonlySet<string>;
  limits: Record<string, number>;
  requestDevice(descriptor: object): Promise<DawnDevice>;
}

interface DawnDevice {
  destroy(): void;
}

type WebGpuBackendClass = new (device: never, adapterInfo?: never) => tf.KernelBackend;

/** Imports an optional package; `{ error }` says why it could not. */
export type OptionalImport = (name: string) => Promise<{ mod: unknown } | { error: string }>;

export interface WebGpuProbeOptions {
  /** How to import the optional packages (select.ts passes its own, which words the errors). */
  importModule: OptionalImport;
  /**
   * Accept a software adapter (SwiftShader, llvmpipe/lavapipe). Off when the probe runs in the automatic
   * order: a software rasteriser trains far slower than our CPU kernels.
   */
  allowSoftwareAdapter: boolean;
  /**
   * The caller reads tensors synchronously (dataSync/arraySync), as the baselines' training loops do.
   * tfjs-backend-webgpu reads GPU data synchronously through OffscreenCanvas, which Node lacks, so in
   * Node this rejects WebGPU with that reason; callers that read only with `await data()` pass false.
   */
  requireSyncReads: boolean;
  /** Dawn instance flags, e.g. ['backend=vulkan']; default from DESA_WEBGPU_FLAGS (comma separated). */
  dawnFlags?: string[];
  /** Limit for adapter discovery and for the self-test, each (a broken driver can hang). */
  timeoutMs?: number;
}

export interface WebGpuProbeOutcome {
  ok: boolean;
  /** Why not, or which adapter runs and how well it agreed with the cpu backend. */
  detail: string;
}

/** Dawn flags from DESA_WEBGPU_FLAGS ("backend=vulkan,adapter=…"); empty when unset. */
export function dawnFlagsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.DESA_WEBGPU_FLAGS ?? '').split(',').map((f) => f.trim()).filter(Boolean);
}

/** "SwiftShader driver 5.0.0 (google/swiftshader)", or what little an adapter tells. */
export function describeAdapter(info: DawnAdapter['info']): string {
  const name = info.description || info.device || 'unnamed adapter';
  const family = [info.vendor, info.architecture].filter(Boolean).join('/');
  return family ? `${name} (${family})` : name;
}

/** True for CPU rasterisers posing as GPUs: SwiftShader, llvmpipe, lavapipe, or a declared fallback adapter. */
export function isSoftwareAdapter(info: DawnAdapter['info']): boolean {
  if (info.isFallbackAdapter) return true;
  return /swiftshader|llvmpipe|lavapipe|software/i.test([info.vendor, info.architecture, info.device, info.description].join(' '));
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The device limits tfjs-backend-webgpu asks for (as its own registration does), capped by the adapter. */
function deviceDescriptor(adapter: DawnAdapter): object {
  const limitNames = ['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize',
    'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup'];
  return {
    requiredFeatures: ['timestamp-query'].filter((f) => adapter.features.has(f)),
    requiredLimits: Object.fromEntries(limitNames.map((n) => [n, adapter.limits[n]])),
  };
}

/**
 * Points `navigator.gpu` at Dawn's GPU object (Node 21+ has a `navigator` without `gpu`; Node 20 has
 * none); returns a function that restores what was there.
 */
function installNavigatorGpu(gpu: DawnGpu): () => void {
  const g = globalThis as { navigator?: object };
  if (!g.navigator) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    return () => void delete (globalThis as { navigator?: object }).navigator;
  }
  const nav = g.navigator;
  const previous = Object.getOwnPropertyDescriptor(nav, 'gpu');
  Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
  return () => (previous ? Object.defineProperty(nav, 'gpu', previous) : void delete (nav as { gpu?: unknown }).gpu);
}

/** Forgets a WebGPU backend that failed, so tfjs never falls back onto it. */
async function abandon(device: DawnDevice | null, restoreNavigator: () => void): Promise<void> {
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  await tf.setBackend('cpu');
  device?.destroy();
  restoreNavigator();
}

/** Why a GPU-computed tensor cannot be read with dataSync(), or null when it can (and reads right). */
function syncReadProblem(): string | null {
  // Big enough that tfjs computes it on the GPU (it forwards small ops on CPU-resident data to the CPU).
  const t = tf.tidy(() => tf.sum(tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]))));
  try {
    const v = t.dataSync();
    return v[0] === 64 ** 3 ? null : `a synchronous read returned ${v[0]} instead of ${64 ** 3}`;
  } catch (e) {
    return `tfjs cannot read GPU tensors synchronously here (${(e as Error).message}), which this caller does (dataSync)`;
  } finally {
    t.dispose();
  }
}

/**
 * Probes WebGPU through Dawn and, when an adapter passes the self-test, leaves tfjs running on it
 * ('webgpu'). On failure nothing stays registered and the cpu backend is active.
 */
export async function probeDawnWebGpu(options: WebGpuProbeOptions): Promise<WebGpuProbeOutcome> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const dawn = await options.importModule('webgpu');
  if ('error' in dawn) return { ok: false, detail: dawn.error };
  const { create, globals } = dawn.mod as DawnModule;
  const flags = options.dawnFlags ?? dawnFlagsFromEnv();
  const gpu = create(flags);
  const adapter = await withTimeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), timeoutMs,
    'WebGPU adapter discovery');
  const flagNote = flags.length ? ` with Dawn flags ${flags.join(',')}` : '';
  if (!adapter) {
    return { ok: false, detail: `no WebGPU adapter${flagNote} (Dawn needs a Vulkan, Metal or D3D12 driver with the features it requires)` };
  }
  const name = describeAdapter(adapter.info);
  if (isSoftwareAdapter(adapter.info) && !options.allowSoftwareAdapter) {
    return { ok: false, detail: `only a software adapter, ${name}: slower than the CPU path (DESA_BACKEND=webgpu uses it anyway)` };
  }

  const tfWebGpu = await options.importModule('@tensorflow/tfjs-backend-webgpu');
  if ('error' in tfWebGpu) return { ok: false, detail: tfWebGpu.error };
  const { WebGPUBackend } = tfWebGpu.mod as { WebGPUBackend: WebGpuBackendClass };
  // tfjs-backend-webgpu reads GPUBufferUsage, GPUMapMode, … as globals, as in a browser.
  for (const [key, value] of Object.entries(globals)) if (!(key in globalThis)) Object.assign(globalThis, { [key]: value });

  const restoreNavigator = installNavigatorGpu(gpu);
  let device: DawnDevice | null = null;
  try {
    const dev = await adapter.requestDevice(deviceDescriptor(adapter));
    device = dev;
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    // Priority 0: tfjs never picks it on its own, only through setBackend after this check.
    tf.registerBackend('webgpu', () => new WebGPUBackend(dev as never, adapter.info as never), 0);
    const agreement = await withTimeout(backendSelfTest('webgpu', 'cpu'), timeoutMs, 'the WebGPU self-test');
    if (!agreement.ok) {
      await abandon(device, restoreNavigator);
      return { ok: false, detail: `${name} failed the numeric self-test against cpu: ${describeAgreement(agreement)}` };
    }
    if (!(await tf.setBackend('webgpu'))) throw new Error('the tfjs WebGPU backend did not initialise');
    const readProblem = options.requireSyncReads ? syncReadProblem() : null;
    if (readProblem) {
      await abandon(device, restoreNavigator);
      return { ok: false, detail: `${name} passed the self-test (${describeAgreement(agreement)}) but ${readProblem}` };
    }
    return { ok: true, detail: `${name}${flagNote}; self-test against cpu: ${describeAgreement(agreement)}` };
  } catch (e) {
    await abandon(device, restoreNavigator);
    return { ok: false, detail: `${name}: ${(e as Error).message}` };
  }
}
