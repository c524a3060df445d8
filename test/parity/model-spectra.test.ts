/**
 * Parity of the spectra encoder (MultiTaskRegressor) with the authors' code: the fixture state dict
 * loads key for key, and each stage fed the fixture's own input for that stage reproduces the fixture
 * output within the tolerances of shared/fixtures/reference/README.md §3.5 (cpu backend, float32).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { tf } from '../../src/main/model/tf';
import type { Tensor } from '../../src/main/model/tf';
import { loadFixture, maxAbsDiff, type Fixture } from '../helpers/fixtures';
import { loadStateDict, type StateDict } from '../../src/main/model/params';
import { SPECTRA_ENCODER_CONFIGS } from '../../src/main/model/configs';
import { SpectraEncoderModel } from '../../src/main/model/spectra/multitask-regressor';

const fx: Fixture = loadFixture('models/spectra_encoder');
const tensor = (name: string): Tensor => tf.tensor(fx.f32(name), fx.shape(name));
const read = (t: Tensor): Float32Array => {
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return out;
};

function fixtureStateDict(f: Fixture): StateDict {
  const prefix = 'state_dict/';
  return new Map(f.names().filter((n) => n.startsWith(prefix)).map((n) => [n.slice(prefix.length), f.array(n)]));
}

describe('spectra encoder parity with models/spectra_encoder', () => {
  let model: SpectraEncoderModel;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = new SpectraEncoderModel(SPECTRA_ENCODER_CONFIGS.small, { convImpl: 'native' });
    loadStateDict(model, fixtureStateDict(fx), { source: 'models/spectra_encoder' });
  });
  afterAll(() => model.dispose());

  it('has the reference parameter count and loads every state-dict key', () => {
    expect(model.countParameters()).toBe(fx.manifest.n_parameters as number);
    const report = loadStateDict(model, fixtureStateDict(fx));
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
  });

  it('reproduces the RoPE tables', () => {
    const { cos, sin } = model.encoder.pe.tables(128);
    const ref = fx.f32('output/rope_cos_sin');
    const half = ref.length / 2;
    expect(maxAbsDiff(read(cos), ref.subarray(0, half))).toBeLessThan(1e-6);
    expect(maxAbsDiff(read(sin), ref.subarray(half))).toBeLessThan(1e-6);
  });

  it('Conformer tokens from the fixture CNN tokens (atol 5e-5) and their sum (atol 1e-3)', () => {
    const tokens = tensor('output/cnn_tokens');
    const conf = model.encoder.encodeTokens(tokens, false);
    const features = tf.sum(conf, 1);
    expect(maxAbsDiff(read(conf), fx.f32('output/conformer_tokens'))).toBeLessThan(5e-5);
    expect(maxAbsDiff(read(features), fx.f32('output/features'))).toBeLessThan(1e-3);
    tokens.dispose();
  });

  it('quantile head from the fixture features (atol 2e-5)', () => {
    const features = tensor('output/features');
    expect(maxAbsDiff(read(model.head.forward(features, false)), fx.f32('output/regressor'))).toBeLessThan(2e-5);
    features.dispose();
  });

  it('decoder from the fixture CNN tokens (atol 2e-4)', () => {
    const tokens = tensor('output/cnn_tokens');
    expect(maxAbsDiff(read(model.decoder.forward(tokens, false)), fx.f32('output/decoder'))).toBeLessThan(2e-4);
    tokens.dispose();
  });

  it('end to end forward(): CNN tokens within 5e-5, later stages within chained bounds', () => {
    const x = tensor('input/x');
    const out = model.forward({ x }, { training: false });
    expect(out.quantiles.shape).toEqual([4, 3, 5]);
    // The CNN is the first stage, so its tolerance is the stage-wise one.
    expect(maxAbsDiff(read(out.cnnTokens), fx.f32('output/cnn_tokens'))).toBeLessThan(5e-5);
    expect(maxAbsDiff(read(out.conformerTokens), fx.f32('output/conformer_tokens'))).toBeLessThan(2e-4);
    expect(maxAbsDiff(read(out.features), fx.f32('output/features'))).toBeLessThan(5e-3);
    expect(maxAbsDiff(read(out.regressor), fx.f32('output/regressor'))).toBeLessThan(1e-4);
    expect(maxAbsDiff(read(out.reconstruction), fx.f32('output/decoder'))).toBeLessThan(1e-3);
    out.quantiles.dispose();
    x.dispose();
  });

  it('the im2col convolution path (the one that trains on wasm) reproduces the fixture too', () => {
    const im2col = new SpectraEncoderModel(SPECTRA_ENCODER_CONFIGS.small, { convImpl: 'im2col' });
    loadStateDict(im2col, fixtureStateDict(fx));
    // First spectrum only, to keep the test short; eval-mode BatchNorm makes samples independent.
    const x = tf.slice(tensor('input/x'), [0, 0], [1, 4096]);
    const out = im2col.forward({ x }, { training: false });
    const tokensPerSample = 128 * 128;
    expect(maxAbsDiff(read(out.cnnTokens), fx.f32('output/cnn_tokens').subarray(0, tokensPerSample))).toBeLessThan(5e-5);
    expect(maxAbsDiff(read(out.reconstruction), fx.f32('output/decoder').subarray(0, 4096))).toBeLessThan(1e-3);
    for (const t of [out.conformerTokens, out.features, out.regressor, out.quantiles, x]) t.dispose();
    im2col.dispose();
  });
});
