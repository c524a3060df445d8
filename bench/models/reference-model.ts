/**
 * The stack-feasibility benchmark model in TensorFlow.js, parameter for parameter the twin of
 * bench/torch/reference_model.py (401,674 parameters at length 4096), written with plain ops so it
 * measures the backend and kernels, not our layer library.
 */
import { tf } from '../../src/main/model/tf';
import type { Tensor, Variable } from '../../src/main/model/tf';
import { AdamW } from '../../src/main/model/optim/adamw';

function param(shape: number[], fanIn: number, seed: number): Variable {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed));
}

interface Linear { w: Variable; b: Variable }
const linear = (inDim: number, outDim: number, seed: number): Linear => ({ w: param([inDim, outDim], inDim, seed), b: param([outDim], inDim, seed + 1) });
const applyLinear = (l: Linear, x: Tensor) => tf.reshape(tf.add(tf.matMul(tf.reshape(x, [-1, l.w.shape[0] as number]), l.w), l.b), [...x.shape.slice(0, -1), l.w.shape[1] as number]);

function layerNorm(x: Tensor, g: Variable, b: Variable): Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
}
const gelu = (x: Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));

export function buildReferenceModel(length: number) {
  let seed = 1;
  const convs = [0, 1, 2, 3].map((i) => ({ w: param([7, i === 0 ? 1 : 64, 64], 7 * (i === 0 ? 1 : 64), seed++), b: param([64], 64, seed++) }));
  const proj = linear(64, 128, (seed += 2));
  const pos = tf.variable(tf.zeros([1, length / 16, 128]));
  const blocks = [0, 1].map(() => ({
    ln1g: tf.variable(tf.ones([128])), ln1b: tf.variable(tf.zeros([128])), ln2g: tf.variable(tf.ones([128])), ln2b: tf.variable(tf.zeros([128])),
    qkv: linear(128, 384, (seed += 2)), out: linear(128, 128, (seed += 2)), fc1: linear(128, 256, (seed += 2)), fc2: linear(256, 128, (seed += 2)),
  }));
  const head1 = linear(128, 64, (seed += 2));
  const head2 = linear(64, 10, (seed += 2));

  const forward = (x: Tensor): Tensor => {
    let h: Tensor = x; // [B, L, 1]
    for (const c of convs) h = tf.relu(tf.add(tf.conv1d(h as tf.Tensor3D, c.w as unknown as tf.Tensor3D, 2, 'same'), c.b));
    h = tf.add(applyLinear(proj, h), pos);
    const [B, T] = h.shape;
    for (const blk of blocks) {
      const n = layerNorm(h, blk.ln1g, blk.ln1b);
      const qkv = tf.transpose(tf.reshape(applyLinear(blk.qkv, n), [B, T, 3, 4, 32]), [2, 0, 3, 1, 4]);
      const [q, k, v] = tf.unstack(qkv, 0);
      const att = tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(32)));
      const o = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [B, T, 128]);
      h = tf.add(h, applyLinear(blk.out, o));
      h = tf.add(h, applyLinear(blk.fc2, gelu(applyLinear(blk.fc1, layerNorm(h, blk.ln2g, blk.ln2b)))));
    }
    return applyLinear(head2, tf.relu(applyLinear(head1, tf.mean(h, 1))));
  };

  const variables = [...convs.flatMap((c) => [c.w, c.b]), proj.w, proj.b, pos,
    ...blocks.flatMap((b) => [b.ln1g, b.ln1b, b.ln2g, b.ln2b, b.qkv.w, b.qkv.b, b.out.w, b.out.b, b.fc1.w, b.fc1.b, b.fc2.w, b.fc2.b]),
    head1.w, head1.b, head2.w, head2.b];
  const params = variables.reduce((s, v) => s + v.size, 0);
  const optimizer = new AdamW(variables, { lr: 1e-3, weightDecay: 1e-4 });

  const trainStep = (x: Tensor, labels: Tensor): number => {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, forward(x)) as tf.Scalar, variables);
    optimizer.step(grads);
    const loss = value.dataSync()[0];
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
    return loss;
  };
  const dispose = () => { variables.forEach((v) => v.dispose()); optimizer.dispose(); };
  return { forward, trainStep, params, dispose };
}
