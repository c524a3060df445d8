/**
 * Parity: the authors' DualNet saved with torch.save (DDP `module.` keys, the layout of the released
 * checkpoints) imports to exactly the tensors of the three model fixtures, loads into our DualNet
 * with no missing or unexpected key, and that DualNet, run end to end on the fixtures' spectra and
 * light curves, reproduces the encoder features and the DualFormer outputs.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCheckpoint } from '../../src/main/model/checkpoint/import-checkpoint.js';
import { labelsToLatent } from '../../src/main/model/dualformer/dualformer.js';
import { DualNet } from '../../src/main/model/dualnet.js';
import { loadStateDict } from '../../src/main/model/params.js';
import { tf } from '../../src/main/model/tf.js';
import { loadFixture, maxAbsDiff } from '../helpers/fixtures.js';

const checkpointFixture = loadFixture('models/dualnet_checkpoint');
const pth = path.join(checkpointFixture.dir, 'dualnet_small.pth');

/** DualNet key prefix (after stripping `module.`) → [fixture folder, that fixture's array-name prefix]. */
const KEY_MAPPING: [string, string, string][] = [
  ['dual_former.', 'models/dualformer', 'state_dict/'],
  ['spectra_backbone.', 'models/spectra_encoder', 'state_dict/encoder.'],
  ['lc_backbone.0.', 'models/lc_encoder', 'state_dict/simsiam.backbone.'],
  ['lc_backbone.1.', 'models/lc_encoder', 'state_dict/simsiam.projector.'],
];

describe('models/dualnet_checkpoint/dualnet_small.pth', () => {
  const imported = importCheckpoint(pth);
  const listed = checkpointFixture.manifest.keys as { key: string; dtype: string; shape: number[] }[];

  it('has every key of the manifest, in order, with dtype and shape, DDP prefix stripped', () => {
    expect(imported.size).toBe(checkpointFixture.manifest.n_keys);
    expect([...imported.keys()]).toEqual(listed.map((k) => k.key.replace(/^module\./, '')));
    for (const k of listed) {
      const t = imported.get(k.key.replace(/^module\./, ''))!;
      expect(t.dtype, k.key).toBe(k.dtype);
      expect(t.shape, k.key).toEqual(k.shape);
    }
  });

  it('holds exactly the tensors stored in the model fixtures', () => {
    let compared = 0;
    for (const [key, t] of imported) {
      const mapping = KEY_MAPPING.find(([prefix]) => key.startsWith(prefix));
      if (!mapping) {
        expect(key, 'only the unused DualNet heads lack a fixture twin').toMatch(/^(lc_head|spectra_head)\./);
        continue;
      }
      const [prefix, folder, arrayPrefix] = mapping;
      const ref = loadFixture(folder).array(arrayPrefix + key.slice(prefix.length));
      // The fixture folders store 0-d buffers (num_batches_tracked) as shape [1]; the .pth keeps [].
      expect(t.shape.length === 0 ? [1] : t.shape, key).toEqual(ref.shape);
      expect(t.dtype, key).toBe(ref.dtype);
      expect(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).equals(Buffer.from(ref.data.buffer, ref.data.byteOffset, ref.data.byteLength)), key).toBe(true);
      compared++;
    }
    expect(compared).toBe(302);
  });

  it('loads into our DualNet and reproduces features, z and p end to end', () => {
    const model = DualNet.ofSize('small');
    expect([...model.stateDict().keys()]).toEqual([...imported.keys()]);
    const report = loadStateDict(model, imported, { source: 'dualnet_small.pth' });
    expect(report.missing.length + report.unexpected.length).toBe(0);

    const spectraFx = loadFixture('models/spectra_encoder');
    const lcFx = loadFixture('models/lc_encoder');
    const dualFx = loadFixture('models/dualformer');
    const input = (fx: ReturnType<typeof loadFixture>, name: string) => tf.tensor(fx.f32(name), fx.shape(name));
    const spectra = input(spectraFx, 'input/x');
    const lightCurves = input(lcFx, 'input/view1');
    const labels = input(dualFx, 'input/y_labels');
    const latent = labelsToLatent(labels);
    const out = model.forward({ spectra, lightCurves, latent });
    // Encoder features (README §3.5: spectra features atol 1e-3, LC z 5e-4).
    expect(maxAbsDiff(out.spectraFeatures.dataSync(), dualFx.f32('input/x1_spectra_feature'))).toBeLessThan(1e-3);
    expect(maxAbsDiff(out.lightCurveFeatures.dataSync(), dualFx.f32('input/x2_lc_feature'))).toBeLessThan(5e-4);
    // Chained through the encoders, so the stage-wise 1e-5 is widened to 1e-4.
    for (const name of ['z1', 'z2', 'p1', 'p2'] as const) {
      expect(maxAbsDiff(out[name].dataSync(), dualFx.f32(`output/${name}`)), name).toBeLessThan(1e-4);
    }
    tf.dispose([spectra, lightCurves, labels, latent, ...Object.values(out)]);
    model.dispose();
  });
});
