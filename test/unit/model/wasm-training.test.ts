/**
 * The wasm backend lacks Conv2DBackpropFilter, so tf.conv1d cannot train there; our 'auto' convolution
 * switches to im2col on wasm (and max pooling avoids wasm's MaxPoolGrad, which disagreed with cpu). Here whole tiny encoders are differentiated on wasm and their gradients
 * compared with the cpu backend's (native conv path) for the same weights and inputs.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import path from 'node:path';
import { createRequire } from 'node:module';
import { tf } from '../../../src/main/model/tf';
import type { Tensor, Variable } from '../../../src/main/model/tf';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { setInitSeed } from '../../../src/main/model/params';
import { SPECTRA_ENCODER_CONFIGS, LIGHT_CURVE_ENCODER_CONFIGS } from '../../../src/main/model/configs';
import { SpectraEncoderModel } from '../../../src/main/model/spectra/multitask-regressor';
import { LightCurveEncoderModel } from '../../../src/main/model/lightcurve/multitask-simsiam';

const LENGTH = 256;

beforeAll(() => {
  const require = createRequire(import.meta.url);
  setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  setInitSeed(21);
});

/** Gradients of a scalar loss on `backend`, read back as plain arrays keyed by variable position. */
async function gradsOn(backend: string, variables: Variable[], loss: () => tf.Scalar): Promise<Float32Array[]> {
  expect(await tf.setBackend(backend)).toBe(true);
  const { value, grads } = tf.variableGrads(loss, variables);
  const out = variables.map((v) => (grads[v.name] ? (grads[v.name].dataSync() as Float32Array).slice() : new Float32Array(0)));
  value.dispose();
  Object.values(grads).forEach((g) => g.dispose());
  return out;
}

/**
 * Worst |a − b| relative to each variable's gradient scale. Biases that feed a training-mode BatchNorm
 * have an exactly-zero true gradient (BN removes any constant shift), so their computed values are
 * rounding noise; the scale is floored at 1e-3 of the largest gradient to compare them fairly.
 */
function worstRelative(a: Float32Array[], b: Float32Array[]): number {
  const maxAbs = (g: Float32Array) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const globalMax = Math.max(...b.map(maxAbs));
  let worst = 0;
  a.forEach((ga, i) => {
    const gb = b[i];
    expect(ga.length).toBe(gb.length);
    const scale = Math.max(maxAbs(gb), 1e-3 * globalMax);
    for (let j = 0; j < ga.length; j++) worst = Math.max(worst, Math.abs(ga[j] - gb[j]) / scale);
  });
  return worst;
}

describe('training on the wasm backend (im2col convolutions)', () => {
  it('spectra encoder: wasm gradients equal cpu gradients', async () => {
    await tf.setBackend('cpu');
    const base = SPECTRA_ENCODER_CONFIGS.tiny;
    // Dropout off: both backends must see the same deterministic function.
    const model = new SpectraEncoderModel({
      ...base, inputLength: LENGTH, conformer: { ...base.conformer, dropout: 0 }, head: { ...base.head, dropout: 0 },
    });
    const x = tf.randomNormal([3, LENGTH], 0, 1, 'float32', 1);
    const loss = () => {
      const out = model.forward({ x }, { training: true });
      return tf.add(tf.mean(tf.square(tf.sub(out.reconstruction, x))), tf.mean(tf.square(out.quantiles))) as tf.Scalar;
    };
    const vars = model.trainableVariables;
    const cpu = await gradsOn('cpu', vars, loss);
    const wasm = await gradsOn('wasm', vars, loss);
    expect(wasm.filter((g) => g.length > 0)).toHaveLength(vars.length - 2); // all but the dead initial_expand
    expect(worstRelative(wasm, cpu)).toBeLessThan(1e-3);
    await tf.setBackend('cpu');
  });

  it('light-curve encoder: wasm gradients equal cpu gradients', async () => {
    await tf.setBackend('cpu');
    const base = LIGHT_CURVE_ENCODER_CONFIGS.tiny;
    const model = new LightCurveEncoderModel({ ...base, inputLength: LENGTH, head: { ...base.head, dropout: 0 } });
    const view1 = tf.randomNormal([3, 4, LENGTH], 0, 1, 'float32', 2);
    const view2 = tf.randomNormal([3, 4, LENGTH], 0, 1, 'float32', 3);
    const loss = () => {
      const out = model.forward({ view1, view2 }, { training: true });
      const terms: Tensor[] = [out.p1, out.p2, out.quantiles].map((t) => tf.mean(tf.square(t)));
      return tf.addN(terms) as tf.Scalar;
    };
    const vars = model.trainableVariables;
    const cpu = await gradsOn('cpu', vars, loss);
    const wasm = await gradsOn('wasm', vars, loss);
    expect(wasm.every((g) => g.length > 0)).toBe(true);
    expect(worstRelative(wasm, cpu)).toBeLessThan(1e-3);
    await tf.setBackend('cpu');
  });
});
