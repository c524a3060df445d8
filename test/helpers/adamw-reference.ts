/**
 * One AdamW case with reference values from torch.optim.AdamW (PyTorch 1.13, Debian python3-torch,
 * float64), shared by the plain and the fused-native AdamW tests:
 *
 *   p = torch.tensor([0.5, -1.25, 2.0, 0.0, -0.3], dtype=torch.float64, requires_grad=True)
 *   opt = torch.optim.AdamW([p], lr=0.05, betas=(0.9, 0.99), eps=1e-6, weight_decay=0.1[, amsgrad=True])
 *   for t in 1..5: loss = (p*p).sum() + (sin(t*(i+1))*p).sum(), i = arange(5); backward; step
 */
import { tf } from '../../src/main/model/tf';
import type { Tensor } from '../../src/main/model/tf';
import { AdamW } from '../../src/main/model/optim/adamw';

export const TORCH_ADAMW = [0.27612141822232794, -0.9803519564611575, 1.7044887130409938, 0.03409412520104198, -0.12584562053015486];
export const TORCH_ADAMW_AMSGRAD = [0.2763421494753723, -0.9803519564611575, 1.7044887130409938, 0.03409412520104198, -0.12584562053015486];

/** Runs the case above with our AdamW; returns the parameters and the optimiser's step count. */
export function runTorchAdamWCase(amsgrad: boolean): { params: Float32Array; stepCount: number } {
  const p = tf.variable(tf.tensor1d([0.5, -1.25, 2.0, 0.0, -0.3]));
  const opt = new AdamW([p], { lr: 0.05, betas: [0.9, 0.99], eps: 1e-6, weightDecay: 0.1, amsgrad });
  for (let t = 1; t <= 5; t++) {
    const tilt = tf.tensor1d([1, 2, 3, 4, 5].map((i) => Math.sin(t * i)));
    const { grads } = tf.variableGrads(() => tf.add(tf.sum(tf.square(p)), tf.sum(tf.mul(tilt, p))) as tf.Scalar, [p]);
    opt.step(grads as Record<string, Tensor>);
    tilt.dispose();
    Object.values(grads).forEach((g) => g.dispose());
  }
  const result = { params: p.dataSync().slice() as Float32Array, stepCount: opt.stepCount };
  opt.dispose();
  p.dispose();
  return result;
}
