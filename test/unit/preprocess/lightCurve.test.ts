/**
 * Light-curve behaviour beyond the fixtures: quality masking, seeded two-view crops, the paper's
 * absolute-magnitude channel, the short-series path, and clear errors. Inputs are the authors'
 * real fixture light curves.
 */
import { describe, it, expect } from 'vitest';
import { loadFixture } from '../../helpers/fixtures.js';
import {
  absoluteMagnitude, applyQualityMask, cropStarts, movingAverage, preprocessLightCurve,
} from '../../../src/main/preprocess/index.js';
import { DEFAULT_QUALITY_BITMASK } from '../../../src/main/survey/index.js';

const fx = loadFixture('preprocessing/kepler');
const filled = fx.f32('kic7660594/stitched_filled');

describe('quality mask', () => {
  it('blanks flagged cadences (then they are filled like the pipeline NaNs)', () => {
    const flux = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const quality = Int32Array.from([0, 1, 0, 16384, 0, 16]);
    const { flux: out, masked } = applyQualityMask(flux, quality, DEFAULT_QUALITY_BITMASK);
    expect(masked).toBe(2); // AttitudeTweak and DetectorAnomaly; ZeroCrossing (16) is not in 'default'
    expect(Number.isNaN(out[1]) && Number.isNaN(out[3])).toBe(true);
    expect(out[5]).toBe(6);
    const res = preprocessLightCurve({ pdcsapFlux: Float32Array.from({ length: 64 }, (_, i) => 100 + i), quality: Int32Array.from({ length: 64 }, (_, i) => (i === 10 ? 1 : 0)) }, { length: 32, crop: 0, views: 1, channelA: 'raw', qualityMask: 'default' });
    expect(res.quarters[0].masked).toBe(1);
    expect(res.filled[10]).toBe(110); // linear fill between 109 and 111
  });
});

describe('crops', () => {
  it('random crops are seeded, in range U{0…n−L−1}, and the two views differ', () => {
    const a = cropStarts(61753, 34560, 2, 'random', 7);
    expect(cropStarts(61753, 34560, 2, 'random', 7)).toEqual(a);
    expect(a[0]).not.toBe(a[1]);
    for (const s of a) expect(s >= 0 && s <= 61753 - 34560 - 1).toBe(true);
    expect(cropStarts(61753, 34560, 2, 'random', 8)).not.toEqual(a);
  });
  it('series no longer than L are not cropped; bad fixed starts are refused', () => {
    expect(cropStarts(10025, 34560, 2, 'random', 1)).toEqual([0, 0]);
    expect(() => cropStarts(61753, 34560, 1, 40000, 0)).toThrow(/crop start 40000 does not fit/);
    expect(() => cropStarts(61753, 4096, 2, [0], 0)).toThrow(/1 start\(s\) given for 2 view\(s\)/);
  });
  it('two SimSiam views of a real star: independent crops, each with its own ACF and FFT', () => {
    const out = preprocessLightCurve({ pdcsapFlux: filled }, { length: 4096, crop: [0, 12000], views: 2, channelA: 'raw' });
    expect(out.views.map((v) => v.cropStart)).toEqual([0, 12000]);
    const [v1, v2] = out.views;
    expect(v1.modelInput.length).toBe(4 * 4096);
    expect(Array.from(v1.smoothed)).toEqual(Array.from(movingAverage(filled.slice(0, 4096))));
    expect(Array.from(v2.smoothed)).toEqual(Array.from(movingAverage(filled.slice(12000, 16096))));
    expect(v1.acf[5]).not.toBe(v2.acf[5]);
  });
});

describe("the paper's absolute-magnitude channel A", () => {
  it('k = m − 5 log10(d) + 5 (a star at 10 pc has k = m) and channel A = smoothed · 2^k', () => {
    expect(absoluteMagnitude(10.448, 10)).toBeCloseTo(10.448, 12);
    expect(absoluteMagnitude(10.448, 100)).toBeCloseTo(5.448, 12);
    const out = preprocessLightCurve({ pdcsapFlux: filled }, { length: 4096, crop: 0, views: 1, magnitude: 10.448, distancePc: 250 });
    const k = 10.448 - 5 * Math.log10(250) + 5;
    expect(out.absMagnitude).toBeCloseTo(k, 12);
    const v = out.views[0];
    for (const i of [0, 100, 4095]) expect(v.modelInput[i]).toBe(Math.fround(v.smoothed[i] * 2 ** k));
    // The z-scored channel is the same as with the raw channel A.
    const raw = preprocessLightCurve({ pdcsapFlux: filled }, { length: 4096, crop: 0, views: 1, channelA: 'raw' });
    expect(Array.from(v.zScored)).toEqual(Array.from(raw.views[0].zScored));
  });
  it('is the default and refuses to run without magnitude and distance', () => {
    expect(() => preprocessLightCurve({ pdcsapFlux: filled, sourcePath: 'kplr007660594.fits' })).toThrow(/kplr007660594\.fits.*'absmag'.*magnitude and a positive distance/);
  });
});

describe('short series and bad input', () => {
  it('a series shorter than L: flux channels padded with their last value, ACF zero-padded before z-scoring', () => {
    const x = fx.f32('kic11442793/stitched_filled');
    const out = preprocessLightCurve({ pdcsapFlux: x }, { length: 34560, views: 1, channelA: 'raw' });
    const v = out.views[0];
    expect(v.cropLength).toBe(10025);
    expect(v.modelInput[34559]).toBe(v.smoothed[10024]);
    expect(v.modelInput[34560 + 34559]).toBe(v.zScored[10024]);
    // The ACF tail is the z-score of the zero padding: one constant value.
    expect(v.acf[20000]).toBe(v.acf[34559]);
  });
  it('all-NaN flux and a too-short series are refused with the file named', () => {
    expect(() => preprocessLightCurve({ pdcsapFlux: new Float32Array(50).fill(NaN), sourcePath: 'q.fits' }, { channelA: 'raw', length: 16 })).toThrow(/q\.fits: every flux value is NaN/);
    expect(() => movingAverage(Float32Array.from([1, 2, 3]), 13)).toThrow(/too few/);
  });
});
