/**
 * Granulation: surface convection makes red noise whose amplitude and timescale scale with
 * ν_max ∝ g / sqrt(Teff) (Brown et al. 1991; Kjeldsen & Bedding 1995). Amplitude and
 * characteristic frequency from Kallinger et al. (2014) / Mathur et al. (2011):
 * a ≈ 3710 ν_max^-0.613 ppm, b ≈ 0.317 ν_max^0.970 µHz, τ = 1/(2πb).
 */
import { LOGG_SUN, T_SUN } from './evolution';

export const NU_MAX_SUN_UHZ = 3090;

export function nuMax(logg: number, teff: number): number {
  return NU_MAX_SUN_UHZ * Math.pow(10, logg - LOGG_SUN) * Math.pow(teff / T_SUN, -0.5);
}

export function granulation(logg: number, teff: number): { rmsPpm: number; tauDays: number } {
  const nm = nuMax(logg, teff);
  const b = 0.317 * Math.pow(nm, 0.97) * 1e-6; // Hz
  return { rmsPpm: 3710 * Math.pow(nm, -0.613), tauDays: 1 / (2 * Math.PI * b) / 86400 };
}

/**
 * Rms of an Ornstein-Uhlenbeck process of rms σ and timescale τ averaged over an exposure T:
 * σ_T² = σ² · 2(τ/T)² (T/τ − 1 + e^{−T/τ}). Short-timescale dwarf granulation is mostly averaged
 * away in a 29.4-min cadence; giant granulation is not.
 */
export function binnedRms(rms: number, tau: number, exposure: number): number {
  const x = exposure / tau;
  if (x < 1e-6) return rms;
  return rms * Math.sqrt((2 / (x * x)) * (x - 1 + Math.exp(-x)));
}
