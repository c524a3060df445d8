/** The parameter registry: PyTorch key names, strict loading with clear reports, aliases, export. */
import { describe, it, expect } from 'vitest';
import { tf } from '../../../src/main/model/tf';
import { Module, ModuleList, loadStateDict, exportStateDict, type StateDict } from '../../../src/main/model/params';
import { Linear, BatchNorm1d } from '../../../src/main/model/layers';

class Tiny extends Module {
  readonly fc = this.child('fc', new Linear(2, 3));
  readonly seq = this.child('seq', new ModuleList([new BatchNorm1d(3)]));
  constructor() {
    super();
    this.child('alias', this.fc); // PyTorch lists shared modules under every name
  }
}

const full = (m: Module): Promise<StateDict> => exportStateDict(m);

describe('parameter registry', () => {
  it('names parameters and buffers like a PyTorch state dict, aliases included', () => {
    const m = new Tiny();
    expect([...m.stateDict().keys()]).toEqual([
      'fc.weight', 'fc.bias',
      'seq.0.weight', 'seq.0.bias', 'seq.0.running_mean', 'seq.0.running_var', 'seq.0.num_batches_tracked',
      'alias.weight', 'alias.bias',
    ]);
    // Trainable: fc (6 + 3) and BN affine (3 + 3); the alias is not counted twice, buffers not at all.
    expect(m.countParameters()).toBe(15);
    expect(m.trainableVariables).toHaveLength(4);
  });

  it('round-trips a state dict and reports missing and unexpected keys', async () => {
    const a = new Tiny();
    const b = new Tiny();
    const report = loadStateDict(b, await full(a));
    expect(report.missing).toEqual([]);
    expect(Array.from(b.fc.weight.dataSync())).toEqual(Array.from(a.fc.weight.dataSync()));

    const partial = await full(a);
    partial.delete('seq.0.running_var');
    partial.set('head.weight', { data: new Float32Array(1), shape: [1] });
    expect(() => loadStateDict(b, partial, { source: 'test.pth' })).toThrow(
      /test\.pth.*missing keys: seq\.0\.running_var.*unexpected keys: head\.weight/,
    );
    const lenient = loadStateDict(b, partial, { strict: false });
    expect(lenient.missing).toEqual(['seq.0.running_var']);
    expect(lenient.unexpected).toEqual(['head.weight']);
  });

  it('rejects a wrongly shaped tensor naming the key and both shapes', async () => {
    const m = new Tiny();
    const bad = await full(m);
    bad.set('fc.weight', { data: new Float32Array(6), shape: [2, 3] });
    expect(() => loadStateDict(m, bad)).toThrow(/'fc\.weight' has shape \[2,3\] but the model expects \[3,2\]/);
  });

  it('loads int64 buffers (num_batches_tracked) and 1-element scalars stored as [1]', async () => {
    const m = new Tiny();
    const sd = await full(m);
    sd.set('seq.0.num_batches_tracked', { data: new BigInt64Array([7n]), shape: [1] });
    loadStateDict(m, sd);
    expect(m.stateDict().get('seq.0.num_batches_tracked')!.dataSync()[0]).toBe(7);
    tf.disposeVariables();
  });
});
