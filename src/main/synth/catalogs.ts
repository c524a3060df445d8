/**
 * The survey's catalogs, in the shapes astronomers use (see docs/synthetic-survey.md,
 * "Catalogs"), written star by star. Only the Berger-like FITS table keeps its (small, numeric)
 * columns in memory until the end, because a FITS table header needs the row count first.
 */
import path from 'node:path';
import fs from 'node:fs';
import { Rng, Stream } from './random';
import type { StarTruth, SpectrumEpoch } from './truth';
import type { LaspParameters } from './observed';
import { CsvWriter, fixed, MrtWriter } from './formats/tables';
import { writeFitsFile } from '../fits/index';
import { bvFromTeff } from './physics/photometry';
import { gyroAge } from './physics/rotation';
import { evolve } from './physics/evolution';
import { absoluteG, bpRpFromTeff } from './physics/photometry';
import { interpolate } from './physics/interpolate';
import { designation, lamostFileName } from './formats/lamost';
import { TRUTH_COLUMNS, truthRow } from './truth-table';

export interface ObservedSpectrum {
  epoch: SpectrumEpoch;
  lasp: LaspParameters;
  snr: { u: number; g: number; r: number; i: number; z: number };
}

export interface StarProducts {
  star: StarTruth;
  spectra: ObservedSpectrum[];
  /** Median over generated quarters of the 5–95 % spot range (ppm) and of CDPP6_0 (ppm). */
  rperPpm: number;
  cdpp6Ppm: number;
  baselineDays: number;
  eclipseDepth: number;
  files: string[];
}

/** Why a rotation period is or is not in the McQuillan-like table (detectable by an ACF search). */
export function rotationDetectable(p: StarProducts): boolean {
  const s = p.star;
  const dwarfLike = s.primary.stage === 'MS' || s.primary.stage === 'SG';
  return dwarfLike && s.primary.teff < 6500 && s.rotationPeriod < Math.min(70, p.baselineDays / 2) && p.rperPpm > 3 * p.cdpp6Ppm;
}

/** Single-star main-sequence ridge M_G(BP−RP) at solar metallicity and 1 Gyr, for CMD classes. */
const MS_RIDGE: [number, number][] = (() => {
  const pts: [number, number][] = [];
  for (let m = 0.2; m <= 1.6; m += 0.02) {
    const s = evolve(m, 1, 0);
    if (s) pts.push([bpRpFromTeff(s.teff), absoluteG(s.luminosity, s.teff)]);
  }
  return pts.sort((a, b) => a[0] - b[0]);
})();

export function msRidgeAbsG(bpRp: number): number {
  return interpolate(MS_RIDGE, bpRp);
}

export class SurveyCatalogs {
  private lamost: CsvWriter;
  private xmatch: CsvWriter;
  private cmd: CsvWriter;
  private gyro: CsvWriter;
  private kin: CsvWriter;
  private truth: CsvWriter;
  private mcq: MrtWriter;
  private berger: {
    kic: number[]; source: bigint[]; ra: number[]; dec: number[]; teff: number[]; teffErr: number[]; logg: number[];
    feh: number[]; radius: number[]; mass: number[]; lum: number[]; dist: number[]; ruwe: number[]; kepmag: number[];
    gmag: number[]; bpRp: number[]; evol: string[];
  } = { kic: [], source: [], ra: [], dec: [], teff: [], teffErr: [], logg: [], feh: [], radius: [], mass: [], lum: [], dist: [], ruwe: [], kepmag: [], gmag: [], bpRp: [], evol: [] };
  counts = { rotators: 0, gyro: 0, spectra: 0 };

  constructor(private readonly outDir: string, private readonly seed: number) {
    const dir = path.join(outDir, 'catalogs');
    fs.mkdirSync(dir, { recursive: true });
    const p = (name: string) => path.join(dir, name);
    this.lamost = new CsvWriter(p('lamost_lrs_stellar.csv'), ['obsid', 'designation', 'filename', 'lmjd', 'planid', 'spid', 'fiberid', 'ra', 'dec', 'class', 'subclass', 'snru', 'snrg', 'snrr', 'snri', 'snrz', 'teff', 'teff_err', 'logg', 'logg_err', 'feh', 'feh_err', 'rv', 'rv_err', 'z', 'z_err']);
    this.xmatch = new CsvWriter(p('lamost_kepler_xmatch.csv'), ['obsid', 'filename', 'kic', 'gaia_source_id', 'separation_arcsec']);
    this.cmd = new CsvWriter(p('cmd_binary_flags.csv'), ['kic', 'bp_rp', 'abs_g', 'cmd_class', 'delta_ms', 'ruwe', 'ruwe_binary', 'nss_binary', 'rv_variable', 'eclipsing', 'binary_candidate']);
    this.gyro = new CsvWriter(p('gyro_ages.csv'), ['kic', 'teff', 'bp_rp', 'prot', 'age_gyr', 'age_err_gyr']);
    this.kin = new CsvWriter(p('kinematics.csv'), ['kic', 'rv', 'v_tan', 'v_tot', 'velocity_dispersion_proxy']);
    this.truth = new CsvWriter(path.join(outDir, 'truth.csv'), TRUTH_COLUMNS);
    this.mcq = new MrtWriter(
      p('rotation_periods_mrt.txt'),
      'Rotation periods of synthetic Kepler main-sequence stars (McQuillan et al. 2014 layout)',
      'DESA Studio synthetic survey',
      'Rotation periods detectable in the synthetic light curves',
      [
        { label: 'KIC', format: 'I8', units: '---', explanation: 'Kepler Input Catalog identifier' },
        { label: 'Teff', format: 'I4', units: 'K', explanation: 'Effective temperature' },
        { label: 'log(g)', format: 'F4.2', units: '[cm/s2]', explanation: 'Log surface gravity' },
        { label: 'Mass', format: 'F6.4', units: 'solMass', explanation: 'Mass' },
        { label: 'PRot', format: 'F7.3', units: 'd', explanation: 'Rotation period' },
        { label: 'e_PRot', format: 'F6.3', units: 'd', explanation: 'Error in PRot' },
        { label: 'Rper', format: 'F10.2', units: 'ppm', explanation: 'Average variability amplitude within 1 period' },
        { label: 'LPH', format: 'F5.3', units: '---', explanation: 'Local peak height' },
        { label: 'w', format: 'F6.4', units: '---', explanation: 'Assigned weight' },
        { label: 'DC', format: 'I1', units: '---', explanation: 'Dressing & Charbonneau 2013 flag' },
        { label: 'Flag', format: 'A3', units: '---', explanation: 'Period flag' },
      ],
    );
  }

  add(p: StarProducts): void {
    const s = p.star;
    const rng = new Rng(this.seed, s.index, Stream.catalog);
    this.truth.write(truthRow(s));
    for (const o of p.spectra) {
      const e = o.epoch;
      const l = o.lasp;
      this.counts.spectra++;
      this.lamost.write([e.layout === 'dr1' ? null : e.obsid, designation(s.ra, s.dec), lamostFileName(e).replace(/\.gz$/, ''), e.lmjd, e.planId, e.spId, e.fiberId, fixed(s.ra, 6), fixed(s.dec, 6), 'STAR', l.subclass,
        fixed(o.snr.u, 2), fixed(o.snr.g, 2), fixed(o.snr.r, 2), fixed(o.snr.i, 2), fixed(o.snr.z, 2),
        fixed(l.teff, 2), fixed(l.teffErr, 2), fixed(l.logg, 3), fixed(l.loggErr, 3), fixed(l.feh, 3), fixed(l.fehErr, 3), fixed(l.rv, 2), fixed(l.rvErr, 2), l.z.toExponential(6), l.zErr.toExponential(6)]);
      this.xmatch.write([e.layout === 'dr1' ? null : e.obsid, lamostFileName(e), s.kic, s.gaiaSourceId, fixed(Math.abs(rng.gauss(0, 0.15)), 3)]);
    }

    // Berger et al. 2020-like isochrone parameters: an unresolved companion inflates L and R.
    const lumObs = s.primary.luminosity + (s.secondary?.luminosity ?? 0);
    const parallaxMas = 1000 / s.distancePc + rng.gauss(0, 0.02 * s.ruwe);
    const dist = parallaxMas > 0 ? 1000 / parallaxMas : NaN;
    const radiusObs = s.primary.radius * Math.sqrt(lumObs / s.primary.luminosity) * (1 + rng.gauss(0, 0.04));
    const b = this.berger;
    b.kic.push(s.kic); b.source.push(BigInt(s.gaiaSourceId)); b.ra.push(s.ra); b.dec.push(s.dec);
    b.teff.push(s.primary.teff + rng.gauss(0, 110)); b.teffErr.push(110); b.logg.push(s.primary.logg + rng.gauss(0, 0.05));
    b.feh.push(s.feh + rng.gauss(0, 0.15)); b.radius.push(radiusObs); b.mass.push(s.primary.mass * (1 + rng.gauss(0, 0.07)));
    b.lum.push(lumObs * (1 + rng.gauss(0, 0.05))); b.dist.push(dist); b.ruwe.push(s.ruwe); b.kepmag.push(s.kepmag);
    b.gmag.push(s.gMag); b.bpRp.push(s.bpRp); b.evol.push(s.primary.stage === 'MS' ? 'MS' : s.primary.stage === 'SG' ? 'Subgiant' : 'RGB');

    // Godoy-Rivera et al. 2021-like CMD classes and binary flags.
    const ebr = s.bpRp - 0.45 * s.av; // dereddened colour
    const absG = Number.isFinite(dist) ? s.gMag - 5 * Math.log10(dist / 10) - 0.83 * s.av : NaN;
    const delta = msRidgeAbsG(ebr) - absG;
    const cmdClass = !Number.isFinite(absG) ? 'unknown' : absG < 2.2 && ebr > 0.95 ? 'giant' : delta > 0.9 ? 'subgiant' : delta > 0.3 ? 'photometric_binary' : 'main_sequence';
    const rvs = p.spectra.map((o) => o.lasp);
    let rvVariable = false;
    for (let i = 0; i < rvs.length; i++) for (let j = i + 1; j < rvs.length; j++) {
      if (Math.abs(rvs[i].rv - rvs[j].rv) > 4 * Math.hypot(rvs[i].rvErr, rvs[j].rvErr)) rvVariable = true;
    }
    const nss = s.orbit !== null && s.orbit.periodDays > 5 && s.orbit.periodDays < 1500 && s.gMag < 15 && (s.ruwe > 1.4 || s.orbit.k1 > 5);
    const eclipsing = s.eclipsing && p.eclipseDepth > 3 * p.cdpp6Ppm * 1e-6;
    const ruweBinary = s.ruwe > 1.4;
    this.cmd.write([s.kic, fixed(ebr, 4), fixed(absG, 4), cmdClass, fixed(delta, 4), fixed(s.ruwe, 3), ruweBinary, nss, rvVariable, eclipsing, ruweBinary || nss || rvVariable || eclipsing || cmdClass === 'photometric_binary']);

    // McQuillan-like periods and a gyro-age subset.
    if (rotationDetectable(p)) {
      this.counts.rotators++;
      const prot = s.rotationPeriod * (1 + rng.gauss(0, 0.02));
      const teffCat = s.primary.teff + rng.gauss(0, 150);
      this.mcq.write([s.kic, Math.round(teffCat), Math.min(9.99, s.primary.logg + rng.gauss(0, 0.1)), Math.min(9.9999, s.primary.mass * (1 + rng.gauss(0, 0.08))), prot, Math.abs(0.02 * prot + rng.gauss(0, 0.01 * prot)), p.rperPpm, rng.between(0.3, 1.5), rng.between(0.3, 0.9), 0, '---']);
      const bv = bvFromTeff(teffCat);
      if (s.primary.stage === 'MS' && teffCat > 4000 && teffCat < 6200 && bv > 0.5) {
        this.counts.gyro++;
        const age = gyroAge(prot, bv);
        this.gyro.write([s.kic, fixed(teffCat, 1), fixed(s.bpRp - 0.45 * s.av, 4), fixed(prot, 3), fixed(age, 3), fixed(age * 0.3, 3)]);
      }
    }
    const rvObs = rvs.length ? rvs[0].rv : null;
    const vTot = rvObs === null ? null : Math.hypot(rvObs, s.vTan);
    this.kin.write([s.kic, fixed(rvObs, 2), fixed(s.vTan, 2), fixed(vTot, 2), fixed(vTot === null ? s.vTan * Math.SQRT1_2 * 1.22 : vTot / Math.sqrt(3), 2)]);
  }

  async close(): Promise<void> {
    for (const w of [this.lamost, this.xmatch, this.cmd, this.gyro, this.kin, this.truth, this.mcq]) w.close();
    const b = this.berger;
    const f64 = (a: number[]) => Float64Array.from(a);
    const f32 = (a: number[]) => Float32Array.from(a);
    await writeFitsFile(path.join(this.outDir, 'catalogs', 'kepler_stellar_properties.fits'), [
      {
        kind: 'bintable', name: 'GKSPC', nrows: b.kic.length,
        cards: [{ keyword: 'ORIGIN', value: 'DESA Studio synthetic survey', comment: 'Berger et al. 2020-like table' }],
        columns: [
          { name: 'KIC', format: 'J', values: Int32Array.from(b.kic) },
          { name: 'GAIA', format: 'K', values: BigInt64Array.from(b.source) },
          { name: 'RA', format: 'D', unit: 'deg', values: f64(b.ra) },
          { name: 'DEC', format: 'D', unit: 'deg', values: f64(b.dec) },
          { name: 'TEFF', format: 'E', unit: 'K', values: f32(b.teff) },
          { name: 'E_TEFF', format: 'E', unit: 'K', values: f32(b.teffErr) },
          { name: 'LOGG', format: 'E', unit: 'dex', values: f32(b.logg) },
          { name: 'FEH', format: 'E', unit: 'dex', values: f32(b.feh) },
          { name: 'RADIUS', format: 'E', unit: 'solRad', values: f32(b.radius) },
          { name: 'MASS', format: 'E', unit: 'solMass', values: f32(b.mass) },
          { name: 'LUM', format: 'E', unit: 'solLum', values: f32(b.lum) },
          { name: 'DIST', format: 'E', unit: 'pc', values: f32(b.dist) },
          { name: 'RUWE', format: 'E', values: f32(b.ruwe) },
          { name: 'KEPMAG', format: 'E', unit: 'mag', values: f32(b.kepmag) },
          { name: 'GMAG', format: 'E', unit: 'mag', values: f32(b.gmag) },
          { name: 'BP_RP', format: 'E', unit: 'mag', values: f32(b.bpRp) },
          { name: 'EVOLSTATE', format: '8A', values: b.evol },
        ],
      },
    ]);
  }
}
