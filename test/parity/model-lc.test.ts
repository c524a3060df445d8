/**
 * Parity of the light-curve encoder (MultiTaskSimSiam(DoubleInputRegressor(CNNEncoder, Astroconformer)))
 * with the authors' code: the fixture state dict (aliases included) loads key for key, and each stage
 * fed the fixture's own input reproduces the fixture output within README §3.5 (cpu, float32).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { tf } from '../../src/main/model/tf';
import type { Tensor } from '../../src/main/model/tf';
import { loadFixture, maxAbsDiff, type Fixture } from '../helpers/fixtures';
import { loadStateDict, type StateDict } from '../../src/main/model/params';
import { LIGHT_CURVE_ENCODER_CONFIGS } from '../../src/main/model/configs';
import { LightCurveEncoderModel, type LightCurveOutputs } from '../../src/main/model/lightcurve/multitask-simsiam';
import { simsiamLoss } from '../../src/main/losses';

const fx: Fixture = loadFixture('models/lc_encoder');
const tensor = (name: string): Tensor => tf.tensor(fx.f32(name), fx.shape(name));
const read = (t: Tensor): Float32Array => t.dataSync() as Float32Array;

function fixtureStateDict(f: Fixture): StateDict {
  const prefix = 'state_dict/';
  return new Map(f.names().filter((n) => n.startsWith(prefix)).map((n) => [n.slice(prefix.length), f.array(n)]));
}

describe('light-curve encoder parity with models/lc_encoder', () => {
  let model: LightCurveEncoderModel;
  let out: LightCurveOutputs;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = new LightCurveEncoderModel(LIGHT_CURVE_ENCODER_CONFIGS.small, { convImpl: 'native' });
    loadStateDict(model, fixtureStateDict(fx), { source: 'models/lc_encoder' });
    out = model.forward({ view1: tensor('input/view1'), view2: tensor('input/view2') }, { training: false });
  });
  afterAll(() => model.dispose());

  it('has the reference parameter count and every key, aliases included', () => {
    expect(model.countParameters()).toBe(fx.manifest.n_parameters as number);
    const report = loadStateDict(model, fixtureStateDict(fx));
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
    // simsiam.encoder.0.* and simsiam.backbone.* are one set of variables, as in PyTorch.
    const sd = model.stateDict();
    expect(sd.get('simsiam.encoder.0.encoder2.pe.inv_freq')).toBe(sd.get('simsiam.backbone.encoder2.pe.inv_freq'));
    expect(sd.get('simsiam.encoder.1.layer3.0.weight')).toBe(sd.get('simsiam.projector.layer3.0.weight'));
  });

  it('reproduces the Astroconformer RoPE tables', () => {
    const { cos, sin } = model.simsiam.backbone.encoder2.pe.tables(256);
    const ref = fx.f32('output/astroconformer_rope_cos_sin');
    const half = ref.length / 2;
    expect(maxAbsDiff(read(cos), ref.subarray(0, half))).toBeLessThan(1e-6);
    expect(maxAbsDiff(read(sin), ref.subarray(half))).toBeLessThan(1e-6);
  });

  it('first stages from the input view: CNN features (1e-5), Astroconformer tokens (5e-4)', () => {
    expect(maxAbsDiff(read(out.view1.cnnFeatures), fx.f32('output/cnn_features_view1'))).toBeLessThan(1e-5);
    expect(maxAbsDiff(read(out.view1.astroconformerTokens), fx.f32('output/astroconformer_tokens_view1'))).toBeLessThan(5e-4);
    expect(maxAbsDiff(read(out.view1.astroconformerFeatures), fx.f32('output/astroconformer_features_view1'))).toBeLessThan(5e-4);
    expect(maxAbsDiff(read(out.view1.backbone), fx.f32('output/backbone_view1'))).toBeLessThan(5e-4);
  });

  it('projector from the fixture backbone, predictor from the fixture z, head from fixture [z1, z2] (5e-4)', () => {
    const backbone = tensor('output/backbone_view1');
    const z1 = tensor('output/z1');
    const z2 = tensor('output/z2');
    const s = model.simsiam;
    expect(maxAbsDiff(read(s.projector.forward(backbone, false)), fx.f32('output/z1'))).toBeLessThan(5e-4);
    expect(maxAbsDiff(read(s.predictor.forward(z1, false)), fx.f32('output/p1'))).toBeLessThan(5e-4);
    expect(maxAbsDiff(read(s.predictor.forward(z2, false)), fx.f32('output/p2'))).toBeLessThan(5e-4);
    expect(maxAbsDiff(read(model.head.forward(tf.concat([z1, z2], 1), false)), fx.f32('output/regressor'))).toBeLessThan(5e-4);
  });

  it('end to end forward(): z, p and the quantile head within 5e-4, SimSiam loss within 5e-6', () => {
    for (const k of ['z1', 'z2', 'p1', 'p2', 'regressor'] as const) {
      expect(maxAbsDiff(read(out[k]), fx.f32(`output/${k}`)), k).toBeLessThan(5e-4);
    }
    expect(out.quantiles.shape).toEqual([4, 1, 5]);
    const loss = simsiamLoss(out.p1, out.p2, out.z1, out.z2);
    expect(Math.abs(loss.dataSync()[0] - fx.scalar('output/simsiam_loss'))).toBeLessThan(5e-6);
  });

  it('encode() gives the LC feature z of one view (simsiam.encoder)', () => {
    // One star only, to keep the test short; eval-mode BatchNorm makes samples independent.
    const z = model.encode(tf.slice(tensor('input/view2'), [0, 0, 0], [1, 4, 4096]), false);
    expect(maxAbsDiff(read(z), fx.f32('output/z2').subarray(0, 64))).toBeLessThan(5e-4);
  });
});
