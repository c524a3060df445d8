/**
 * CDS / AAS machine-readable tables (MRT): a free-text preamble, a "Byte-by-byte Description"
 * giving each column's byte range, Fortran format, unit and label, notes, then fixed-width rows
 * after the last line of dashes. McQuillan et al. 2014 (apjs492452t1_mrt.txt) and the FCN4Flare
 * flare-star table are in this format.
 *
 * Traps handled: labels with spaces ('KIC ID', 'log g' in the flare table), CRLF line ends,
 * trailing blanks trimmed from rows (short rows = missing trailing cells), '?=-99' null markers.
 */
import { buildColumn, cleanCell, makeNullTest, type TextColumnSpec } from './columns.js';
import { CatalogError, type CatalogColumn, type CatalogTable, type ColumnType, type ReadCatalogOptions } from './types.js';

interface ByteColumn extends TextColumnSpec {
  /** 0-based start, exclusive end, as for String.slice. */
  start: number;
  end: number;
  /** Value that means missing, from a '?=VALUE' marker in the explanation. */
  nullMarker: string | null;
}

const SEPARATOR_RE = /^\s*[-=]{20,}\s*$/;
const COLUMN_LINE_RE = /^\s*(\d+)(?:\s*-\s*(\d+))?\s+([A-Za-z]\d*(?:\.\d+)?)\s+(\S+)\s+(\S.*)$/;

/** True when the text looks like a CDS/MRT table (has a byte-by-byte description). */
export function looksLikeMrt(text: string): boolean {
  return /^Byte-by-byte Description/im.test(text.slice(0, 20000));
}

function typeOfFormat(format: string): ColumnType {
  const code = format[0].toUpperCase();
  return code === 'I' ? 'int' : code === 'A' ? 'string' : 'float';
}

/** Parses the byte-by-byte description lines into column specs. */
function parseDescription(file: string, lines: string[], from: number): { columns: ByteColumn[]; next: number } {
  let i = from + 1;
  while (i < lines.length && !/\bBytes\b.*\bFormat\b/.test(lines[i])) i++;
  if (i >= lines.length) throw new CatalogError(file, 'byte-by-byte description has no "Bytes Format Units Label" header line');
  const explanationsAt = lines[i].indexOf('Explanations');
  i++;
  if (SEPARATOR_RE.test(lines[i] ?? '')) i++;
  const columns: ByteColumn[] = [];
  for (; i < lines.length && !SEPARATOR_RE.test(lines[i]); i++) {
    const line = lines[i];
    const m = COLUMN_LINE_RE.exec(line);
    if (!m) {
      // A wrapped explanation continues the previous column's description.
      if (columns.length > 0) columns[columns.length - 1].description += ' ' + line.trim();
      continue;
    }
    const [, first, last, format, unit, rest] = m;
    const restAt = line.length - rest.length;
    let label: string;
    let explanation: string;
    // Labels may contain spaces, so cut at the Explanations column when the row is aligned to it.
    if (explanationsAt > restAt && line[explanationsAt - 1] === ' ' && line.slice(restAt, explanationsAt).trim() !== '') {
      label = line.slice(restAt, explanationsAt).trim();
      explanation = line.slice(explanationsAt).trim();
    } else {
      const sp = rest.search(/\s/);
      label = sp < 0 ? rest : rest.slice(0, sp);
      explanation = sp < 0 ? '' : rest.slice(sp).trim();
    }
    const nullMarker = /^(?:\[[^\]]*\])?\?=(\S+)/.exec(explanation)?.[1] ?? null;
    const start = Number(first) - 1;
    columns.push({
      name: label,
      unit: unit === '---' ? null : unit,
      type: typeOfFormat(format),
      description: explanation,
      start,
      end: last === undefined ? start + 1 : Number(last),
      nullMarker,
    });
  }
  if (columns.length === 0) throw new CatalogError(file, 'byte-by-byte description lists no columns');
  return { columns, next: i };
}

/**
 * Reads a CDS/AAS MRT fixed-width table from its text.
 * @param file Used only in messages.
 */
export function parseMrt(file: string, text: string, opts: ReadCatalogOptions = {}): CatalogTable {
  const lines = text.split(/\r?\n/);
  const descAt = lines.findIndex((l) => /^Byte-by-byte Description/i.test(l));
  if (descAt < 0) throw new CatalogError(file, 'not a CDS/MRT table: no "Byte-by-byte Description" line');
  const { columns: specs, next } = parseDescription(file, lines, descAt);

  // Data begin after the last separator line (notes sit between separators; rows never are one).
  let dataStart = next + 1;
  for (let i = next + 1; i < lines.length; i++) if (SEPARATOR_RE.test(lines[i])) dataStart = i + 1;

  const isNull = makeNullTest(opts.nullValues);
  const cells: (string | null)[][] = specs.map(() => []);
  let nrows = 0;
  for (let i = dataStart; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    nrows++;
    for (let c = 0; c < specs.length; c++) {
      const { start, end, nullMarker } = specs[c];
      const cell = cleanCell(line.slice(start, end), isNull);
      cells[c].push(cell !== null && cell === nullMarker ? null : cell);
    }
  }
  const columns: CatalogColumn[] = specs.map((s, c) => buildColumn(s, cells[c]));
  return { path: file, format: 'mrt', nrows, columns, notes: [] };
}
