/**
 * Streaming table writers for the catalogs: CSV (one row at a time, flushed in chunks, so a
 * 200k-star survey never holds its catalogs as text) and the AAS machine-readable table (MRT)
 * layout of McQuillan et al. (2014) Table 1.
 */
import fs from 'node:fs';

export type Cell = string | number | boolean | null;

/** Formats a number with a fixed number of decimals, or '' for null/NaN (CSV missing value). */
export function fixed(x: number | null | undefined, decimals: number): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '' : x.toFixed(decimals);
}

function csvCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Appends rows to a CSV file through a small buffer. */
export class CsvWriter {
  private fd: number;
  private buffer: string[] = [];
  private bufferedChars = 0;
  rows = 0;

  constructor(readonly path: string, readonly columns: readonly string[]) {
    this.fd = fs.openSync(path, 'w');
    this.buffer.push(columns.join(',') + '\n');
  }

  write(values: readonly Cell[]): void {
    if (values.length !== this.columns.length) {
      throw new Error(`${this.path}: row has ${values.length} cells, header has ${this.columns.length}`);
    }
    const line = values.map(csvCell).join(',') + '\n';
    this.buffer.push(line);
    this.bufferedChars += line.length;
    this.rows++;
    if (this.bufferedChars > 1 << 16) this.flush();
  }

  flush(): void {
    if (this.buffer.length) fs.writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.bufferedChars = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/** One MRT column: byte range is computed from the widths in order, one blank between columns. */
export interface MrtColumn {
  label: string;
  /** Fortran format, e.g. 'I8', 'F6.3', 'A3'. */
  format: string;
  units: string;
  explanation: string;
}

/** Writes an MRT: title block, byte-by-byte description, then fixed-width rows (streamed). */
export class MrtWriter {
  private fd: number;
  private widths: number[];
  private buffer: string[] = [];
  rows = 0;

  constructor(readonly path: string, title: string, authors: string, table: string, readonly columns: readonly MrtColumn[]) {
    this.fd = fs.openSync(path, 'w');
    this.widths = columns.map((c) => Number(/^[A-Z](\d+)/.exec(c.format)![1]));
    const rule = '='.repeat(80);
    const dash = '-'.repeat(80);
    const lines = [`Title: ${title}`, `Authors: ${authors}`, `Table: ${table}`, rule, `Byte-by-byte Description of file: ${path.split('/').pop()}`, dash, '   Bytes Format Units     Label   Explanations', dash];
    let start = 1;
    this.widths.forEach((w, i) => {
      const end = start + w - 1;
      const bytes = w === 1 ? `${String(end).padStart(8)}` : `${String(start).padStart(4)}-${String(end).padStart(3)}`;
      const c = columns[i];
      lines.push(`${bytes} ${c.format.padEnd(6)} ${c.units.padEnd(9)} ${c.label.padStart(6)}  ${c.explanation}`);
      start = end + 2;
    });
    lines.push(dash);
    fs.writeSync(this.fd, lines.join('\n') + '\n');
  }

  /** Writes one row; numbers are formatted with the column's Fortran format, right-aligned. */
  write(values: readonly (number | string | null)[]): void {
    const cells = values.map((v, i) => {
      const f = this.columns[i].format;
      const w = this.widths[i];
      let s: string;
      if (v === null) s = '';
      else if (f.startsWith('F')) s = (v as number).toFixed(Number(f.split('.')[1]));
      else if (f.startsWith('I')) s = String(Math.round(v as number));
      else s = String(v);
      if (s.length > w) throw new Error(`${this.path}: value ${s} does not fit ${this.columns[i].label} (${f})`);
      return f.startsWith('A') ? s.padEnd(w) : s.padStart(w);
    });
    this.buffer.push(cells.join(' ') + '\n');
    this.rows++;
    if (this.buffer.length >= 1000) this.flush();
  }

  flush(): void {
    if (this.buffer.length) fs.writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}
