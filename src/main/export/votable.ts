/**
 * Catalogue → VOTable 1.4 with TABLEDATA serialisation: FIELDs with datatype (int64 as 'long'),
 * unit, ucd and description; NaN floats as empty cells (VOTable's null for floating point).
 */
import { openTextSink } from './stream';
import { cellText, rowCountOf, ucdOf, validateTable, type ExportColumn, type ExportTable } from './table';

const DATATYPE: Record<ExportColumn['kind'], string> = { int64: 'long', int32: 'int', float64: 'double', float32: 'float', string: 'char' };

/** Text with XML's special characters escaped (for element content and attribute values). */
function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fieldElement(c: ExportColumn): string {
  const attrs = [`name="${xml(c.name)}"`, `datatype="${DATATYPE[c.kind]}"`];
  if (c.kind === 'string') attrs.push('arraysize="*"');
  if (c.unit) attrs.push(`unit="${xml(c.unit)}"`);
  const ucd = ucdOf(c);
  if (ucd) attrs.push(`ucd="${xml(ucd)}"`);
  const body = c.description ? `<DESCRIPTION>${xml(c.description)}</DESCRIPTION>` : '';
  return body ? `<FIELD ${attrs.join(' ')}>${body}</FIELD>` : `<FIELD ${attrs.join(' ')}/>`;
}

function cell(c: ExportColumn, row: number): string {
  if ((c.kind === 'float64' || c.kind === 'float32') && Number.isNaN(c.values[row])) return '<TD></TD>';
  const text = cellText(c, row);
  // 'inf' is not VOTable syntax; +Inf and -Inf are.
  if (text === 'inf') return '<TD>+Inf</TD>';
  if (text === '-inf') return '<TD>-Inf</TD>';
  return `<TD>${xml(text)}</TD>`;
}

/** Writes `table` as a VOTable 1.4 document, streaming rows to `file`. */
export async function writeVoTable(table: ExportTable, file: string): Promise<void> {
  validateTable(table, file);
  const sink = openTextSink(file);
  const write = sink.write;
  await write(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
      'xsi:schemaLocation="http://www.ivoa.net/xml/VOTable/v1.3 http://www.ivoa.net/xml/VOTable/v1.3">\n' +
      `<RESOURCE type="results">\n<TABLE name="${xml(table.name)}" nrows="${rowCountOf(table)}">\n` +
      table.columns.map((c) => `${fieldElement(c)}\n`).join('') +
      '<DATA><TABLEDATA>\n',
  );
  const n = rowCountOf(table);
  for (let r = 0; r < n; r++) await write(`<TR>${table.columns.map((c) => cell(c, r)).join('')}</TR>\n`);
  await write('</TABLEDATA></DATA>\n</TABLE>\n</RESOURCE>\n</VOTABLE>\n');
  await sink.close();
}
