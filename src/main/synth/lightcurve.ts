/**
 * Kepler long-cadence photometry of one synthetic star, quarter by quarter: the astrophysical
 * signal (spots, eclipses, flares, granulation), the instrument (photon, read and background
 * noise, aperture losses, crowding, thermal and focus systematics, momentum dumps, gaps) and the
 * pipeline products (SAP and a PDC-like corrected flux). Sources in docs/synthetic-survey.md.
 */
import { Rng, Stream } from './random';
import type { StarTruth } from './truth';
import { cadenceTime, EXPOSURE_S, MISSION_END, MISSION_START, TIMEDEL, type QuarterInfo } from './kepler-schedule';
import { drawSpots, spotFlux, spotsIn, type Spot } from './physics/spots';
import { drawFlares, flareTemplate, type Flare } from './physics/flares';
import { eclipseFlux } from './physics/binaries';
import { binnedRms } from './physics/granulation';

/** PDCSAP flux (e-/s) of a Kp = 12 star, from the real DR25 files in shared/data/real/kepler. */
export const FLUX_KP12 = 2.15e5;
const READ_NOISE_E = 83.2; // READNOIS in the real headers, per read
const READS_PER_CADENCE = 270;

/** Quality bits as in the Kepler Archive Manual (Table 2-3). */
export const QUALITY = {
  attitudeTweak: 1,
  earthPoint: 8,
  argabrightening: 16,
  desaturation: 32,
  manualExclude: 128,
  impulsiveOutlier: 512,
  planetSearchExclude: 8192,
  badCalibration: 16384,
  detectorAnomaly: 32768,
  noData: 65536,
  rollingBand: 262144,
} as const;
const GAP_FLAGS = QUALITY.earthPoint | QUALITY.detectorAnomaly | QUALITY.noData; // 98312, as in the real gaps

/** Star-level pieces drawn once for the whole mission, so every quarter sees the same spots and flares. */
export interface LightCurveModel {
  spots: Spot[];
  flares: Flare[];
  fluxTrue: number;
  flfrcsap: number;
  crowdsap: number;
  pixels: number;
  backgroundPerPixel: number;
  column: number;
  row: number;
}

export function lightCurveModel(seed: number, star: StarTruth): LightCurveModel {
  const rng = new Rng(seed, star.index, Stream.lightcurve);
  const p = star.primary;
  const spots = drawSpots(rng, star.rotationPeriod, star.spotAmplitude, p.teff, MISSION_START, MISSION_END);
  const flares = star.flareRate > 0 ? drawFlares(rng, star.flareRate, p.luminosity, MISSION_START, MISSION_END) : [];
  const crowd = Math.min(1, Math.max(0.75, 1 - Math.abs(rng.gauss(0, 0.04)) * (star.kepmag > 14 ? 2 : 1)));
  return {
    spots,
    flares,
    fluxTrue: FLUX_KP12 * Math.pow(10, -0.4 * (star.kepmag - 12)),
    flfrcsap: rng.between(0.7, 0.95),
    crowdsap: crowd,
    // Brighter stars get bigger optimal apertures (~12 pixels at Kp 16, ~24 at Kp 12).
    pixels: Math.round(Math.max(8, 12 + 3 * (16 - star.kepmag)) * rng.between(0.85, 1.15)),
    backgroundPerPixel: rng.between(30, 90),
    column: rng.between(20, 1100),
    row: rng.between(25, 1040),
  };
}

export interface QuarterLightCurve {
  quarter: QuarterInfo;
  channel: number;
  cadenceNo: Int32Array;
  time: Float64Array;
  timecorr: Float32Array;
  sapFlux: Float32Array;
  sapFluxErr: Float32Array;
  sapBkg: Float32Array;
  sapBkgErr: Float32Array;
  pdcsapFlux: Float32Array;
  pdcsapFluxErr: Float32Array;
  quality: Int32Array;
  psfCentr1: Float64Array;
  psfCentr1Err: Float32Array;
  psfCentr2: Float64Array;
  psfCentr2Err: Float32Array;
  momCentr1: Float64Array;
  momCentr1Err: Float32Array;
  momCentr2: Float64Array;
  momCentr2Err: Float32Array;
  posCorr1: Float32Array;
  posCorr2: Float32Array;
  /** Noise on 3, 6 and 12 h timescales (ppm), as the CDPP header keys report. */
  cdpp: [number, number, number];
  /** 5-95 % range of the noiseless spot signal in this quarter (ppm): McQuillan's Rper. */
  spotRangePpm: number;
  flfrcsap: number;
  crowdsap: number;
}

/** Generates one quarter. Deterministic in (seed, star, quarter) whatever other quarters are made. */
export function quarterLightCurve(seed: number, star: StarTruth, model: LightCurveModel, q: QuarterInfo): QuarterLightCurve {
  const rng = new Rng(seed, star.index, Stream.lightcurve, 100 + q.quarter);
  const n = q.cadences;
  const out: QuarterLightCurve = {
    quarter: q,
    channel: star.channels[q.season],
    cadenceNo: new Int32Array(n),
    time: new Float64Array(n),
    timecorr: new Float32Array(n),
    sapFlux: new Float32Array(n),
    sapFluxErr: new Float32Array(n),
    sapBkg: new Float32Array(n),
    sapBkgErr: new Float32Array(n),
    pdcsapFlux: new Float32Array(n),
    pdcsapFluxErr: new Float32Array(n),
    quality: new Int32Array(n),
    psfCentr1: new Float64Array(n),
    psfCentr1Err: new Float32Array(n),
    psfCentr2: new Float64Array(n),
    psfCentr2Err: new Float32Array(n),
    momCentr1: new Float64Array(n),
    momCentr1Err: new Float32Array(n),
    momCentr2: new Float64Array(n),
    momCentr2Err: new Float32Array(n),
    posCorr1: new Float32Array(n),
    posCorr2: new Float32Array(n),
    cdpp: [0, 0, 0],
    spotRangePpm: 0,
    flfrcsap: model.flfrcsap,
    crowdsap: model.crowdsap,
  };
  const tStart = cadenceTime(q.firstCadence);
  const tEnd = cadenceTime(q.firstCadence + n);
  const spots = spotsIn(model.spots, tStart, tEnd);
  const flares = model.flares.filter((f) => f.tPeak > tStart - 1 && f.tPeak < tEnd);
  const inGap = new Uint8Array(n);
  for (const [start, len] of q.gaps) inGap.fill(1, start, Math.min(n, start + len));

  // Systematics: a focus drift over the quarter and thermal settling after each gap (Kepler Data
  // Characteristics Handbook, §4-5). PDC removes ~95 % of them.
  const drift1 = rng.gauss(0, 0.006);
  const drift2 = rng.gauss(0, 0.004);
  const settleDepth = rng.between(0.0005, 0.004);
  const restarts = [0, ...q.gaps.map(([s, l]) => s + l)];
  const desatPhase = rng.between(0, 3);

  const gran = binnedRms(star.granulationPpm * 1e-6, star.granulationTau, EXPOSURE_S / 86400);
  const granRho = Math.exp(-TIMEDEL / star.granulationTau);
  const granInnovation = gran * Math.sqrt(1 - granRho * granRho);
  let granState = rng.gauss(0, gran);

  const r1 = star.primary.radius;
  const r2 = star.secondary?.radius ?? 0;
  const orbit = star.eclipsing ? star.orbit : null;
  const contamination = model.fluxTrue * model.flfrcsap * (1 / model.crowdsap - 1);
  const bkgTotal = model.pixels * model.backgroundPerPixel;
  const spotValues: number[] = [];

  for (let i = 0; i < n; i++) {
    const cad = q.firstCadence + i;
    const t = cadenceTime(cad);
    out.cadenceNo[i] = cad;
    const x = (t - tStart) / (tEnd - tStart) - 0.5;
    // Barycentric correction varies over the year by ±0.003 d about its mean (TIMECORR).
    out.timecorr[i] = 0.0025 * Math.sin((2 * Math.PI * (t - 120)) / 372.5);
    granState = granRho * granState + granInnovation * rng.normal();
    if (inGap[i]) {
      out.time[i] = NaN;
      out.quality[i] = GAP_FLAGS;
      for (const a of [out.sapFlux, out.sapFluxErr, out.sapBkg, out.sapBkgErr, out.pdcsapFlux, out.pdcsapFluxErr, out.posCorr1, out.posCorr2, out.psfCentr1Err, out.psfCentr2Err, out.momCentr1Err, out.momCentr2Err]) a[i] = NaN;
      out.psfCentr1[i] = out.psfCentr2[i] = out.momCentr1[i] = out.momCentr2[i] = NaN;
      continue;
    }
    out.time[i] = t;

    const spot = spots.length ? spotFlux(spots, t, star.spinInclination) : 1;
    spotValues.push(spot);
    let astro = spot * (orbit ? averagedEclipse(star, t, r1, r2) : 1) + granState;
    for (const f of flares) astro += f.amplitude * cadenceAveragedFlare(f, t);

    let sinceRestart = Infinity;
    for (const r of restarts) if (i >= r) sinceRestart = Math.min(sinceRestart, (i - r) * TIMEDEL);
    const systematic = 1 + drift1 * x + drift2 * (x * x - 1 / 12) - settleDepth * Math.exp(-sinceRestart / 1.5);

    const sapTrue = model.fluxTrue * model.flfrcsap * astro * systematic + contamination;
    // Photon noise of star and background plus read noise of every pixel and read, in e-/s.
    const variance = (sapTrue * EXPOSURE_S + bkgTotal * EXPOSURE_S + model.pixels * READS_PER_CADENCE * READ_NOISE_E * READ_NOISE_E) / (EXPOSURE_S * EXPOSURE_S);
    const sigma = Math.sqrt(variance);
    const noise = sigma * rng.normal();
    const sap = sapTrue + noise;
    out.sapFlux[i] = sap;
    out.sapFluxErr[i] = sigma;
    out.sapBkg[i] = bkgTotal * (1 + 0.05 * x) + rng.gauss(0, 1.5);
    out.sapBkgErr[i] = 1.2 + 0.3 * rng.uniform();
    // PDC: remove crowding and aperture losses, and most (not all) of the systematics.
    const residual = 1 + 0.05 * (systematic - 1);
    out.pdcsapFlux[i] = ((sap - contamination) / model.flfrcsap) * (residual / systematic);
    out.pdcsapFluxErr[i] = sigma / model.flfrcsap;
    const jitter1 = rng.gauss(0, 0.002);
    const jitter2 = rng.gauss(0, 0.002);
    out.momCentr1[i] = model.column + 0.05 * drift1 * x * 10 + jitter1;
    out.momCentr2[i] = model.row + 0.05 * drift2 * x * 10 + jitter2;
    out.momCentr1Err[i] = out.momCentr2Err[i] = 5e-5 * Math.sqrt(FLUX_KP12 / model.fluxTrue);
    out.psfCentr1[i] = out.momCentr1[i] + 0.01;
    out.psfCentr2[i] = out.momCentr2[i] - 0.01;
    out.psfCentr1Err[i] = out.psfCentr2Err[i] = 2 * out.momCentr1Err[i];
    out.posCorr1[i] = 0.01 * drift1 * x * 10 + jitter1;
    out.posCorr2[i] = 0.01 * drift2 * x * 10 + jitter2;

    // Quality flags and the cadences PDC leaves out (NaN PDCSAP), at about the real rates.
    let flag = 0;
    const sinceDesat = (t - tStart - desatPhase) / 3;
    if (Math.abs(sinceDesat - Math.round(sinceDesat)) * 3 < TIMEDEL / 2) flag |= QUALITY.desaturation | QUALITY.detectorAnomaly;
    if (sinceRestart < 1) flag |= QUALITY.planetSearchExclude;
    const u = rng.uniform();
    if (u < 0.015) flag |= QUALITY.argabrightening;
    else if (u < 0.035) flag |= QUALITY.manualExclude;
    else if (u < 0.065) flag |= QUALITY.rollingBand;
    else if (u < 0.068) flag |= QUALITY.badCalibration;
    out.quality[i] = flag;
    if (flag & (QUALITY.desaturation | QUALITY.badCalibration)) {
      out.pdcsapFlux[i] = NaN;
      out.pdcsapFluxErr[i] = NaN;
    }
  }
  out.cdpp = cdppOf(out, gran, star.granulationTau);
  out.spotRangePpm = rangePpm(spotValues);
  return out;
}

/** Eclipses last hours, comparable to the 29.4-min cadence: average 7 sub-exposures near eclipse. */
function averagedEclipse(star: StarTruth, t: number, r1: number, r2: number): number {
  const orbit = star.orbit!;
  const f0 = eclipseFlux(orbit, t, r1, r2, star.lightFraction2);
  const fa = eclipseFlux(orbit, t - TIMEDEL / 2, r1, r2, star.lightFraction2);
  const fb = eclipseFlux(orbit, t + TIMEDEL / 2, r1, r2, star.lightFraction2);
  if (f0 === 1 && fa === 1 && fb === 1) return 1;
  let s = 0;
  for (let k = 0; k < 7; k++) s += eclipseFlux(orbit, t + ((k - 3) / 7) * TIMEDEL, r1, r2, star.lightFraction2);
  return s / 7;
}

function cadenceAveragedFlare(f: Flare, t: number): number {
  if (t + TIMEDEL / 2 < f.tPeak - f.fwhm || t - TIMEDEL / 2 > f.tPeak + 40 * f.fwhm) return 0;
  let s = 0;
  for (let k = 0; k < 10; k++) s += flareTemplate((t + ((k - 4.5) / 10) * TIMEDEL - f.tPeak) / f.fwhm);
  return s / 10;
}

/** Combined differential photometric precision: white noise plus binned granulation, per timescale. */
function cdppOf(lc: QuarterLightCurve, granRms: number, granTau: number): [number, number, number] {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < lc.pdcsapFlux.length; i++) {
    const f = lc.pdcsapFlux[i];
    if (Number.isFinite(f) && f > 0) {
      sum += lc.pdcsapFluxErr[i] / f;
      count++;
    }
  }
  const white = count ? sum / count : NaN;
  return [3, 6, 12].map((hours) => {
    const nBin = (hours / 24) / TIMEDEL;
    const red = binnedRms(granRms, granTau, hours / 24);
    return 1e6 * Math.sqrt((white * white) / nBin + red * red);
  }) as [number, number, number];
}

function rangePpm(values: number[]): number {
  if (values.length < 20) return 0;
  const sorted = Float64Array.from(values).sort();
  const lo = sorted[Math.floor(0.05 * (sorted.length - 1))];
  const hi = sorted[Math.floor(0.95 * (sorted.length - 1))];
  return (hi - lo) * 1e6;
}
