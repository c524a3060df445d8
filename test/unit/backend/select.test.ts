import { existsSync, readdirSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, describeBackend } from '../../../src/main/model/backend/select';

describe('backend probe', () => {
  it('walks the order, explains every skipped backend, and lands on the native cpu kernels here', async () => {
    const r = await selectBackend();
    // This machine has no CUDA, no tfjs-node (cannot install offline) and no GPU: without a GPU device node
    // the WebGPU probe stops before Dawn (which would find only software drivers), and SwiftShader is used
    // only when chosen (test/unit/backend/webgpu.test.ts).
    expect(r.probes.map((p) => p.name).slice(0, 3)).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu']);
    for (const p of r.probes.slice(0, 2)) {
      expect(p.ok).toBe(false);
      expect(p.detail).toMatch(/not installed|no CUDA/);
    }
    expect(r.probes[2].ok).toBe(false);
    const gpuNode = ['/dev/dri', '/dev'].some((d) => existsSync(d) && readdirSync(d).some((f) => f.startsWith(d === '/dev' ? 'nvidia' : 'renderD')));
    expect(r.probes[2].detail).toMatch(gpuNode ? /^no WebGPU adapter|^webgpu is not installed|^only a software adapter/ : /^no GPU device node/);
    expect(r.active).toBe('cpu-native');
    expect(r.tfBackend).toBe('cpu');
    expect(describeBackend(r)).toMatch(/^cpu-native \(skipped tensorflow-gpu: /);
    // The native kernels are live: a matMul goes through them and is right.
    const y = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]]));
    expect(Array.from(y.dataSync())).toEqual([17, 39]);
  });

  it('can be pinned to wasm, which initialises in Node', async () => {
    const r = await selectBackend(['wasm']);
    expect(r.active).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(Array.from(tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync())).toEqual([4, 6]);
    await tf.setBackend('cpu');
  });
});
