/** AdamW against torch.optim.AdamW (reference values and the case: test/helpers/adamw-reference.ts). */
import { describe, it, expect } from 'vitest';
import { tf } from '../../../src/main/model/tf';
import { AdamW } from '../../../src/main/model/optim/adamw';
import { runTorchAdamWCase, TORCH_ADAMW, TORCH_ADAMW_AMSGRAD } from '../../helpers/adamw-reference';

function run(amsgrad: boolean): Float32Array {
  const { params, stepCount } = runTorchAdamWCase(amsgrad);
  expect(stepCount).toBe(5);
  return params;
}

describe('AdamW', () => {
  it('matches torch.optim.AdamW over five steps (decoupled weight decay, bias correction)', () => {
    const got = run(false);
    TORCH_ADAMW.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
  });

  it('matches the AMSGrad variant', () => {
    const got = run(true);
    TORCH_ADAMW_AMSGRAD.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
  });

  it('refuses non-trainable variables', () => {
    const frozen = tf.variable(tf.zeros([2]), false);
    expect(() => new AdamW([frozen])).toThrow(/not trainable/);
    frozen.dispose();
  });
});
