/**
 * CSV, TSV and VizieR TSV catalogues.
 *
 * - The delimiter is detected from the header row (tab if it has at least as many tabs as commas).
 * - Fields may be quoted RFC-4180 style ("a,b", "say ""hi""", newlines inside quotes).
 * - `#` lines before the header are comments. VizieR puts its column formats there
 *   (`#Column<TAB>KIC<TAB>(I8)<TAB>description`), which we use for the column types.
 * - VizieR TSV: the header row is followed by a units row and a row of dashes.
 * - A leading unnamed column of 0..n-1 (a pandas index, as in LearningLAMOST's my_data3.csv) is
 *   dropped unless `keepIndexColumn` is set.
 */
import { buildColumn, cleanCell, makeNullTest, type TextColumnSpec } from './columns.js';
import { CatalogError, type CatalogTable, type ColumnType, type ReadCatalogOptions } from './types.js';

/** One record of a delimited file and the 1-based line it starts on. */
interface DelimitedRecord {
  fields: string[];
  line: number;
}

/**
 * Splits delimited text into records, honouring quotes. Blank lines are skipped; `#` lines are
 * comments only before the first record (after it, a '#' is data).
 */
function splitRecords(
  text: string,
  delimiter: string,
  onComment: (line: string) => void,
  onRecord: (rec: DelimitedRecord) => void,
): void {
  if (!text.includes('"')) {
    splitUnquoted(text, delimiter, onComment, onRecord);
    return;
  }
  const n = text.length;
  let pos = 0;
  let line = 1;
  let seenRecord = false;
  while (pos < n) {
    // Comment and blank lines (comments only before the first record).
    const ch = text[pos];
    if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[pos + 1] === '\n') pos++;
      pos++;
      line++;
      continue;
    }
    if (!seenRecord && ch === '#') {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = n;
      onComment(text.slice(pos, end).replace(/\r$/, ''));
      pos = end + 1;
      line++;
      continue;
    }
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let inQuotes = false;
    let fieldStart = pos;
    for (;;) {
      if (pos >= n) {
        fields.push(field + text.slice(fieldStart, pos));
        break;
      }
      const c = text[pos];
      if (inQuotes) {
        if (c === '"') {
          if (text[pos + 1] === '"') {
            field += text.slice(fieldStart, pos + 1);
            pos += 2;
            fieldStart = pos;
            continue;
          }
          field += text.slice(fieldStart, pos);
          inQuotes = false;
          pos++;
          fieldStart = pos;
          continue;
        }
        if (c === '\n') line++;
        pos++;
        continue;
      }
      if (c === '"' && text.slice(fieldStart, pos).trim() === '' && field === '') {
        inQuotes = true;
        pos++;
        fieldStart = pos;
        continue;
      }
      if (c === delimiter) {
        fields.push(field + text.slice(fieldStart, pos));
        field = '';
        pos++;
        fieldStart = pos;
        continue;
      }
      if (c === '\n' || c === '\r') {
        fields.push(field + text.slice(fieldStart, pos));
        if (c === '\r' && text[pos + 1] === '\n') pos++;
        pos++;
        line++;
        break;
      }
      pos++;
    }
    seenRecord = true;
    if (fields.length === 1 && fields[0].trim() === '') continue;
    onRecord({ fields, line: startLine });
  }
}

/** The common case without any quote character: plain line and field splits, no character loop. */
function splitUnquoted(
  text: string,
  delimiter: string,
  onComment: (line: string) => void,
  onRecord: (rec: DelimitedRecord) => void,
): void {
  const lines = text.split('\n');
  let seenRecord = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line.trim() === '') continue;
    if (!seenRecord && line.startsWith('#')) {
      onComment(line);
      continue;
    }
    seenRecord = true;
    onRecord({ fields: line.split(delimiter), line: i + 1 });
  }
}

/** Picks tab or comma from the first non-comment line. */
export function detectDelimiter(text: string): '\t' | ',' {
  const lines = text.split('\n', 200);
  const header = lines.find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
  const tabs = header.split('\t').length - 1;
  const commas = header.split(',').length - 1;
  return tabs > 0 && tabs >= commas ? '\t' : ',';
}

/** VizieR's `#Column<TAB>name<TAB>(F6.3)<TAB>description` comment lines, by column name. */
function parseVizierColumnComments(comments: string[]): Map<string, { type: ColumnType; description: string }> {
  const out = new Map<string, { type: ColumnType; description: string }>();
  for (const c of comments) {
    const parts = c.split('\t');
    if (parts[0] !== '#Column' || parts.length < 3) continue;
    const fmt = /^\(([A-Za-z])/.exec(parts[2]);
    if (!fmt) continue;
    const code = fmt[1].toUpperCase();
    const type: ColumnType = code === 'I' ? 'int' : code === 'A' ? 'string' : 'float';
    out.set(parts[1], { type, description: (parts[3] ?? '').trim() });
  }
  return out;
}

const isDashRow = (fields: string[]): boolean => fields.every((f) => /^-*$/.test(f.trim())) && fields.some((f) => f.includes('-'));

/**
 * Reads a CSV, TSV or VizieR TSV catalogue from its text.
 * @param file Used only in messages.
 */
export function parseDelimited(file: string, text: string, opts: ReadCatalogOptions = {}): CatalogTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const delimiter = opts.format === 'csv' ? ',' : opts.format === 'tsv' || opts.format === 'vizier-tsv' ? '\t' : detectDelimiter(text);
  const comments: string[] = [];
  const isNull = makeNullTest(opts.nullValues);

  // The first three records decide header/units/dashes; data rows then go straight into columns,
  // so a million-row file never holds its records twice.
  const head: DelimitedRecord[] = [];
  let layout: { header: string[]; units: (string | null)[]; isVizier: boolean } | null = null;
  let cells: (string | null)[][] = [];
  let nrows = 0;
  const addRow = ({ fields, line }: DelimitedRecord): void => {
    const ncol = cells.length;
    if (fields.length !== ncol) throw new CatalogError(file, `line ${line} has ${fields.length} fields but the header names ${ncol} columns`);
    for (let c = 0; c < ncol; c++) cells[c].push(cleanCell(fields[c], isNull));
    nrows++;
  };
  const settleLayout = (): void => {
    const header = head[0].fields.map((f) => f.trim());
    const isVizier = head.length >= 3 && isDashRow(head[2].fields) && head[2].fields.length === header.length;
    const units = isVizier ? head[1].fields.map((u) => (u.trim() === '' ? null : u.trim())) : header.map(() => null);
    layout = { header, units, isVizier };
    cells = header.map(() => []);
    head.slice(isVizier ? 3 : 1).forEach(addRow);
  };
  splitRecords(
    text,
    delimiter,
    (c) => comments.push(c),
    (r) => {
      if (layout) return addRow(r);
      head.push(r);
      if (head.length === 3) settleLayout();
    },
  );
  if (head.length === 0) throw new CatalogError(file, 'no header row found (the file is empty or all comments)');
  if (!layout) settleLayout();
  const { header, units, isVizier } = layout!;
  const vizierTypes = parseVizierColumnComments(comments);

  const notes: string[] = [];
  let first = 0;
  if (header[0] === '' && !opts.keepIndexColumn && cells[0].every((v, i) => v === String(i))) {
    first = 1;
    notes.push('dropped the leading unnamed index column (0..n-1)');
  }
  const columns = [];
  for (let c = first; c < header.length; c++) {
    const name = header[c] === '' ? `col${c}` : header[c];
    const declared = vizierTypes.get(name);
    const spec: TextColumnSpec = { name, unit: units[c] ?? null, type: declared?.type, description: declared?.description };
    columns.push(buildColumn(spec, cells[c]));
  }
  const format = isVizier ? 'vizier-tsv' : delimiter === '\t' ? 'tsv' : 'csv';
  return { path: file, format, nrows, columns, notes };
}
