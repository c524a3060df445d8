/**
 * The losses without an authors' fixture (InfoNCE as MoCo computes it, VICReg, cross-entropy,
 * cosine similarity, masked MSE) against PyTorch itself (/usr/bin/python3 with torch), on seeded
 * random inputs, in float64 on the torch side.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '../../../src/main/model/tf.js';
import { crossEntropyFromLogits, infoNceLoss, maskedFillMse, cosineSimilarity, vicregLoss } from '../../../src/main/losses/index.js';
import { runPython } from '../../helpers/python.js';
import { randomInput, rng } from './gradcheck.js';

const B = 8, d = 16, K = 32, C = 5;
const r = rng(42);
const q = randomInput([B, d], r), k = randomInput([B, d], r), queue = randomInput([K, d], r);
const x = randomInput([B, d], r, 0.7), y = randomInput([B, d], r, 0.7);
const logits = randomInput([B, C], r, 2);
const labels = Array.from({ length: B }, (_, i) => (i * 3) % C);
const classWeights = [1, 0.5, 2, 1.5, 0.25];
const mask = Array.from({ length: B * d }, (_, i) => (i % 7 === 0 ? 1 : 0));

const SCRIPT = String.raw`
import json, sys, torch
import torch.nn.functional as F
torch.set_default_dtype(torch.float64)
a = json.load(sys.stdin)
T = lambda k, s: torch.tensor(a[k], dtype=torch.float64).reshape(s)
B, d, K, C = a['B'], a['d'], a['K'], a['C']
q, k, queue = T('q', (B, d)), T('k', (B, d)), T('queue', (K, d))
x, y = T('x', (B, d)), T('y', (B, d))
out = {}
# MoCo (nn/moco.py): normalised q, k and queue; logits [q.k, q.queue]/T; CE against class 0.
qn, kn, nn_ = F.normalize(q, dim=1), F.normalize(k, dim=1), F.normalize(queue, dim=1)
l_pos = torch.einsum('nc,nc->n', qn, kn).unsqueeze(-1)
l_neg = torch.einsum('nc,kc->nk', qn, nn_)
out['infonce_queue'] = F.cross_entropy(torch.cat([l_pos, l_neg], 1) / 0.05, torch.zeros(B, dtype=torch.long)).item()
out['infonce_batch'] = F.cross_entropy(qn @ kn.T / 0.1, torch.arange(B)).item()
# VICReg (Bardes et al. reference implementation).
repr_loss = F.mse_loss(x, y)
xc, yc = x - x.mean(0), y - y.mean(0)
std_x, std_y = torch.sqrt(xc.var(0) + 1e-4), torch.sqrt(yc.var(0) + 1e-4)
std_loss = torch.mean(F.relu(1 - std_x)) / 2 + torch.mean(F.relu(1 - std_y)) / 2
cx, cy = (xc.T @ xc) / (B - 1), (yc.T @ yc) / (B - 1)
off = lambda m: m.flatten()[:-1].view(d - 1, d + 1)[:, 1:].flatten()
cov_loss = off(cx).pow(2).sum() / d + off(cy).pow(2).sum() / d
out['vicreg'] = (25 * repr_loss + 25 * std_loss + 0.1 * cov_loss).item()
lg = T('logits', (B, C)); lb = torch.tensor(a['labels'])
out['ce'] = F.cross_entropy(lg, lb).item()
out['ce_weighted'] = F.cross_entropy(lg, lb, weight=torch.tensor(a['classWeights'])).item()
out['cos'] = F.cosine_similarity(x, y, dim=-1, eps=1e-8).tolist()
m = torch.tensor(a['mask'], dtype=torch.float64).reshape(B, d)
out['mse_all'] = F.mse_loss(x, y).item()
out['mse_masked'] = (((x - y) ** 2) * m).sum().item() / m.sum().item()
print(json.dumps(out))
`;

let ref: Record<string, number | number[]>;
beforeAll(async () => {
  const payload = { B, d, K, C, q: [...q.data], k: [...k.data], queue: [...queue.data], x: [...x.data], y: [...y.data], logits: [...logits.data], labels, classWeights, mask };
  ref = JSON.parse(await runPythonWithInput(SCRIPT, JSON.stringify(payload)));
}, 120_000);

/** runPython feeds the script on stdin, so pass the data through a here-doc-free wrapper. */
async function runPythonWithInput(script: string, input: string): Promise<string> {
  const wrapped = `import sys, io\nsys.stdin = io.StringIO(${JSON.stringify(input)})\n${script}`;
  return runPython(wrapped);
}

const t = (g: { data: Float64Array; shape: number[] }): tf.Tensor => tf.tensor(Array.from(g.data), g.shape, 'float32');
const v = (s: tf.Tensor): number => s.dataSync()[0];
const close = (got: number, want: number, tol = 2e-5): void => expect(Math.abs(got - want)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));

describe('losses against PyTorch', () => {
  it('InfoNCE with a MoCo queue (T = 0.05) and with in-batch negatives (T = 0.1)', () => {
    close(v(infoNceLoss(t(q), t(k), t(queue), { temperature: 0.05 })), ref.infonce_queue as number);
    close(v(infoNceLoss(t(q), t(k), null, { temperature: 0.1 })), ref.infonce_batch as number);
  });
  it('VICReg with coefficients 25 / 25 / 0.1', () => close(v(vicregLoss(t(x), t(y))), ref.vicreg as number));
  it('cross-entropy, plain and class-weighted', () => {
    const lb = tf.tensor1d(labels, 'int32');
    close(v(crossEntropyFromLogits(t(logits), lb)), ref.ce as number);
    close(v(crossEntropyFromLogits(t(logits), lb, tf.tensor1d(classWeights))), ref.ce_weighted as number);
  });
  it('cosine similarity', () => {
    const got = cosineSimilarity(t(x), t(y)).dataSync();
    (ref.cos as number[]).forEach((c, i) => expect(Math.abs(got[i] - c)).toBeLessThanOrEqual(1e-6));
  });
  it('masked-fill MSE over all and over masked positions', () => {
    close(v(maskedFillMse(t(x), t(y), { positions: 'all' })), ref.mse_all as number);
    close(v(maskedFillMse(t(x), t(y), { mask: tf.tensor(mask, [B, d]) })), ref.mse_masked as number);
  });
});
