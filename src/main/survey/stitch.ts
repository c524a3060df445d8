/**
 * Joining the quarters (or campaigns) of one star into one light curve.
 *
 * - Cadences are merged by CADENCENO, which counts long cadences across the whole mission, so
 *   the result is in time order even where TIME is NaN, and a cadence that appears in two files
 *   (a file passed twice, or overlapping re-deliveries of a quarter) is kept once: from the file
 *   with more cadences. KIC 11442793's two Q4 files cover different cadences, so both are kept.
 * - Flagged cadences are not dropped: their fluxes become NaN and the cadence stays, so the grid
 *   (and with it the sample spacing) is intact.
 * - Each file is divided by its own median flux (PDCSAP by the PDCSAP median, SAP by the SAP
 *   median, errors by the same factor), which removes the quarter-to-quarter level jumps that
 *   come from the star landing on a different CCD each quarter.
 */
import type { LightCurve } from '../../shared/survey.js';
import { qualityBitmask, type QualityMask } from './quality.js';

export interface StitchOptions {
  /**
   * Which SAP_QUALITY bits blank a cadence: 'default' (lightkurve's default preset: AttitudeTweak,
   * SafeMode, CoarsePoint, EarthPoint, Desat, ManualExclude, DetectorAnomaly, NoData,
   * ThrusterFiring), 'hard', 'hardest', 'none', or an integer bitmask. Default 'default'.
   */
  qualityMask?: QualityMask;
  /** 'median' (default): divide each file by its median flux; 'none': keep e-/s. */
  normalise?: 'median' | 'none';
}

/** Median of the finite values, NaN when there are none. */
function nanMedian(values: Float32Array): number {
  const finite = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
  const n = finite.length;
  if (n === 0) return NaN;
  return n % 2 ? finite[(n - 1) / 2] : (finite[n / 2 - 1] + finite[n / 2]) / 2;
}

const allSame = <T>(values: T[]): T | null => (values.every((v) => v === values[0]) ? values[0] : null);

/**
 * Stitches the light curves of one star (all quarters or campaigns) into one.
 *
 * @param curves Light curves from readSurveyFile, in any order; all must be the same target and mission.
 * @param opts   Quality mask (default 'default') and per-file normalisation (default 'median').
 * @returns One LightCurve on the merged cadence grid, with `segments` saying which file each stretch came from.
 * @throws Error when the list is empty or mixes targets or missions.
 */
export function stitchLightCurves(curves: LightCurve[], opts: StitchOptions = {}): LightCurve {
  if (curves.length === 0) throw new Error('stitchLightCurves: no light curves given');
  const first = curves[0];
  for (const c of curves) {
    if (c.targetId !== first.targetId || c.survey !== first.survey) {
      throw new Error(`stitchLightCurves: ${c.sourcePath} is ${c.survey} ${c.targetId}, but ${first.sourcePath} is ${first.survey} ${first.targetId}`);
    }
  }
  const bitmask = qualityBitmask(opts.qualityMask ?? 'default');
  const normalise = (opts.normalise ?? 'median') === 'median';

  // Each cadence number goes to the longest file that has it.
  const byLength = curves.map((_, k) => k).sort((a, b) => curves[b].cadenceNo.length - curves[a].cadenceNo.length || a - b);
  const owner = new Map<number, { curve: number; row: number }>();
  for (const k of byLength) {
    const cad = curves[k].cadenceNo;
    for (let row = 0; row < cad.length; row++) if (!owner.has(cad[row])) owner.set(cad[row], { curve: k, row });
  }
  const cadences = Int32Array.from(owner.keys()).sort();
  const n = cadences.length;

  // Per-file scale factors, from the cadences that survive the quality mask.
  const scale = curves.map((c) => {
    if (!normalise) return { pdc: 1, sap: 1 };
    const keep = (arr: Float32Array) => arr.map((v, i) => ((c.quality[i] & bitmask) !== 0 ? NaN : v));
    return { pdc: nanMedian(keep(c.pdcsapFlux)), sap: nanMedian(keep(c.sapFlux)) };
  });

  const out = {
    time: new Float64Array(n),
    pdcsapFlux: new Float32Array(n),
    pdcsapFluxErr: new Float32Array(n),
    sapFlux: new Float32Array(n),
    sapFluxErr: new Float32Array(n),
    quality: new Int32Array(n),
    cadenceNo: cadences,
  };
  const segments: NonNullable<LightCurve['segments']> = [];
  for (let i = 0; i < n; i++) {
    const { curve: k, row } = owner.get(cadences[i])!;
    const c = curves[k];
    const flagged = (c.quality[row] & bitmask) !== 0;
    out.time[i] = c.time[row];
    out.quality[i] = c.quality[row];
    out.pdcsapFlux[i] = flagged ? NaN : c.pdcsapFlux[row] / scale[k].pdc;
    out.pdcsapFluxErr[i] = flagged ? NaN : c.pdcsapFluxErr[row] / scale[k].pdc;
    out.sapFlux[i] = flagged ? NaN : c.sapFlux[row] / scale[k].sap;
    out.sapFluxErr[i] = flagged ? NaN : c.sapFluxErr[row] / scale[k].sap;
    const last = segments[segments.length - 1];
    if (last && last.sourcePath === c.sourcePath) last.length++;
    else segments.push({ quarter: c.quarter, campaign: c.campaign, start: i, length: 1, sourcePath: c.sourcePath });
  }

  return {
    ...first,
    quarter: null,
    campaign: allSame(curves.map((c) => c.campaign)),
    dataRelease: allSame(curves.map((c) => c.dataRelease)),
    ...out,
    segments,
    sourcePath: segments[0].sourcePath,
  };
}
