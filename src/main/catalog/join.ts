/**
 * Cross-matching whole catalogue tables: the table-level face of crossmatch.ts, so callers name
 * columns instead of pulling arrays out themselves.
 */
import { matchById, matchBySky, type IdMatch, type IdValue, type SkyMatch } from './crossmatch.js';
import { getColumn, idValues, numericValues } from './table.js';
import { CatalogError, type CatalogTable } from './types.js';

// Position column names seen in our catalogues (LAMOST csv, VizieR '_RA'/'_RA_icrs', MAST 'RA_OBJ').
const RA_NAMES = ['ra', '_ra', '_ra_icrs', 'raj2000', '_raj2000', 'ra_icrs', 'ra_obj'];
const DEC_NAMES = ['dec', '_de', '_de_icrs', 'dej2000', '_dej2000', 'de_icrs', 'dec_obj'];

/** The RA and Dec column names of a table (first of the usual spellings), or a CatalogError. */
export function findPositionColumns(table: CatalogTable): { ra: string; dec: string } {
  const find = (names: string[]) => table.columns.find((c) => names.includes(c.name.toLowerCase()) && c.type === 'float')?.name;
  const ra = find(RA_NAMES);
  const dec = find(DEC_NAMES);
  if (!ra || !dec) throw new CatalogError(table.path, `no RA/Dec columns found (looked for ${RA_NAMES.join(', ')} and ${DEC_NAMES.join(', ')})`);
  return { ra, dec };
}

/**
 * Matches rows of `table` to a list of ids (e.g. the KICs of our light curves) through one of
 * its columns; ids are compared after normaliseId, so 'KIC 08098300', '08098300' and 8098300 agree.
 * @returns For each id in `ids`, the matching table row (or -1).
 */
export function matchIdsToTable(ids: ArrayLike<IdValue>, table: CatalogTable, column: string): IdMatch {
  return matchById(ids, idValues(getColumn(table, column)));
}

/**
 * Nearest-neighbour sky match of positions (e.g. our spectra) against a table, within
 * `radiusArcsec` (default 3). Position columns are found by name unless given.
 */
export function matchPositionsToTable(
  positions: { ra: ArrayLike<number>; dec: ArrayLike<number> },
  table: CatalogTable,
  opts: { ra?: string; dec?: string; radiusArcsec?: number } = {},
): SkyMatch {
  const found = opts.ra && opts.dec ? { ra: opts.ra, dec: opts.dec } : findPositionColumns(table);
  const right = { ra: numericValues(getColumn(table, found.ra)), dec: numericValues(getColumn(table, found.dec)) };
  return matchBySky(positions, right, { radiusArcsec: opts.radiusArcsec });
}
