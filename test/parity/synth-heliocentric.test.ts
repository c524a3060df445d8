import { describe, expect, it } from 'vitest';
import { heliocentricCorrection } from '../../src/main/synth/physics/heliocentric';
import { requireAstropy, runPython } from '../helpers/python';

describe('heliocentric correction of the synthetic LAMOST headers', () => {
  it("matches astropy's radial_velocity_correction('heliocentric') at Xinglong within 1 km/s", async () => {
    requireAstropy();
    const cases = [
      [290.7, 44.5, 55700.6], [285.1, 38.2, 56100.8], [297.4, 50.9, 57300.7], [291.0, 41.0, 58800.75], [290.0, 46.0, 59500.65],
    ];
    const script = `
import sys, json, warnings
warnings.simplefilter('ignore')
from astropy.coordinates import SkyCoord, EarthLocation
from astropy.time import Time
from astropy.utils import iers
import astropy.units as u
iers.conf.auto_download = False
loc = EarthLocation.from_geodetic(117.58 * u.deg, 40.39 * u.deg, 900 * u.m)
out = []
for ra, dec, mjd in json.loads(sys.argv[1]):
    c = SkyCoord(ra * u.deg, dec * u.deg)
    out.append(c.radial_velocity_correction('heliocentric', obstime=Time(mjd, format='mjd'), location=loc).to(u.km / u.s).value)
print(json.dumps(out))
`;
    const ref = JSON.parse(await runPython(script, [JSON.stringify(cases)])) as number[];
    cases.forEach(([ra, dec, mjd], i) => {
      expect(Math.abs(heliocentricCorrection(ra, dec, mjd) - ref[i])).toBeLessThan(1);
    });
  });
});
