/**
 * stitchLightCurves against a numpy stitch of the same files: per file, cadences flagged by
 * lightkurve's 'default' Kepler bitmask (1130799) become NaN, PDCSAP and SAP fluxes (and errors)
 * are divided by the file's nanmedian over unflagged cadences, and everything is ordered by
 * CADENCENO. KIC 10424789 has quarter gaps (Q7, Q11 missing); KIC 11442793 has the short Q4 file.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LightCurve } from '../../src/shared/survey.js';
import { readSurveyFile, stitchLightCurves } from '../../src/main/survey/index.js';
import { repoRoot } from '../helpers/paths.js';
import { requireAstropy, runPython } from '../helpers/python.js';

const keplerDir = path.resolve(repoRoot(), '../shared/data/real/kepler');
const stars = ['010424789', '011442793'];

const NUMPY_STITCH = String.raw`
import json, os, sys
import numpy as np
from astropy.io import fits
d = sys.argv[1]
DEFAULT = 1 | 2 | 4 | 8 | 32 | 256 | 16384 | 65536 | 1048576
out = {}
for kic in sys.argv[2:]:
    parts = []
    for f in sorted(x for x in os.listdir(d) if x.startswith('kplr' + kic)):
        t = fits.getdata(os.path.join(d, f), 'LIGHTCURVE')
        bad = (t['SAP_QUALITY'] & DEFAULT) != 0
        cols = {}
        for flux in ('PDCSAP_FLUX', 'SAP_FLUX'):
            v = t[flux].astype(np.float64)
            med = np.nanmedian(np.where(bad, np.nan, v))
            for c in (flux, flux + '_ERR'):
                cols[c] = np.where(bad, np.nan, t[c].astype(np.float64) / med)
        cols['TIME'] = t['TIME'].astype(np.float64)
        cols['SAP_QUALITY'] = t['SAP_QUALITY'].astype(np.float64)
        cols['CADENCENO'] = t['CADENCENO'].astype(np.float64)
        parts.append(cols)
    merged = {c: np.concatenate([p[c] for p in parts]) for c in parts[0]}
    order = np.argsort(merged['CADENCENO'], kind='stable')
    out[kic] = {c: [None if np.isnan(x) else float(x) for x in v[order]] for c, v in merged.items()}
json.dump(out, sys.stdout)
`;

describe('stitchLightCurves matches a numpy stitch', () => {
  let reference: Record<string, Record<string, (number | null)[]>>;
  beforeAll(async () => {
    requireAstropy();
    reference = JSON.parse(await runPython(NUMPY_STITCH, [keplerDir, ...stars]));
  });

  for (const kic of stars) {
    it(`KIC ${Number(kic)}`, async () => {
      const files = readdirSync(keplerDir).filter((f) => f.startsWith(`kplr${kic}`));
      const curves = await Promise.all(files.map(async (f) => (await readSurveyFile(path.join(keplerDir, f))) as LightCurve));
      const lc = stitchLightCurves(curves);
      const ref = reference[kic];
      const compare = (name: string, ours: ArrayLike<number>, want: (number | null)[], relTol: number) => {
        expect(ours.length, name).toBe(want.length);
        const bad: string[] = [];
        for (let i = 0; i < want.length; i++) {
          const w = want[i];
          const ok = w === null ? Number.isNaN(ours[i]) : Math.abs(ours[i] - w) <= relTol * Math.abs(w);
          if (!ok && bad.length < 3) bad.push(`[${i}] ours ${ours[i]}, numpy ${w}`);
        }
        expect(bad, name).toEqual([]);
      };
      compare('cadenceNo', lc.cadenceNo, ref.CADENCENO, 0);
      compare('time', lc.time, ref.TIME, 0);
      compare('quality', lc.quality, ref.SAP_QUALITY, 0);
      // Our fluxes are float32: one rounding of the float64 quotient.
      compare('pdcsapFlux', lc.pdcsapFlux, ref.PDCSAP_FLUX, 1e-7);
      compare('pdcsapFluxErr', lc.pdcsapFluxErr, ref.PDCSAP_FLUX_ERR, 1e-7);
      compare('sapFlux', lc.sapFlux, ref.SAP_FLUX, 1e-7);
      compare('sapFluxErr', lc.sapFluxErr, ref.SAP_FLUX_ERR, 1e-7);
    });
  }
});
