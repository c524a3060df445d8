/**
 * Stars are derived data: rebuilt from spectra and light curves after each ingest, so ingest order
 * (spectra before or after the light curves of the same star) never changes the result.
 *
 * - Every Kepler target (KIC) and K2 target (EPIC) with light curves is one star ('KIC n' / 'EPIC n'),
 *   all its quarters or campaigns together.
 * - A spectrum that names a KIC (TCOMMENT 'kplr…') belongs to star 'KIC n' (method 'id'); else to
 *   the nearest light-curve star within the radius (method 'position', distance kept); else to a
 *   LAMOST-only star named by its designation (LAMOST gives one source one DESIG, so repeat
 *   observations of a star share it).
 */
import { angularSeparationArcsec, SkyIndex } from '../catalog/index';
import { Db, num } from './db';

interface StarDraft {
  starId: string;
  kic: number | null;
  epic: number | null;
  designation: string | null;
  ra: number | null;
  dec: number | null;
  nSpectra: number;
  nLightCurves: number;
}

interface Assignment {
  spectrumId: string;
  starId: string;
  method: 'id' | 'position' | null;
  distance: number | null;
}

/** Recomputes the stars table and every spectrum's and light curve's star in one transaction. */
export async function rebuildStars(db: Db, radiusArcsec: number): Promise<void> {
  const targets = await db.all<{ survey: string; target_id: bigint; ra: number | null; dec: number | null; n: bigint }>(`
    SELECT survey, target_id, avg(ra) AS ra, avg(dec) AS dec, count(*) AS n
    FROM lightcurves GROUP BY survey, target_id ORDER BY survey, target_id`);
  const spectra = await db.all<{ spectrum_id: string; kic: bigint | null; ra: number; dec: number; designation: string | null; file: string }>(
    'SELECT spectrum_id, kic, ra, dec, designation, file FROM spectra ORDER BY file, spectrum_id');

  const stars = new Map<string, StarDraft>();
  const lcStars: StarDraft[] = [];
  for (const t of targets) {
    const id = Number(t.target_id);
    const kepler = t.survey === 'Kepler';
    const star: StarDraft = {
      starId: `${kepler ? 'KIC' : 'EPIC'} ${id}`, kic: kepler ? id : null, epic: kepler ? null : id, designation: null,
      ra: t.ra, dec: t.dec, nSpectra: 0, nLightCurves: Number(t.n),
    };
    stars.set(star.starId, star);
    lcStars.push(star);
  }
  const lcIndex = new SkyIndex({ ra: lcStars.map((s) => s.ra ?? NaN), dec: lcStars.map((s) => s.dec ?? NaN) }, radiusArcsec);

  const assignments: Assignment[] = [];
  for (const s of spectra) {
    const kic = num(s.kic);
    let star: StarDraft | undefined;
    let method: Assignment['method'] = null;
    let distance: number | null = null;
    if (kic !== null) {
      star = stars.get(`KIC ${kic}`);
      if (!star) {
        star = { starId: `KIC ${kic}`, kic, epic: null, designation: s.designation, ra: s.ra, dec: s.dec, nSpectra: 0, nLightCurves: 0 };
        stars.set(star.starId, star);
      }
      method = 'id';
      if (star.ra !== null && star.dec !== null) distance = angularSeparationArcsec(s.ra, s.dec, star.ra, star.dec);
    } else {
      const near = lcIndex.nearest(s.ra, s.dec);
      if (near.index >= 0) {
        star = lcStars[near.index];
        method = 'position';
        distance = near.separationArcsec;
      } else {
        const starId = s.designation ?? `LAMOST ${s.spectrum_id}`;
        star = stars.get(starId);
        if (!star) {
          star = { starId, kic: null, epic: null, designation: s.designation, ra: s.ra, dec: s.dec, nSpectra: 0, nLightCurves: 0 };
          stars.set(starId, star);
        }
      }
    }
    star.nSpectra++;
    assignments.push({ spectrumId: s.spectrum_id, starId: star.starId, method, distance });
  }

  await db.transaction(async () => {
    await db.run('DELETE FROM stars');
    await db.insert(
      'stars', ['star_id', 'kic', 'epic', 'designation', 'ra', 'dec', 'n_spectra', 'n_lightcurves'],
      [...stars.values()].map((s) => [s.starId, s.kic, s.epic, s.designation, s.ra, s.dec, s.nSpectra, s.nLightCurves]),
    );
    await db.run(`UPDATE lightcurves SET star_id = CASE WHEN survey = 'Kepler' THEN 'KIC ' ELSE 'EPIC ' END || target_id::VARCHAR`);
    await db.run('CREATE OR REPLACE TEMP TABLE star_assignment (spectrum_id VARCHAR, star_id VARCHAR, method VARCHAR, distance DOUBLE)');
    await db.insert('star_assignment', ['spectrum_id', 'star_id', 'method', 'distance'], assignments.map((a) => [a.spectrumId, a.starId, a.method, a.distance]));
    await db.run(`UPDATE spectra SET star_id = a.star_id, match_method = a.method, match_distance_arcsec = a.distance
                  FROM star_assignment a WHERE spectra.spectrum_id = a.spectrum_id`);
    await db.run('DROP TABLE star_assignment');
  });
}
