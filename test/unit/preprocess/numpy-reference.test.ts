/**
 * The preprocessing primitives against NumPy/SciPy themselves (/usr/bin/python3), on seeded random
 * inputs: np.interp, scipy interp1d (float32, extrapolating), medfilt, savgol_filter, np.polyfit,
 * float32 np.sum/mean/std, np.arange/linspace grids, np.quantile, and the autocorrelation
 * definition. Python's json round-trips float64 exactly, so bit-exact claims are checked bit for bit.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import {
  autocorrelation, continuumNormalise, rfft, interpLinearExtrapolate, logWavelengthGrid, meanFloat32,
  medianFilter, movingAverage, numpyInterp, numpyLinspace, stdFloat32, sumFloat32, zScoreFloat32,
} from '../../../src/main/preprocess/index.js';
import { finiteSampleQuantile, numpyQuantileLinear } from '../../../src/main/losses/conformal.js';
import { runPython } from '../../helpers/python.js';

function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}
const r = uniform(2024);
const f32 = (n: number, scale: number, offset = 0): number[] => Array.from({ length: n }, () => Math.fround(offset + scale * (r() - 0.5)));

// Inputs.
const xp = Array.from({ length: 200 }, (_, i) => i * 1.5 + r());
const fp = f32(200, 10);
const xq = Array.from({ length: 300 }, () => -20 + 340 * r());
const wl32 = Array.from({ length: 400 }, (_, i) => Math.fround(3800 + i * 2.3 + r()));
const fl32 = f32(400, 500, 1000);
const grid = Array.from({ length: 380 }, (_, i) => 3790 + i * 2.4);
const med = Array.from({ length: 101 }, () => r() * 10);
const smooth = Array.from({ length: 1810 }, (_, i) => 1000 + 200 * Math.sin(i / 300) + 50 * (i / 1810) ** 3 + 20 * r());
const sums = [1, 7, 8, 9, 127, 128, 129, 1000, 8191, 8192, 8193, 20000, 61753].map((n) => f32(n, 3e5, 3.5e5));
const lc = f32(4096, 200, 3.5e5);
const acfIn = f32(600, 5, 100);
const quant = Array.from({ length: 101 }, () => r() - 0.3);
// The paper's model length 34560 = 2⁸·3³·5 (too long for a naive DFT in a unit test): numpy's rfft.
const long = Array.from({ length: 34560 }, (_, i) => Math.sin(i / 37) + 0.3 * (r() - 0.5));

const SCRIPT = String.raw`
import json, sys, numpy as np
from scipy.interpolate import interp1d
from scipy.signal import medfilt, savgol_filter
a = json.load(sys.stdin)
o = {}
o['interp'] = np.interp(a['xq'], a['xp'], np.array(a['fp'], dtype=np.float32)).tolist()
f = interp1d(np.array(a['wl'], dtype=np.float32), np.array(a['fl'], dtype=np.float32), kind='linear', fill_value='extrapolate')
o['interp1d'] = f(np.array(a['grid'])).tolist()
o['medfilt'] = medfilt(np.array(a['med']), 3).tolist()
o['medfilt5'] = medfilt(np.array(a['med']), 5).tolist()
s = np.array(a['smooth']); x = np.arange(len(s))
o['continuum'] = np.polyval(np.polyfit(x, s, 5), x).tolist()
o['sum32'] = [float(np.sum(np.array(v, dtype=np.float32))) for v in a['sums']]
o['mean32'] = [float(np.mean(np.array(v, dtype=np.float32))) for v in a['sums']]
o['std32'] = [float(np.std(np.array(v, dtype=np.float32))) for v in a['sums']]
lc = np.array(a['lc'], dtype=np.float32)
o['savgol'] = savgol_filter(lc, 13, 1, mode='mirror').astype(np.float64).tolist()
z = (lc - lc.mean()) / (lc.std() + 1e-8)
o['zscore'] = z.astype(np.float64).tolist()
y = np.array(a['acf'], dtype=np.float64); y = y - y.mean(); n = len(y)
full = np.correlate(y, y, mode='full')[n - 1:] / n
o['acf'] = (full / full[0]).tolist()
o['blue'] = (10 ** np.arange(np.log10(3841), np.log10(5800), 1e-4)).tolist()
o['linspace'] = np.linspace(0, 2048, 4096).tolist()
qs = [0.0, 0.1, 0.25, 0.5, 0.72, 0.8, 0.9, 1.0]
v = np.array(a['quant'])
o['quantile'] = [float(np.quantile(v, q)) for q in qs]
# split-conformal finite-sample quantile: the ceil((n+1)q)-th smallest score (Romano et al. 2019)
o['quantile_fsc'] = [float(np.sort(v)[int(np.ceil((len(v) + 1) * q)) - 1]) for q in [0.5, 0.72, 0.8, 0.9]]
X = np.fft.rfft(np.array(a['long']))
o['rfft_re'] = X.real.tolist(); o['rfft_im'] = X.imag.tolist()
print(json.dumps(o))
`;

let ref: Record<string, number[] | number[][]>;
beforeAll(async () => {
  const payload = { xp, fp, xq, wl: wl32, fl: fl32, grid, med, smooth, sums, lc, acf: acfIn, quant, long };
  const wrapped = `import sys, io\nsys.stdin = io.StringIO(${JSON.stringify(JSON.stringify(payload))})\n${SCRIPT}`;
  ref = JSON.parse(await runPython(wrapped));
}, 120_000);

const same = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n + Math.abs(a.length - b.length);
};

describe('preprocessing primitives against NumPy/SciPy', () => {
  it('np.interp (clamped ends), bit for bit', () => {
    expect(same(numpyInterp(xq, xp, fp), ref.interp as number[])).toBe(0);
  });
  it('scipy interp1d(kind=linear, fill_value=extrapolate) on float32 data, bit for bit', () => {
    expect(same(interpLinearExtrapolate(grid, wl32, fl32, true), ref.interp1d as number[])).toBe(0);
  });
  it('scipy medfilt (zero-padded edges), widths 3 and 5', () => {
    expect(same(medianFilter(med, 3), ref.medfilt as number[])).toBe(0);
    expect(same(medianFilter(med, 5), ref.medfilt5 as number[])).toBe(0);
  });
  it('degree-5 continuum: np.polyval(np.polyfit(arange(n), s, 5)) to 1e-9 relative', () => {
    const { continuum } = continuumNormalise(Float64Array.from(smooth), 5);
    const want = ref.continuum as number[];
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(continuum[i] - want[i]) / Math.abs(want[i]));
    expect(worst).toBeLessThanOrEqual(1e-9);
  });
  it('float32 np.sum / np.mean / np.std (pairwise, 8192-element buffers), bit for bit', () => {
    sums.forEach((v, i) => {
      expect(sumFloat32(v)).toBe((ref.sum32 as number[])[i]);
      expect(meanFloat32(v)).toBe((ref.mean32 as number[])[i]);
      expect(stdFloat32(v)).toBe((ref.std32 as number[])[i]);
    });
  });
  it('savgol_filter(x, 13, 1, mode=mirror) on float32, and the float32 z-score, bit for bit', () => {
    const x = Float32Array.from(lc);
    expect(same(movingAverage(x, 13), ref.savgol as number[])).toBe(0);
    expect(same(zScoreFloat32(x), ref.zscore as number[])).toBe(0);
  });
  it('FFT autocorrelation equals the definition (np.correlate, biased, demeaned, / lag 0)', () => {
    const got = autocorrelation(acfIn);
    const want = ref.acf as number[];
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThanOrEqual(1e-13);
  });
  it('10**np.arange log-λ grid (one ulp) and np.linspace (bit for bit)', () => {
    const blue = logWavelengthGrid(3841, 5800, 1e-4);
    const want = ref.blue as number[];
    expect(blue.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(Math.abs(blue[i] - want[i]) / want[i]).toBeLessThanOrEqual(2.3e-16);
    expect(same(numpyLinspace(0, 2048, 4096), ref.linspace as number[])).toBe(0);
  });
  it("np.quantile (method 'linear') and the finite-sample order statistic", () => {
    [0.0, 0.1, 0.25, 0.5, 0.72, 0.8, 0.9, 1.0].forEach((q, i) => expect(numpyQuantileLinear(quant, q)).toBe((ref.quantile as number[])[i]));
    [0.5, 0.72, 0.8, 0.9].forEach((q, i) => expect(finiteSampleQuantile(quant, q)).toBe((ref.quantile_fsc as number[])[i]));
  });
  it('rfft at the paper length 34560 equals np.fft.rfft to eps·Σ|x|', () => {
    const X = rfft(long);
    const re = ref.rfft_re as number[], im = ref.rfft_im as number[];
    expect(X.re.length).toBe(17281);
    const scale = long.reduce((a, v) => a + Math.abs(v), 0);
    let worst = 0;
    for (let k = 0; k < re.length; k++) worst = Math.max(worst, Math.abs(X.re[k] - re[k]), Math.abs(X.im[k] - im[k]));
    expect(worst).toBeLessThanOrEqual(1e-14 * scale);
  });
});
