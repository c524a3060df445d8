/**
 * Kepler/K2 SAP_QUALITY bits (Kepler Archive Manual, Table 2.3) and the bitmask presets we use
 * to blank flagged cadences. The presets are lightkurve's KeplerQualityFlags, so results line up
 * with what astronomers get from `lk.read(..., quality_bitmask='default')`.
 */
export const KeplerQualityBits = {
  AttitudeTweak: 1,
  SafeMode: 2,
  CoarsePoint: 4,
  EarthPoint: 8,
  ZeroCrossing: 16,
  Desat: 32,
  Argabrightening: 64,
  ApertureCosmic: 128,
  ManualExclude: 256,
  // 512 is unused by Kepler.
  SensitivityDropout: 1024,
  ImpulsiveOutlier: 2048,
  ArgabrighteningOnCCD: 4096,
  CollateralCosmic: 8192,
  DetectorAnomaly: 16384,
  NoFinePoint: 32768,
  NoData: 65536,
  RollingBandInAperture: 131072,
  RollingBandInMask: 262144,
  PossibleThrusterFiring: 524288,
  ThrusterFiring: 1048576,
} as const;

const B = KeplerQualityBits;

/**
 * 'default' = AttitudeTweak | SafeMode | CoarsePoint | EarthPoint | Desat | ManualExclude |
 * DetectorAnomaly | NoData | ThrusterFiring (= 1130799): cadences that are definitely useless.
 */
export const DEFAULT_QUALITY_BITMASK =
  B.AttitudeTweak | B.SafeMode | B.CoarsePoint | B.EarthPoint | B.Desat | B.ManualExclude | B.DetectorAnomaly | B.NoData | B.ThrusterFiring;

/** 'hard' = default | SensitivityDropout | ApertureCosmic | CollateralCosmic | PossibleThrusterFiring (= 1664431). */
export const HARD_QUALITY_BITMASK = DEFAULT_QUALITY_BITMASK | B.SensitivityDropout | B.ApertureCosmic | B.CollateralCosmic | B.PossibleThrusterFiring;

/** 'hardest' = every defined bit (= 2096639): only QUALITY == 0 cadences survive. */
export const HARDEST_QUALITY_BITMASK = Object.values(KeplerQualityBits).reduce((a, b) => a | b, 0);

export type QualityMask = 'none' | 'default' | 'hard' | 'hardest' | number;

/** The integer bitmask for a preset name (or the number itself). */
export function qualityBitmask(mask: QualityMask): number {
  switch (mask) {
    case 'none':
      return 0;
    case 'default':
      return DEFAULT_QUALITY_BITMASK;
    case 'hard':
      return HARD_QUALITY_BITMASK;
    case 'hardest':
      return HARDEST_QUALITY_BITMASK;
    default:
      if (!Number.isInteger(mask) || mask < 0) throw new RangeError(`quality mask must be a preset name or a non-negative integer, got ${mask}`);
      return mask;
  }
}
