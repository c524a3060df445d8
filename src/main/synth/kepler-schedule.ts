/**
 * The Kepler prime mission's long-cadence schedule, Q1–Q17, taken from the real DR25 files of
 * KIC 7660594 in shared/data/real/kepler (a star with every quarter): first cadence number,
 * number of cadences, the file timestamp MAST uses, and the data gaps (cadence offset, length)
 * where TIME is NaN (monthly downlinks, safe modes, the Q16 and Q17 pointing losses).
 */
export interface QuarterInfo {
  quarter: number;
  /** Roll season 0–3 (the spacecraft rolled 90° every quarter). */
  season: number;
  firstCadence: number;
  cadences: number;
  timestamp: string;
  gaps: [number, number][];
}

export const KEPLER_QUARTERS: readonly QuarterInfo[] = [
  { quarter: 1, season: 3, firstCadence: 1105, cadences: 1639, timestamp: '2009166043257', gaps: [] },
  { quarter: 2, season: 0, firstCadence: 2965, cadences: 4354, timestamp: '2009259160929', gaps: [[588, 100], [2975, 52]] },
  { quarter: 3, season: 1, firstCadence: 7404, cadences: 4370, timestamp: '2009350155506', gaps: [[1485, 42], [2997, 88], [3086, 12]] },
  { quarter: 4, season: 2, firstCadence: 11914, cadences: 4397, timestamp: '2010078095331', gaps: [[1524, 39], [2177, 193]] },
  { quarter: 5, season: 3, firstCadence: 16373, cadences: 4634, timestamp: '2010174085026', gaps: [[1543, 62], [2957, 34]] },
  { quarter: 6, season: 0, firstCadence: 21069, cadences: 4398, timestamp: '2010265121752', gaps: [[1326, 41], [2880, 44]] },
  { quarter: 7, season: 1, firstCadence: 25509, cadences: 4375, timestamp: '2010355172524', gaps: [[1474, 37], [2940, 43]] },
  { quarter: 8, season: 2, firstCadence: 30657, cadences: 3279, timestamp: '2011073133259', gaps: [[1259, 130]] },
  { quarter: 9, season: 3, firstCadence: 34237, cadences: 4768, timestamp: '2011177032512', gaps: [[1782, 34], [3211, 31]] },
  { quarter: 10, season: 0, firstCadence: 39049, cadences: 4573, timestamp: '2011271113734', gaps: [[1474, 41], [3054, 41]] },
  { quarter: 11, season: 1, firstCadence: 43667, cadences: 4754, timestamp: '2012004120508', gaps: [[1521, 37], [3036, 43], [3368, 114]] },
  { quarter: 12, season: 2, firstCadence: 48473, cadences: 4044, timestamp: '2012088054726', gaps: [[1297, 35], [2672, 44]] },
  { quarter: 13, season: 3, firstCadence: 52551, cadences: 4421, timestamp: '2012179063303', gaps: [[1579, 34], [3044, 44]] },
  { quarter: 14, season: 0, firstCadence: 57024, cadences: 4757, timestamp: '2012277125453', gaps: [[826, 227], [1511, 56], [3043, 42]] },
  { quarter: 15, season: 1, firstCadence: 61886, cadences: 4780, timestamp: '2013011073258', gaps: [[1509, 47], [2001, 197], [3030, 41]] },
  { quarter: 16, season: 2, firstCadence: 66712, cadences: 4203, timestamp: '2013098041711', gaps: [[256, 555], [2588, 56]] },
  { quarter: 17, season: 3, firstCadence: 70976, cadences: 1556, timestamp: '2013131215648', gaps: [[1095, 255]] },
];

/** Long-cadence sampling interval, days (TIMEDEL in the real headers). */
export const TIMEDEL = 0.02043359821692;
/** Photon-collecting time per long cadence: 270 frames × 6.0198 s (INT_TIME × NUM_FRM). */
export const EXPOSURE_S = 270 * 6.019802903270;
/** BKJD of cadence number 0, from a linear fit to the real TIME column (KIC 7660594). */
export const CADENCE_ZERO_BKJD = 108.9345;

export function cadenceTime(cadenceNo: number): number {
  return CADENCE_ZERO_BKJD + TIMEDEL * cadenceNo;
}

/** Start and end (BKJD) of the whole Q1–Q17 baseline. */
export const MISSION_START = cadenceTime(KEPLER_QUARTERS[0].firstCadence);
const lastQ = KEPLER_QUARTERS[KEPLER_QUARTERS.length - 1];
export const MISSION_END = cadenceTime(lastQ.firstCadence + lastQ.cadences);

/** The quarters generated for `count` quarters: Q1..Q17 spread evenly, always starting with Q2 (the first full one). */
export function selectQuarters(count: number): QuarterInfo[] {
  if (!Number.isInteger(count) || count < 1 || count > 17) {
    throw new Error(`quarters must be an integer from 1 to 17, got ${count}`);
  }
  if (count === 17) return [...KEPLER_QUARTERS];
  // Consecutive full quarters from Q2 keep rotation periods measurable across quarter joins.
  return KEPLER_QUARTERS.slice(1, 1 + count);
}
