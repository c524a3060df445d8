import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LightCurve } from '../../../src/shared/survey.js';
import {
  DEFAULT_QUALITY_BITMASK,
  HARD_QUALITY_BITMASK,
  HARDEST_QUALITY_BITMASK,
  qualityBitmask,
  readSurveyFile,
  stitchLightCurves,
} from '../../../src/main/survey/index.js';
import { repoRoot } from '../../helpers/paths.js';

const keplerDir = path.resolve(repoRoot(), '../shared/data/real/kepler');

async function readStar(kic: string): Promise<LightCurve[]> {
  const files = readdirSync(keplerDir).filter((f) => f.startsWith(`kplr${kic}`));
  return Promise.all(files.map(async (f) => (await readSurveyFile(path.join(keplerDir, f))) as LightCurve));
}

describe('quality bitmask presets', () => {
  it("equal lightkurve's KeplerQualityFlags values", () => {
    // lightkurve: DEFAULT = 1|2|4|8|32|256|16384|65536|1048576, HARD adds 1024|128|8192|524288, HARDEST = 2096639.
    expect(DEFAULT_QUALITY_BITMASK).toBe(1130799);
    expect(HARD_QUALITY_BITMASK).toBe(1664431);
    expect(HARDEST_QUALITY_BITMASK).toBe(2096639);
    expect(qualityBitmask('none')).toBe(0);
    expect(qualityBitmask(6)).toBe(6);
    expect(() => qualityBitmask(-1)).toThrow(RangeError);
  });
});

describe('stitchLightCurves on KIC 7660594, Q0-Q17 (18 files)', () => {
  let quarters: LightCurve[];
  beforeAll(async () => {
    quarters = await readStar('007660594');
    quarters.reverse(); // input order must not matter
  });

  it('keeps every cadence once, in cadence (time) order, one segment per quarter', () => {
    const lc = stitchLightCurves(quarters);
    const total = quarters.reduce((n, q) => n + q.cadenceNo.length, 0);
    expect(lc.cadenceNo.length).toBe(total);
    const outOfOrder = lc.cadenceNo.filter((c, i) => i > 0 && c <= lc.cadenceNo[i - 1]).length;
    expect(outOfOrder).toBe(0);
    const times = Array.from(lc.time).filter((t) => !Number.isNaN(t));
    expect(times.filter((t, i) => i > 0 && t <= times[i - 1]).length).toBe(0);
    expect(lc.segments!.map((s) => s.quarter)).toEqual(Array.from({ length: 18 }, (_, q) => q));
    expect(lc.segments!.reduce((n, s) => n + s.length, 0)).toBe(total);
    expect(lc.quarter).toBeNull();
    expect(lc.targetId).toBe(7660594);
  });

  it("blanks exactly the cadences flagged by the 'default' mask, keeping them on the grid", () => {
    const lc = stitchLightCurves(quarters, { normalise: 'none' });
    const byCadence = new Map<number, { q: LightCurve; row: number }>();
    for (const q of quarters) q.cadenceNo.forEach((c, row) => byCadence.set(c, { q, row }));
    let flagged = 0;
    const wrong: string[] = [];
    lc.cadenceNo.forEach((c, i) => {
      const { q, row } = byCadence.get(c)!;
      const bad = (q.quality[row] & 1130799) !== 0;
      if (bad) flagged++;
      const want = bad ? NaN : q.pdcsapFlux[row];
      const ok = lc.quality[i] === q.quality[row] && (Number.isNaN(want) ? Number.isNaN(lc.pdcsapFlux[i]) : lc.pdcsapFlux[i] === want);
      if (!ok && wrong.length < 3) wrong.push(`cadence ${c}: flux ${lc.pdcsapFlux[i]} quality ${lc.quality[i]}`);
    });
    expect(wrong).toEqual([]);
    expect(flagged).toBeGreaterThan(0);
  });

  it("'none' keeps flagged fluxes; 'median' puts every quarter's median at 1", () => {
    const raw = stitchLightCurves(quarters, { qualityMask: 'none', normalise: 'none' });
    const nanIn = (a: Float32Array) => a.reduce((n, v) => n + (Number.isNaN(v) ? 1 : 0), 0);
    expect(nanIn(raw.pdcsapFlux)).toBe(quarters.reduce((n, q) => n + nanIn(q.pdcsapFlux), 0));

    const lc = stitchLightCurves(quarters);
    for (const seg of lc.segments!) {
      const vals = Array.from(lc.pdcsapFlux.subarray(seg.start, seg.start + seg.length)).filter(Number.isFinite).sort((a, b) => a - b);
      const mid = vals.length / 2;
      const median = vals.length % 2 ? vals[Math.floor(mid)] : (vals[mid - 1] + vals[mid]) / 2;
      expect(median, `Q${seg.quarter}`).toBeCloseTo(1, 6);
    }
  });
});

describe('stitchLightCurves with duplicates and bad input', () => {
  it('the same file given twice contributes its cadences once', async () => {
    const kepler90 = await readStar('011442793'); // Q3, the short Q4 file, Q5
    const q4 = kepler90.find((q) => q.cadenceNo.length === 1021)!;
    const lc = stitchLightCurves([...kepler90, q4]);
    expect(lc.cadenceNo.length).toBe(kepler90.reduce((n, q) => n + q.cadenceNo.length, 0));
    expect(lc.segments!.map((s) => s.quarter)).toEqual([3, 4, 5]);
  });

  it('refuses an empty list and a mix of stars', async () => {
    expect(() => stitchLightCurves([])).toThrow(/no light curves/);
    const [a] = await readStar('011442793');
    const [b] = await readStar('009002278');
    expect(() => stitchLightCurves([a, b])).toThrow(/9002278/);
  });
});
