/**
 * Catalogue export: a selection, subset or whole map table to FITS, VOTable, ECSV, CSV or
 * Parquet, with exact int64 ids, units, UCDs where known and the table's row order.
 */
import { writeFitsTable } from './fits';
import { writeParquet } from './parquet';
import type { ExportTable } from './table';
import { writeCsv, writeEcsv } from './text';
import { writeVoTable } from './votable';

export * from './table';
export { writeFitsTable, writeVoTable, writeEcsv, writeCsv, writeParquet };

export type ExportFormat = 'fits' | 'votable' | 'ecsv' | 'csv' | 'parquet';

const WRITERS: Record<ExportFormat, (t: ExportTable, file: string) => Promise<void>> = {
  fits: writeFitsTable, votable: writeVoTable, ecsv: writeEcsv, csv: writeCsv, parquet: writeParquet,
};

/** The format a file name asks for (.fits/.fit/.fts, .vot/.votable/.xml, .ecsv, .csv, .parquet), else null. */
export function formatOfFile(file: string): ExportFormat | null {
  const ext = file.toLowerCase().match(/\.([a-z]+)$/)?.[1] ?? '';
  if (['fits', 'fit', 'fts'].includes(ext)) return 'fits';
  if (['vot', 'votable', 'xml'].includes(ext)) return 'votable';
  if (ext === 'ecsv' || ext === 'csv' || ext === 'parquet') return ext;
  return null;
}

/**
 * Writes `table` to `file` in `format` (default: from the file's extension).
 * @throws Error naming the file when the format is unknown or the table is malformed
 */
export async function exportTable(table: ExportTable, file: string, format?: ExportFormat): Promise<void> {
  const f = format ?? formatOfFile(file);
  if (!f || !WRITERS[f]) throw new Error(`${file}: unknown export format (use .fits, .vot, .ecsv, .csv or .parquet)`);
  await WRITERS[f](table, file);
}
