/**
 * Draws one complete synthetic star (with its companion and observing schedule) from the seed
 * and its index alone, so stars can be generated in any order, streamed, and regenerated.
 */
import { Rng, Stream } from './random';
import { evolve, mainSequenceLifetime, type StellarState } from './physics/evolution';
import {
  absoluteG, addMagnitudes, bpRpFromTeff, extinctionV, EXTINCTION_RATIO, keplerFromGaia,
} from './physics/photometry';
import {
  drawAge, drawDistancePc, drawImfMass, drawKeplerFieldPosition, drawMetallicity, KEPMAG_LIMITS,
} from './physics/population';
import {
  binaryFraction, drawMassRatio, drawOrbit, drawPeriodDays, isEclipsing, radialVelocities, ruweOf, AU_M, R_SUN_M,
} from './physics/binaries';
import {
  convectiveTurnover, rotationPeriod, spotAmplitude, SYNCHRONISATION_PERIOD_DAYS,
} from './physics/rotation';
import { granulation } from './physics/granulation';
import { heliocentricCorrection } from './physics/heliocentric';
import type { ComponentTruth, SpectrumEpoch, StarTruth } from './truth';
import { clamp } from './physics/interpolate';

/** BKJD of the middle of the Kepler prime mission: reference epoch of orbits. */
const EPOCH_BKJD = 860;
/** MJD of BKJD 0 (BJD 2454833.0 = MJD 54832.5). */
export const MJD_OF_BKJD0 = 54832.5;

/**
 * Targeting: the Kepler target list favoured FGK dwarfs (Batalha et al. 2010), so giants and
 * hot stars are kept with these probabilities (tuned to the class mix of Berger et al. 2018).
 */
const GIANT_TARGETING_PROBABILITY = 0.35;
const HOT_STAR_TARGETING_PROBABILITY = 0.25;
const HOT_STAR_TEFF = 6750;

/** Kepler CCD modules present (the 5×5 array minus the four corners). */
const MODULES = [2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22, 23, 24];

function component(state: StellarState): ComponentTruth {
  const absG = absoluteG(state.luminosity, state.teff);
  const bpRp = bpRpFromTeff(state.teff);
  return {
    mass: state.mass, teff: state.teff, logg: state.logg, radius: state.radius,
    luminosity: state.luminosity, stage: state.stage, absG, absKp: keplerFromGaia(absG, bpRp), bpRp,
  };
}

/** Flux-weighted system colour: BP and RP fluxes add, not colours. */
function systemBpRp(a: ComponentTruth, b: ComponentTruth | null): number {
  if (!b) return a.bpRp;
  // Approximate BP and RP magnitudes around G: BP ≈ G + 0.5·colour·k, RP ≈ BP − colour.
  const bp = (c: ComponentTruth) => c.absG + 0.6 * c.bpRp;
  const rp = (c: ComponentTruth) => bp(c) - c.bpRp;
  return addMagnitudes(bp(a), bp(b)) - addMagnitudes(rp(a), rp(b));
}

/** Draws star number `index` of the survey with seed `seed`. */
export function drawStar(seed: number, index: number): StarTruth {
  const rng = new Rng(seed, index, Stream.star);
  const bin = new Rng(seed, index, Stream.binary);
  for (;;) {
    const star = tryDraw(rng, bin, seed, index);
    if (star) return star;
  }
}

function tryDraw(rng: Rng, bin: Rng, seed: number, index: number): StarTruth | null {
  const mass = drawImfMass(rng);
  const ageGyr = drawAge(rng);
  const feh = drawMetallicity(rng, ageGyr);
  const state = evolve(mass, ageGyr, feh);
  if (!state) return null;
  const isGiant = state.stage === 'RGB' || state.stage === 'RC';
  if (isGiant && !rng.chance(GIANT_TARGETING_PROBABILITY)) return null;
  if (state.teff > HOT_STAR_TEFF && !rng.chance(HOT_STAR_TARGETING_PROBABILITY)) return null;
  const primary = component(state);

  let secondary: ComponentTruth | null = null;
  let orbit: StarTruth['orbit'] = null;
  let eclipsing = false;
  if (bin.chance(binaryFraction(mass))) {
    const q = drawMassRatio(bin);
    const s2 = evolve(Math.max(0.1, q * mass), ageGyr, feh);
    const period = drawPeriodDays(bin);
    if (s2) {
      secondary = component(s2);
      orbit = drawOrbit(bin, mass, q, period, state.radius + s2.radius, EPOCH_BKJD);
      const aRsun = (orbit.semiMajorAxisAu * AU_M) / R_SUN_M;
      // A companion inside the primary's Roche lobe-ish distance would be a merger: redraw.
      if (aRsun * (1 - orbit.eccentricity) < 2.2 * (state.radius + s2.radius)) return null;
      eclipsing = isEclipsing(orbit, state.radius, s2.radius);
    }
  }

  const absKp = secondary ? addMagnitudes(primary.absKp, secondary.absKp) : primary.absKp;
  const absG = secondary ? addMagnitudes(primary.absG, secondary.absG) : primary.absG;
  const distancePc = drawDistancePc(rng);
  const av = extinctionV(distancePc);
  const dm = 5 * Math.log10(distancePc / 10);
  const kepmag = absKp + dm + EXTINCTION_RATIO.Kp * av;
  if (kepmag < KEPMAG_LIMITS[0] || kepmag > KEPMAG_LIMITS[1]) return null;

  const { ra, dec } = drawKeplerFieldPosition(rng);
  const lightFraction2 = secondary ? Math.pow(10, -0.4 * secondary.absKp) / Math.pow(10, -0.4 * absKp) : 0;
  const bpRp = systemBpRp(primary, secondary) + (EXTINCTION_RATIO.BP - EXTINCTION_RATIO.RP) * av;
  const gMag = absG + dm + EXTINCTION_RATIO.G * av;
  const ruwe = ruweOf(bin, orbit, distancePc, lightFraction2);

  // Kinematics: the velocity dispersion grows with age, σ ∝ t^0.4 (Holmberg et al. 2009).
  const sigmaV = 12 + 28 * Math.pow(ageGyr / 10, 0.4);
  const systemicRv = rng.gauss(-18, sigmaV);
  const vTan = Math.hypot(rng.gauss(0, sigmaV), rng.gauss(-15, sigmaV));

  // Rotation: gyrochronology, or the orbital period for tidally locked close binaries.
  const tMs = mainSequenceLifetime(mass, feh);
  const turnoff = evolve(mass, Math.min(ageGyr, tMs), feh) ?? state;
  let period = rotationPeriod(rng, state.teff, ageGyr, state.stage, state.radius, turnoff.radius, turnoff.teff, Math.min(ageGyr, tMs));
  const tidallySynchronised = orbit !== null && orbit.periodDays < SYNCHRONISATION_PERIOD_DAYS;
  if (tidallySynchronised && orbit) period = orbit.periodDays;
  const rossby = period / convectiveTurnover(state.teff);
  const amplitude = state.teff > 6800 ? 0 : spotAmplitude(rng, rossby) * (isGiant ? 0.2 : 1);
  const spinInclination = tidallySynchronised && orbit ? orbit.inclination : Math.acos(rng.uniform());
  const vsini = ((2 * Math.PI * state.radius * 695700) / (period * 86400)) * Math.sin(spinInclination);
  // Flaring: active M and late-K dwarfs, more often the faster they rotate (Davenport 2016; Yang et al. 2017).
  const flareRate = state.stage === 'MS' && state.teff < 4200 && rossby < 0.8 ? 0.1 * Math.pow(0.8 / rossby, 1.5) * Math.pow(10, rng.gauss(0, 0.3)) : 0;
  const gran = granulation(state.logg, state.teff);

  const channels = [0, 1, 2, 3].map(() => {
    const moduleIndex = MODULES.indexOf(rng.pick(MODULES));
    return moduleIndex * 4 + rng.int(1, 4);
  }) as [number, number, number, number];

  const spectra = drawSpectrumEpochs(new Rng(seed, index, Stream.observation), index, ra, dec, gMag, systemicRv, orbit);
  const kic = 1_000_000 + index * 57 + (rng.int(0, 56));
  const gaiaSourceId = (BigInt(2_000_000_000_000_000_000n) + BigInt(index) * 1_000_003n + BigInt(rng.int(0, 999_999))).toString();

  return {
    index, kic, gaiaSourceId, ra, dec, distancePc, av, ageGyr, feh, primary, secondary, orbit,
    eclipsing, lightFraction2, gMag, bpRp, kepmag, absG, ruwe, systemicRv, vTan,
    rotationPeriod: period, tidallySynchronised, rossby, spotAmplitude: amplitude, spinInclination,
    vsini, flareRate, granulationPpm: gran.rmsPpm, granulationTau: gran.tauDays, channels, spectra,
  };
}

/**
 * LAMOST observations: ~5 % of targets have none, ~20 % two or more epochs (LAMOST-Kepler
 * project, De Cat et al. 2015; Zong et al. 2018). Epochs fall in the Kepler-field season
 * (May–October) of 2011–2021. SNR_g follows photon statistics: 10 at g ≈ 17.5.
 */
function drawSpectrumEpochs(
  rng: Rng, index: number, ra: number, dec: number, gMag: number, systemicRv: number, orbit: StarTruth['orbit'],
): SpectrumEpoch[] {
  const u = rng.uniform();
  const n = u < 0.05 ? 0 : u < 0.81 ? 1 : u < 0.96 ? 2 : 3;
  const epochs: SpectrumEpoch[] = [];
  for (let k = 0; k < n; k++) {
    const year = rng.int(2011, 2021);
    const mjdYearStart = 55562 + Math.round((year - 2011) * 365.25); // 2011-01-01 = MJD 55562
    const lmjd = mjdYearStart + rng.int(130, 290);
    const bkjd = lmjd - 1 - MJD_OF_BKJD0 + rng.between(0.5, 0.75); // MJD = LMJD − 1, observed at night
    const serial = index * 4 + k;
    const spId = (serial % 16) + 1;
    const fiberId = (Math.floor(serial / 16) % 250) + 1;
    const plan = 1000 + Math.floor(serial / 4000);
    const obsid = plan * 100_000 + spId * 1000 + fiberId;
    const plateRa = ra + rng.between(-1.5, 1.5);
    const plateDec = dec + rng.between(-1.5, 1.5);
    const planId = `KP${raToHms(plateRa)}N${decToDms(plateDec)}${rng.pick(['V', 'B', 'M'])}0${rng.int(1, 3)}`;
    const layoutDraw = rng.uniform();
    const layout = layoutDraw < 0.8 ? 'dr10' : layoutDraw < 0.95 ? 'dr8' : 'dr1';
    const rv = orbit ? radialVelocities(orbit, bkjd) : { v1: 0, v2: null };
    const snrG = clamp(10 * Math.pow(10, -0.2 * (gMag + 0.3 - 17.5)) * Math.pow(10, rng.gauss(0, 0.15)), 2, 600);
    epochs.push({
      obsid, lmjd, bkjd, planId, spId, fiberId, layout,
      rv1: systemicRv + rv.v1, rv2: rv.v2 === null ? null : systemicRv + rv.v2, snrG,
      // LAMOST headers carry the opposite sign of astropy's radial_velocity_correction (see the real files).
      heliocentricCorrection: -heliocentricCorrection(ra, dec, lmjd - 1 + 0.83),
    });
  }
  return epochs;
}

function raToHms(ra: number): string {
  const h = (((ra % 360) + 360) % 360) / 15;
  const hh = Math.floor(h);
  const mm = Math.floor((h - hh) * 60);
  const ss = Math.floor(((h - hh) * 60 - mm) * 60);
  return `${pad(hh)}${pad(mm)}${pad(ss)}`;
}

function decToDms(dec: number): string {
  const d = Math.abs(dec);
  const dd = Math.floor(d);
  const mm = Math.floor((d - dd) * 60);
  const ss = Math.floor(((d - dd) * 60 - mm) * 60);
  return `${pad(dd)}${pad(mm)}${pad(ss)}`;
}

function pad(n: number): string {
  return n.toString().padStart(2, '0');
}
