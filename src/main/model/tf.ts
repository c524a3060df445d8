/**
 * The one place that configures TensorFlow.js for the model code.
 *
 * Every model file imports `tf` from here, never from '@tensorflow/tfjs-core' directly, so that the
 * backend choice (today: cpu; later: a backend-probe module picking wasm/webgl/webgpu) lives in one file.
 *
 * Gradients: @tensorflow/tfjs-core does not register its gradient functions by itself (the umbrella
 * @tensorflow/tfjs package does); we import them explicitly. That deep import is ESM-only, so it works
 * under bundlers and vitest (vite resolution), not under Node's bare ESM loader.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';

// PROD silences the cpu backend's "install tfjs-node" banner (tfjs-node cannot be installed here).
tf.env().set('PROD', true);

/** Name of the backend the model code runs on. */
export const DEFAULT_BACKEND = 'cpu';

// The cpu backend initialises synchronously, so it is active as soon as this module is evaluated.
void tf.setBackend(DEFAULT_BACKEND);

/** Resolves once the configured backend is initialised (await before timing-sensitive work). */
export const tfReady: Promise<void> = tf.ready();

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Variable, Rank } from '@tensorflow/tfjs-core';
