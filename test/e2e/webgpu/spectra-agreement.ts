/**
 * The check both WebGPU tests run: the DESA `tiny` spectra encoder (our model code, dropout off so the
 * function is deterministic) forward and through one gradient of a training loss, on a reference backend
 * and on the backend under test, compared output by output. Platform-neutral: it runs in Node (Dawn) and
 * in the browser page bundled by test/e2e/webgpu.test.ts.
 */
import { tf } from '../../../src/main/model/tf';
import type { Tensor } from '../../../src/main/model/tf';
import { setInitSeed } from '../../../src/main/model/params';
import { SPECTRA_ENCODER_CONFIGS } from '../../../src/main/model/configs';
import { SpectraEncoderModel } from '../../../src/main/model/spectra/multitask-regressor';
import { compareOutputs, runOnBackend, seededValues, type Agreement } from '../../../src/main/model/backend/webgpu-check';

/** Input length and batch: small enough for a software adapter, long enough for all five CNN stages. */
export const LENGTH = 256;
export const BATCH = 2;

/**
 * Relative tolerances (of each output's largest magnitude, see compareOutputs). Forward float32 outputs
 * agree to ~1e-6; gradients pass through five training-mode BatchNorms and attention softmaxes, where
 * reordered float32 sums grow to ~1e-4 (the same 1e-3 bound the wasm-vs-cpu gradient test uses).
 */
export const FORWARD_TOLERANCE = 1e-4;
export const GRADIENT_TOLERANCE = 1e-3;

export interface SpectraAgreement {
  forward: Agreement;
  gradients: Agreement;
  /** Variables with a gradient (all but the encoder's unused `initial_expand` weight and bias). */
  variablesWithGradient: number;
  variables: number;
  /** The reference loss value, to show the check ran on real numbers. */
  loss: number;
}

/** A tiny spectra encoder with weights from a fixed seed, built on the active backend. */
function buildModel(): SpectraEncoderModel {
  setInitSeed(21);
  const base = SPECTRA_ENCODER_CONFIGS.tiny;
  return new SpectraEncoderModel({
    ...base, inputLength: LENGTH, conformer: { ...base.conformer, dropout: 0 }, head: { ...base.head, dropout: 0 },
  });
}

/** Runs the comparison; leaves `backend` active. */
export async function spectraEncoderAgreement(backend: string, reference = 'cpu'): Promise<SpectraAgreement> {
  await tf.setBackend(reference);
  const input = seededValues(BATCH * LENGTH, 7);
  // Two identical models: a training-mode pass updates BatchNorm running statistics, which the
  // inference pass of the other backend would otherwise see.
  const inferenceModel = buildModel();
  const trainingModel = buildModel();
  const vars = trainingModel.trainableVariables;

  const forward = (): Tensor[] => {
    const out = inferenceModel.forward({ x: tf.tensor2d(input, [BATCH, LENGTH]) }, { training: false });
    return [out.features, out.quantiles, out.reconstruction];
  };
  const gradients = (): Tensor[] => {
    const x = tf.tensor2d(input, [BATCH, LENGTH]);
    const { value, grads } = tf.variableGrads(() => {
      const out = trainingModel.forward({ x }, { training: true });
      return tf.add(tf.mean(tf.square(tf.sub(out.reconstruction, x))), tf.mean(tf.square(out.quantiles))) as tf.Scalar;
    }, vars);
    return [value, ...vars.map((v) => grads[v.name] ?? tf.zeros([0]))];
  };

  // The reference runs first: the weights start on it and are then uploaded to `backend`; GPU backends
  // cannot hand tensors back synchronously, so the other order would fail on the way back.
  const wantForward = await runOnBackend(reference, forward);
  const wantGradients = await runOnBackend(reference, gradients);
  const gotForward = await runOnBackend(backend, forward);
  const gotGradients = await runOnBackend(backend, gradients);
  inferenceModel.dispose();
  trainingModel.dispose();
  return {
    forward: compareOutputs(gotForward, wantForward, FORWARD_TOLERANCE),
    gradients: compareOutputs(gotGradients, wantGradients, GRADIENT_TOLERANCE),
    variablesWithGradient: gotGradients.slice(1).filter((g) => g.length > 0).length,
    variables: vars.length,
    loss: wantGradients[0][0],
  };
}
