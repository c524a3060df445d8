/** Label catalogues (CSV/TSV/VizieR/MRT/FITS tables) and cross-matching. */
export { readCatalog } from './read.js';
export { parseDelimited } from './delimited.js';
export { parseMrt } from './mrt.js';
export { readFitsCatalog } from './fits-table.js';
export { getColumn, numericValues, idValues } from './table.js';
export {
  normaliseId,
  matchById,
  matchBySky,
  angularSeparationArcsec,
  SkyIndex,
  type IdValue,
  type IdMatch,
  type SkyMatch,
  type SkyPositions,
} from './crossmatch.js';
export * from './types.js';
export { findPositionColumns, matchIdsToTable, matchPositionsToTable } from './join.js';
