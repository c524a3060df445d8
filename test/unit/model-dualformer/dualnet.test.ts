/**
 * DualNet assembly: the tiny configuration runs end to end, only the DualFormer trains (the
 * encoders are frozen, as in DESA stage 3), pretrained encoders are shared rather than copied,
 * and the paper-size DualFormer has the parameter count the digest computes from the code (10.69 M).
 */
import { describe, expect, it } from 'vitest';
import { LIGHT_CURVE_ENCODER_CONFIGS, SPECTRA_ENCODER_CONFIGS } from '../../../src/main/model/configs';
import { DUALFORMER_CONFIGS } from '../../../src/main/model/dualformer/config';
import { DualFormer } from '../../../src/main/model/dualformer/dualformer';
import { DualNet } from '../../../src/main/model/dualnet';
import { LightCurveEncoderModel } from '../../../src/main/model/lightcurve/multitask-simsiam';
import { SpectraEncoderModel } from '../../../src/main/model/spectra/multitask-regressor';
import { tf } from '../../../src/main/model/tf';

describe('DualNet', () => {
  it('tiny: spectra + light curves + labels → z1, z2, p1, p2; only the DualFormer is trainable', () => {
    const net = DualNet.ofSize('tiny');
    const B = 2;
    const spectra = tf.randomNormal([B, SPECTRA_ENCODER_CONFIGS.tiny.inputLength], 0, 1, 'float32', 1);
    const lightCurves = tf.randomNormal([B, 4, LIGHT_CURVE_ENCODER_CONFIGS.tiny.inputLength], 0, 1, 'float32', 2);
    const latent = tf.zeros([B, 6]);
    const out = net.forward({ spectra, lightCurves, latent });
    const width = DUALFORMER_CONFIGS.tiny.embedDim + 6;
    for (const t of [out.z1, out.z2, out.p1, out.p2]) expect(t.shape).toEqual([B, width]);
    expect(out.spectraFeatures.shape).toEqual([B, SPECTRA_ENCODER_CONFIGS.tiny.conformer.encoderDim]);
    expect(Array.from(out.z1.dataSync()).every(Number.isFinite)).toBe(true);

    const trainable = new Set(net.trainableVariables);
    expect(trainable).toEqual(new Set(net.dualFormer.trainableVariables));
    for (const v of net.spectraEncoder.trainableVariables) expect(trainable.has(v)).toBe(false);
    tf.dispose([spectra, lightCurves, latent, ...Object.values(out)]);
    net.dispose();
  });

  it('fromEncoders shares the pretrained encoders\' weights (no copy)', () => {
    const spectra = new SpectraEncoderModel(SPECTRA_ENCODER_CONFIGS.tiny);
    const lc = new LightCurveEncoderModel(LIGHT_CURVE_ENCODER_CONFIGS.tiny);
    const net = DualNet.fromEncoders(spectra, lc, DUALFORMER_CONFIGS.tiny);
    const state = net.stateDict();
    expect(state.get('spectra_backbone.pe.inv_freq')).toBe(spectra.stateDict().get('encoder.pe.inv_freq'));
    expect(state.get('lc_backbone.1.layer1.0.weight')).toBe(lc.stateDict().get('simsiam.projector.layer1.0.weight'));
    net.dualFormer.dispose();
    spectra.dispose();
    lc.dispose();
  });

  it('paper-size DualFormer has 10.69 M parameters (digest §6.11)', () => {
    const model = new DualFormer(DUALFORMER_CONFIGS.paper);
    expect(model.outputWidth).toBe(262);
    expect(model.countParameters() / 1e6).toBeCloseTo(10.69, 2);
    model.dispose();
  });
});
