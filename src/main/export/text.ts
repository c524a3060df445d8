/**
 * Catalogue → text tables: ECSV 1.0 (astropy's Enhanced CSV: a YAML header with each column's
 * datatype, unit and description, then space-delimited values) and plain CSV (RFC 4180).
 */
import { openTextSink } from './stream';
import { cellText, rowCountOf, validateTable, type ExportColumn, type ExportTable } from './table';

const ECSV_TYPE: Record<ExportColumn['kind'], string> = { int64: 'int64', int32: 'int32', float64: 'float64', float32: 'float32', string: 'string' };

/** Quotes a field when the delimiter, a quote or leading/trailing space would break it (or it is empty text). */
function quoted(text: string, delimiter: string, isString: boolean): string {
  const needs = text.includes(delimiter) || text.includes('"') || text.includes('\n') || (isString && (text === '' || text.trim() !== text));
  return needs ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A YAML flow-mapping scalar: single-quoted so any text is safe. */
function yamlScalar(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

async function writeLines(file: string, header: string, table: ExportTable, delimiter: string): Promise<void> {
  const sink = openTextSink(file);
  const write = sink.write;
  await write(header);
  const n = rowCountOf(table);
  for (let r = 0; r < n; r++) {
    await write(`${table.columns.map((c) => quoted(cellText(c, r), delimiter, c.kind === 'string')).join(delimiter)}\n`);
  }
  await sink.close();
}

/** Writes `table` as ECSV 1.0 (astropy.table.Table.read(file) restores types, units and values). */
export async function writeEcsv(table: ExportTable, file: string): Promise<void> {
  validateTable(table, file);
  const lines = ['# %ECSV 1.0', '# ---', '# datatype:'];
  for (const c of table.columns) {
    const parts = [`name: ${c.name}`];
    if (c.unit) parts.push(`unit: ${yamlScalar(c.unit)}`);
    parts.push(`datatype: ${ECSV_TYPE[c.kind]}`);
    if (c.description) parts.push(`description: ${yamlScalar(c.description)}`);
    lines.push(`# - {${parts.join(', ')}}`);
  }
  lines.push(`# meta: {name: ${yamlScalar(table.name)}}`, '# schema: astropy-2.0');
  lines.push(table.columns.map((c) => c.name).join(' '));
  await writeLines(file, `${lines.join('\n')}\n`, table, ' ');
}

/** Writes `table` as CSV with a header row of column names (units are not representable in CSV). */
export async function writeCsv(table: ExportTable, file: string): Promise<void> {
  validateTable(table, file);
  await writeLines(file, `${table.columns.map((c) => c.name).join(',')}\n`, table, ',');
}
