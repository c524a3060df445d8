/**
 * Browser entry bundled by test/e2e/webgpu.test.ts: our model code on tfjs's WebGPU backend (the page's
 * navigator.gpu, registered by the package's import) against the cpu backend in the same page.
 */
import '@tensorflow/tfjs-backend-webgpu';
import { tf } from '../../../src/main/model/tf';
import { backendSelfTest, type Agreement } from '../../../src/main/model/backend/webgpu-check';
import { spectraEncoderAgreement, type SpectraAgreement } from './spectra-agreement';

export interface PageWebGpuReport {
  /** Why there is nothing to compare, when there is no adapter. */
  unavailable?: string;
  adapter?: { vendor: string; architecture: string; isFallbackAdapter: boolean };
  selfTest?: Agreement;
  spectra?: SpectraAgreement;
  /** A GPU-computed sum (64³ expected) read with dataSync(), or the error: the training loop reads so. */
  syncRead?: number | string;
}

function syncRead(): number | string {
  const t = tf.tidy(() => tf.sum(tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]))));
  try {
    return t.dataSync()[0];
  } catch (e) {
    return (e as Error).message;
  } finally {
    t.dispose();
  }
}

async function check(): Promise<PageWebGpuReport> {
  if (!navigator.gpu) return { unavailable: `navigator.gpu is undefined (secure context: ${isSecureContext})` };
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return { unavailable: 'navigator.gpu.requestAdapter() returned null' };
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return {
    adapter: { vendor: info.vendor, architecture: info.architecture, isFallbackAdapter: !!info.isFallbackAdapter },
    selfTest: await backendSelfTest('webgpu', 'cpu'),
    spectra: await spectraEncoderAgreement('webgpu', 'cpu'),
    syncRead: syncRead(), // spectraEncoderAgreement leaves webgpu active
  };
}

(globalThis as { desaWebGpuCheck?: () => Promise<PageWebGpuReport> }).desaWebGpuCheck = check;
