/**
 * Importing label catalogues into a project: the table (read by src/main/catalog) is kept in long
 * form in `catalog_values` (one row per cell, any catalogue shape fits) and its rows are matched to
 * the project's stars in `crossmatch`, by KIC id, by LAMOST obsid, by spectrum file name (LAMOST
 * DR1 tables, whose files carry no OBSID), or by sky position with the distance kept.
 */
import path from 'node:path';
import {
  getColumn, idValues, matchBySky, numericValues, readCatalog, CatalogError,
  type CatalogColumn, type CatalogTable,
} from '../catalog/index';
import type { CatalogInfo } from '../../shared/project';
import { Db } from './db';

export interface ImportCatalogOptions {
  /** How rows find their star. 'filename' joins a column of LAMOST file names to the spectra. */
  key: 'kic' | 'obsid' | 'position' | 'filename';
  /** The id column (for 'kic', 'obsid', 'filename'); found by common names when omitted. */
  column?: string;
  /** Position columns for 'position' (found by common names when omitted). */
  raColumn?: string;
  decColumn?: string;
  /** Match radius for 'position', arcsec (default 3). */
  radiusArcsec?: number;
  /** Cell values meaning "missing" (LAMOST tables use -9999). */
  nullValues?: (string | number)[];
  /** Catalogue name shown to users (default: the file name). */
  name?: string;
}

const ID_COLUMN_NAMES: Record<'kic' | 'obsid' | 'filename', string[]> = {
  kic: ['KIC', 'kic', 'KIC ID', 'KIC_ID', 'KICID', 'kepid', 'KEPID', 'KIC_1'],
  obsid: ['obsid', 'OBSID', 'obs_id'],
  filename: ['filename', 'FILENAME', 'file'],
};
const RA_NAMES = ['ra', 'RA', '_RA', '_RA_icrs', 'RAJ2000', '_RAJ2000', 'RA_ICRS', 'ra_obj'];
const DEC_NAMES = ['dec', 'DEC', 'Dec', '_DE', '_DE_icrs', 'DEJ2000', '_DEJ2000', 'DE_ICRS', 'dec_obj'];

/**
 * Reads `file`, stores it as a catalogue of the project (replacing an earlier import of the same
 * file) and crossmatches its rows to stars. Throws CatalogError naming the file and the problem
 * (unreadable table, missing key column).
 */
export async function importCatalog(db: Db, file: string, opts: ImportCatalogOptions): Promise<CatalogInfo> {
  const abs = path.resolve(file);
  const table = await readCatalog(abs, opts.nullValues ? { nullValues: opts.nullValues } : {});
  const matches = await matchRows(db, table, opts);
  const name = opts.name ?? path.basename(abs);

  return db.transaction(async () => {
    const previous = await db.one<{ catalog_id: string }>('SELECT catalog_id FROM catalogs WHERE path = $1', [abs]);
    const catalogId = previous?.catalog_id ?? (await freshCatalogId(db, path.basename(abs)));
    for (const t of ['catalogs', 'catalog_values', 'crossmatch']) await db.run(`DELETE FROM ${t} WHERE catalog_id = $1`, [catalogId]);

    const keyColumn = opts.key === 'position' ? null : findColumn(table, opts.column, ID_COLUMN_NAMES[opts.key]).name;
    const columns = table.columns.map((c) => c.name);
    await db.run(
      `INSERT INTO catalogs (catalog_id, name, path, key, key_column, n_rows, columns, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())`,
      [catalogId, name, abs, opts.key, keyColumn, table.nrows, JSON.stringify(columns)],
    );
    await appendValues(db, catalogId, table);
    const method = opts.key === 'position' ? 'position' : 'id';
    await db.append('crossmatch', matches.length, (a, i) => {
      a.appendVarchar(catalogId);
      a.appendInteger(matches[i].row);
      a.appendVarchar(matches[i].starId);
      a.appendVarchar(method);
      if (matches[i].distance === null) a.appendNull();
      else a.appendDouble(matches[i].distance!);
    });
    const matchedRows = new Set(matches.map((m) => m.row)).size;
    const importedAt = (await db.one<{ t: Date }>('SELECT imported_at AS t FROM catalogs WHERE catalog_id = $1', [catalogId]))?.t;
    return {
      catalogId, name, path: abs, key: opts.key, column: keyColumn, rows: table.nrows,
      columns, matchedRows, importedAt: (importedAt ?? new Date()).toISOString(),
    };
  });
}

interface RowMatch {
  row: number;
  starId: string;
  distance: number | null;
}

async function matchRows(db: Db, table: CatalogTable, opts: ImportCatalogOptions): Promise<RowMatch[]> {
  if (opts.key === 'position') {
    const ra = numericValues(findColumn(table, opts.raColumn, RA_NAMES));
    const dec = numericValues(findColumn(table, opts.decColumn, DEC_NAMES));
    const stars = await db.all<{ star_id: string; ra: number | null; dec: number | null }>('SELECT star_id, ra, dec FROM stars ORDER BY star_id');
    const m = matchBySky(
      { ra, dec },
      { ra: stars.map((s) => s.ra ?? NaN), dec: stars.map((s) => s.dec ?? NaN) },
      { radiusArcsec: opts.radiusArcsec ?? 3 },
    );
    const out: RowMatch[] = [];
    for (let i = 0; i < table.nrows; i++) {
      if (m.index[i] >= 0) out.push({ row: i, starId: stars[m.index[i]].star_id, distance: m.separationArcsec[i] });
    }
    return out;
  }

  const ids = idValues(findColumn(table, opts.column, ID_COLUMN_NAMES[opts.key]));
  // Each store id maps to the star(s) it identifies; one obsid or file name names one spectrum's star.
  const sql = {
    kic: `SELECT kic::VARCHAR AS id, star_id FROM stars WHERE kic IS NOT NULL`,
    obsid: `SELECT obsid::VARCHAR AS id, star_id FROM spectra WHERE obsid IS NOT NULL`,
    filename: `SELECT regexp_replace(file, '^.*[/\\\\]', '') AS id, star_id FROM spectra`,
  }[opts.key];
  const lookup = new Map<string, string>();
  for (const r of await db.all<{ id: string; star_id: string | null }>(sql)) {
    if (r.star_id === null) continue;
    lookup.set(opts.key === 'filename' ? stripGz(r.id) : r.id, r.star_id);
  }
  const out: RowMatch[] = [];
  ids.forEach((id, row) => {
    const starId = id === null ? undefined : lookup.get(opts.key === 'filename' ? stripGz(path.basename(id)) : id);
    if (starId !== undefined) out.push({ row, starId, distance: null });
  });
  return out;
}

function stripGz(name: string): string {
  return name.replace(/\.gz$/i, '');
}

function findColumn(table: CatalogTable, wanted: string | undefined, candidates: string[]): CatalogColumn {
  if (wanted !== undefined) return getColumn(table, wanted);
  for (const name of candidates) {
    const col = table.columns.find((c) => c.name === name) ?? table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (col) return col;
  }
  throw new CatalogError(
    table.path,
    `no column named like ${candidates.map((c) => `'${c}'`).join(', ')}; pass the column name (columns: ${table.columns.map((c) => c.name).join(', ')})`,
  );
}

async function freshCatalogId(db: Db, base: string): Promise<string> {
  const taken = new Set((await db.all<{ catalog_id: string }>('SELECT catalog_id FROM catalogs')).map((r) => r.catalog_id));
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}#${i}`;
  return id;
}

/** Appends every non-missing cell in long form with DuckDB's appender (fast for 10^5-10^6 cells). */
async function appendValues(db: Db, catalogId: string, table: CatalogTable): Promise<void> {
  const appender = await db.conn.createAppender('catalog_values');
  try {
    for (const col of table.columns) {
      for (let row = 0; row < table.nrows; row++) {
        if (col.nulls[row]) continue;
        const v = col.values[row];
        appender.appendVarchar(catalogId);
        appender.appendInteger(row);
        appender.appendVarchar(col.name);
        if (col.type === 'string') {
          appender.appendNull();
          appender.appendVarchar(v as string);
        } else if (col.type === 'int') {
          // Ids above 2^53 keep their exact text; the number is for analytics.
          appender.appendDouble(Number(v));
          appender.appendVarchar((v as bigint).toString());
        } else {
          appender.appendDouble(Number(v));
          appender.appendNull();
        }
        appender.endRow();
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
