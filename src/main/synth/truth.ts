/**
 * The latent truth of one synthetic star: every parameter the generator drew or derived.
 * truth.csv has one row per star with exactly these fields (see TRUTH_COLUMNS).
 */
import type { EvolutionaryStage } from './physics/evolution';
import type { Orbit } from './physics/binaries';

export interface ComponentTruth {
  mass: number;
  teff: number;
  logg: number;
  radius: number;
  luminosity: number;
  stage: EvolutionaryStage;
  /** Absolute magnitudes of this component alone. */
  absG: number;
  absKp: number;
  bpRp: number;
}

export interface SpectrumEpoch {
  obsid: number;
  lmjd: number;
  /** BKJD of the observation (BJD − 2454833), for orbital phases. */
  bkjd: number;
  planId: string;
  spId: number;
  fiberId: number;
  /** File layout written: DR10 COADD table (.fits.gz), DR8-style image (.fits.gz) or DR1-style image (.fits). */
  layout: 'dr10' | 'dr8' | 'dr1';
  /** Observed velocity of each component, km/s (systemic + orbital). */
  rv1: number;
  rv2: number | null;
  snrG: number;
  heliocentricCorrection: number;
}

export interface StarTruth {
  index: number;
  kic: number;
  /** A Gaia DR3-like source_id (decimal string; exceeds 2^53). */
  gaiaSourceId: string;
  ra: number;
  dec: number;
  distancePc: number;
  av: number;
  ageGyr: number;
  feh: number;
  primary: ComponentTruth;
  secondary: ComponentTruth | null;
  orbit: Orbit | null;
  eclipsing: boolean;
  /** Secondary's share of the system light in the Kepler band (0 for singles). */
  lightFraction2: number;
  /** System apparent magnitudes (both components, with extinction). */
  gMag: number;
  bpRp: number;
  kepmag: number;
  /** System absolute G (no extinction), as a parallax-based CMD would place it. */
  absG: number;
  ruwe: number;
  systemicRv: number;
  /** Tangential velocity, km/s (kinematic age proxy). */
  vTan: number;
  rotationPeriod: number;
  tidallySynchronised: boolean;
  rossby: number;
  /** Peak-to-peak spot modulation amplitude (fraction). */
  spotAmplitude: number;
  /** Inclination of the rotation axis, radians. */
  spinInclination: number;
  vsini: number;
  /** Flares per day above 1e32 erg (0 for inactive stars). */
  flareRate: number;
  /** Granulation rms (ppm, instantaneous) and timescale (days). */
  granulationPpm: number;
  granulationTau: number;
  /** Kepler channel per season 0..3. */
  channels: [number, number, number, number];
  spectra: SpectrumEpoch[];
}
