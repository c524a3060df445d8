/**
 * The WebGPU path in Node (Dawn, the optional `webgpu` package) on the only adapters this machine has:
 * Chromium's SwiftShader Vulkan driver (software, picked with the Vulkan loader's VK_ICD_FILENAMES) and
 * Dawn's `backend=null` adapter, which initialises but computes nothing. The reference for every number
 * is the tfjs cpu backend running the same graph.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { tf } from '../../../src/main/model/tf';
import { selectBackend } from '../../../src/main/model/backend/select';
import { compareOutputs, describeAgreement } from '../../../src/main/model/backend/webgpu-check';
import { isSoftwareAdapter } from '../../../src/main/model/backend/webgpu';
import { spectraEncoderAgreement } from '../../e2e/webgpu/spectra-agreement';

/** Debian's chromium package ships SwiftShader as a Vulkan driver (scripts/test-all.sh installs chromium). */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const savedEnv = { ...process.env };
beforeAll(() => {
  if (!existsSync(SWIFTSHADER_ICD)) throw new Error(`${SWIFTSHADER_ICD} is missing: apt-get install chromium`);
  // Read by the Vulkan loader when Dawn creates its instance, i.e. at the first probe below.
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  delete process.env.DESA_BACKEND;
  // The reference is tfjs's own cpu backend, whether or not the native kernels are built.
  process.env.DESA_NATIVE_KERNELS = '0';
  delete process.env.DESA_WEBGPU_FLAGS;
});
afterAll(async () => {
  process.env = savedEnv;
  await tf.setBackend('cpu');
});

describe('comparing backends', () => {
  it('accepts float32 rounding, rejects a wrong value, NaN and a missing output', () => {
    const want = [Float32Array.from([1, -2, 4]), Float32Array.from([0.5])];
    expect(compareOutputs([Float32Array.from([1, -2, 4.0001]), Float32Array.from([0.5])], want, 1e-4).ok).toBe(true);
    const wrong = compareOutputs([Float32Array.from([1, -2, 4.01]), Float32Array.from([0.5])], want, 1e-4);
    expect(wrong.ok).toBe(false);
    expect(wrong.worstAt).toMatchObject({ output: 0, index: 2 });
    expect(wrong.worstRelative).toBeCloseTo(0.01 / 4, 6);
    expect(compareOutputs([Float32Array.from([1, NaN, 4]), Float32Array.from([0.5])], want, 1e-4).ok).toBe(false);
    expect(compareOutputs([Float32Array.from([1, -2, 4])], want, 1e-4).ok).toBe(false);
  });

  it('recognises software adapters by what they report', () => {
    const info = { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader driver 5.0.0' };
    expect(isSoftwareAdapter(info)).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: '', device: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ada', device: '', description: 'NVIDIA GeForce RTX 4070' })).toBe(false);
  });
});

describe('WebGPU through Dawn in Node', () => {
  it('skips a software adapter in the automatic order, saying which one and why', async () => {
    const r = await selectBackend();
    const webgpu = r.probes.find((p) => p.name === 'webgpu')!;
    expect(webgpu.ok).toBe(false);
    expect(webgpu.detail).toMatch(/^only a software adapter, SwiftShader.*\(google\/swiftshader\): slower than the CPU path/);
    expect(r.active).not.toBe('webgpu');
    expect(tf.getBackend()).not.toBe('webgpu');
  });

  it('rejects an adapter that initialises but computes wrong numbers (Dawn backend=null)', async () => {
    process.env.DESA_WEBGPU_FLAGS = 'backend=null';
    try {
      const r = await selectBackend(['webgpu', 'cpu']);
      expect(r.probes[0].name).toBe('webgpu');
      expect(r.probes[0].ok).toBe(false);
      expect(r.probes[0].detail).toMatch(/failed the numeric self-test against cpu: worst relative error/);
      expect(r.active).toBe('cpu');
      expect(tf.getBackend()).toBe('cpu');
      expect(tf.findBackendFactory('webgpu')).toBeNull();
    } finally {
      delete process.env.DESA_WEBGPU_FLAGS;
    }
  });

  it('refuses WebGPU to callers that read synchronously: tfjs needs OffscreenCanvas for that, Node has none', async () => {
    const r = await selectBackend(['webgpu', 'cpu']);
    expect(r.probes[0].ok).toBe(false);
    expect(r.probes[0].detail).toMatch(
      /^SwiftShader.* passed the self-test \(worst relative error .*\) but tfjs cannot read GPU tensors synchronously here \(OffscreenCanvas is not defined\)/);
    expect(r.active).toBe('cpu');
    expect(tf.findBackendFactory('webgpu')).toBeNull();
  });

  it('runs on SwiftShader for a caller that reads asynchronously, and the tiny spectra encoder agrees with cpu', async () => {
    const r = await selectBackend(['webgpu'], { syncReads: false });
    expect(r.active).toBe('webgpu');
    expect(r.tfBackend).toBe('webgpu');
    expect(r.probes[0].detail).toMatch(/^using webgpu: SwiftShader.*self-test against cpu: worst relative error/);

    const a = await spectraEncoderAgreement('webgpu', 'cpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(a.variablesWithGradient).toBe(a.variables - 2); // all but the unused initial_expand weight and bias
    console.log(`spectra tiny on webgpu vs cpu: forward ${describeAgreement(a.forward)}; gradients ${describeAgreement(a.gradients)}`);
    expect(Number.isFinite(a.loss) && a.loss > 0).toBe(true);
    expect(a.forward.ok, describeAgreement(a.forward)).toBe(true);
    expect(a.gradients.ok, describeAgreement(a.gradients)).toBe(true);
  }, 300_000); // ~40 s on SwiftShader with two cores
});
