/**
 * The heliocentric radial-velocity correction a LAMOST pipeline applies (HELIO_RV): the Earth's
 * orbital velocity projected on the line of sight. Low-precision solar coordinates from the
 * Astronomical Almanac (accurate to ~0.01°), circular Earth orbit (29.79 km/s); the diurnal
 * term (< 0.5 km/s) is ignored.
 */
const DEG = Math.PI / 180;
const OBLIQUITY = 23.439 * DEG;
const EARTH_ORBITAL_SPEED = 29.79; // km/s

/** Correction in km/s to add to an observed velocity to get a heliocentric one, at MJD `mjd`. */
export function heliocentricCorrection(raDeg: number, decDeg: number, mjd: number): number {
  const n = mjd + 2400000.5 - 2451545.0;
  const L = (280.46 + 0.9856474 * n) * DEG;
  const g = (357.528 + 0.9856003 * n) * DEG;
  const lambdaSun = L + 1.915 * DEG * Math.sin(g) + 0.02 * DEG * Math.sin(2 * g);
  // Earth's velocity in ecliptic coordinates points 90° behind the Sun's apparent longitude.
  const vx = EARTH_ORBITAL_SPEED * Math.sin(lambdaSun);
  const vy = -EARTH_ORBITAL_SPEED * Math.cos(lambdaSun);
  // Star direction: equatorial → ecliptic.
  const ra = raDeg * DEG;
  const dec = decDeg * DEG;
  const x = Math.cos(dec) * Math.cos(ra);
  const yEq = Math.cos(dec) * Math.sin(ra);
  const zEq = Math.sin(dec);
  const y = yEq * Math.cos(OBLIQUITY) + zEq * Math.sin(OBLIQUITY);
  return vx * x + vy * y;
}
