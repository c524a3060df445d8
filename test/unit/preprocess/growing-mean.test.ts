/**
 * GrowingNanMeanFloat32 (the quarter stitching's running mean of what is stitched so far) equals
 * NumPy's float32 `np.nanmean` of every prefix bit for bit, across its 8192-element blocks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/shared/random';
import { GrowingNanMeanFloat32 } from '../../../src/main/preprocess/reductions';
import { runPython } from '../../helpers/python';

describe('growing nanmean', () => {
  it('equals np.nanmean(a[:L]) in float32 for growing prefixes', async () => {
    const u = mulberry32(11);
    const a = Float32Array.from({ length: 30_000 }, (_, i) => (u() < 0.03 ? NaN : 2e4 + 500 * u() + 0.05 * i));
    const lengths = [0, 1, 7, 100, 8191, 8192, 8193, 12_000, 16_384, 20_001, 29_999, 30_000];
    const file = path.join(os.tmpdir(), `desa-growing-mean-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify({ a: Array.from(a, (v) => (Number.isNaN(v) ? null : v)), lengths }));
    try {
      const want = JSON.parse(await runPython(`
import sys, json, warnings
import numpy as np
d = json.load(open(sys.argv[1]))
a = np.array([np.nan if v is None else v for v in d['a']], dtype=np.float32)
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    print(json.dumps([None if L == 0 else float(np.nanmean(a[:L])) for L in d['lengths']]))
`, [file])) as (number | null)[];
      const growing = new GrowingNanMeanFloat32(a);
      lengths.forEach((L, i) => {
        const got = growing.mean(L);
        if (want[i] === null) expect(got).toBeNaN();
        else expect(got).toBe(want[i]);
      });
      expect(() => growing.mean(10)).toThrow(/prefix 10 after 30000/);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
