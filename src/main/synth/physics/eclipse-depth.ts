/** Deepest point of an eclipsing binary's light curve over one orbit (noiseless, fraction of flux). */
import type { StarTruth } from '../truth';
import { eclipseFlux } from './binaries';

export function eclipseDepth(star: StarTruth): number {
  const orbit = star.orbit;
  if (!orbit || !star.secondary) return 0;
  let min = 1;
  const steps = 4000;
  for (let k = 0; k < steps; k++) {
    const t = orbit.tPeri + (k / steps) * orbit.periodDays;
    min = Math.min(min, eclipseFlux(orbit, t, star.primary.radius, star.secondary.radius, star.lightFraction2));
  }
  return 1 - min;
}
