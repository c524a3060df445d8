/** The truth.csv layout: every latent parameter of every star, one row per star. */
import type { ComponentTruth, StarTruth } from './truth';
import type { Cell } from './formats/tables';

const COMPONENT_FIELDS = ['mass', 'teff', 'logg', 'radius', 'luminosity', 'stage', 'abs_g', 'abs_kp', 'bp_rp'] as const;

export const TRUTH_COLUMNS: readonly string[] = [
  'index', 'kic', 'gaia_source_id', 'ra', 'dec', 'distance_pc', 'av', 'age_gyr', 'feh',
  ...COMPONENT_FIELDS.map((f) => `${f}_1`),
  'is_binary', ...COMPONENT_FIELDS.map((f) => `${f}_2`),
  'mass_ratio', 'period_days', 'eccentricity', 'omega_rad', 'inclination_rad', 't_peri_bkjd', 'a_au', 'k1_kms', 'k2_kms',
  'eclipsing', 'light_fraction_2', 'gmag', 'bp_rp', 'kepmag', 'abs_g', 'ruwe', 'systemic_rv', 'v_tan',
  'prot_days', 'tidally_synchronised', 'rossby', 'spot_amplitude', 'spin_inclination_rad', 'vsini', 'flare_rate_per_day',
  'granulation_ppm', 'granulation_tau_days', 'n_spectra', 'obsids', 'spectrum_rv1', 'spectrum_rv2', 'spectrum_bkjd',
];

const num = (x: number, digits = 6): string => (Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : '');

function componentCells(c: ComponentTruth | null): Cell[] {
  if (!c) return COMPONENT_FIELDS.map(() => null);
  return [num(c.mass), num(c.teff), num(c.logg), num(c.radius), num(c.luminosity), c.stage, num(c.absG), num(c.absKp), num(c.bpRp)];
}

export function truthRow(s: StarTruth): Cell[] {
  const o = s.orbit;
  const list = (f: (e: StarTruth['spectra'][number]) => string) => s.spectra.map(f).join(';');
  return [
    s.index, s.kic, s.gaiaSourceId, num(s.ra, 9), num(s.dec, 9), num(s.distancePc), num(s.av), num(s.ageGyr), num(s.feh),
    ...componentCells(s.primary),
    s.secondary !== null, ...componentCells(s.secondary),
    o ? num(o.massRatio) : null, o ? num(o.periodDays, 9) : null, o ? num(o.eccentricity) : null, o ? num(o.omega) : null,
    o ? num(o.inclination) : null, o ? num(o.tPeri, 9) : null, o ? num(o.semiMajorAxisAu) : null, o ? num(o.k1) : null, o ? num(o.k2) : null,
    s.eclipsing, num(s.lightFraction2), num(s.gMag), num(s.bpRp), num(s.kepmag), num(s.absG), num(s.ruwe), num(s.systemicRv), num(s.vTan),
    num(s.rotationPeriod, 8), s.tidallySynchronised, num(s.rossby), num(s.spotAmplitude), num(s.spinInclination), num(s.vsini), num(s.flareRate),
    num(s.granulationPpm), num(s.granulationTau), s.spectra.length, list((e) => String(e.obsid)),
    list((e) => num(e.rv1, 8)), list((e) => (e.rv2 === null ? '' : num(e.rv2, 8))), list((e) => num(e.bkjd, 10)),
  ];
}
