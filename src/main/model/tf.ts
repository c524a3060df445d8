/**
 * The one place that configures TensorFlow.js for the model code.
 *
 * Every model file imports `tf` from here, never from '@tensorflow/tfjs-core' directly, so that the
 * backend choice (today: cpu; later: a backend-probe module picking wasm/webgl/webgpu) lives in one file.
 *
 * Gradients: @tensorflow/tfjs-core does not register its gradient functions by itself (the umbrella
 * @tensorflow/tfjs package does), so we import them. That module exists only as unbundled ESM with
 * directory imports: it loads under bundlers and vitest (vite resolution) but not under Node's own ESM
 * loader (plain `node`/tsx). There inference still works and `gradientsAvailable` is false; training
 * code calls `requireGradients()` to fail with a clear message instead of tfjs's "gradient function not
 * found".
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

// PROD silences the cpu backend's "install tfjs-node" banner (tfjs-node cannot be installed here).
tf.env().set('PROD', true);

/** Name of the backend the model code runs on. */
export const DEFAULT_BACKEND = 'cpu';

// The cpu backend initialises synchronously, so it is active as soon as this module is evaluated.
void tf.setBackend(DEFAULT_BACKEND);

let gradientLoadError: string | null = null;
try {
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
} catch (e) {
  gradientLoadError = (e as Error).message;
}

/** True when tfjs-core's gradient functions are registered (training possible). */
export const gradientsAvailable: boolean = gradientLoadError === null;

/** Throws a clear error when gradients could not be registered in this runtime. */
export function requireGradients(): void {
  if (gradientLoadError !== null) {
    throw new Error(
      'TensorFlow.js gradients are not available in this runtime: @tensorflow/tfjs-core/dist/register_all_gradients ' +
        `could not be loaded (${gradientLoadError}). Run training from a bundled build or under vitest/vite.`,
    );
  }
}

/** Resolves once the configured backend is initialised (await before timing-sensitive work). */
export const tfReady: Promise<void> = tf.ready();

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Variable, Rank } from '@tensorflow/tfjs-core';
