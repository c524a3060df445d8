/** Catalogue → FITS binary table (one BINTABLE HDU after an empty primary), via src/main/fits. */
import { writeFitsFile, type WriteColumn } from '../fits/index';
import { rowCountOf, validateTable, type ExportColumn, type ExportTable } from './table';

function fitsColumn(c: ExportColumn): WriteColumn {
  const unit = c.unit ? { unit: c.unit } : {};
  switch (c.kind) {
    case 'int64': return { name: c.name, format: 'K', values: c.values, ...unit };
    case 'int32': return { name: c.name, format: 'J', values: c.values, ...unit };
    case 'float64': return { name: c.name, format: 'D', values: c.values, ...unit };
    case 'float32': return { name: c.name, format: 'E', values: c.values, ...unit };
    case 'string': {
      const width = Math.max(1, ...c.values.map((s) => s.length));
      return { name: c.name, format: `${width}A`, values: c.values, ...unit };
    }
  }
}

/** Writes `table` as a FITS file with one binary-table extension named after the table. */
export async function writeFitsTable(table: ExportTable, file: string): Promise<void> {
  validateTable(table, file);
  await writeFitsFile(file, [
    { kind: 'image', shape: [], data: null, bitpix: 8 },
    { kind: 'bintable', name: table.name, nrows: rowCountOf(table), columns: table.columns.map(fitsColumn) },
  ]);
}
