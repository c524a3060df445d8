/**
 * FITS binary and ASCII tables as catalogues (VizieR's FITS downloads are ASCII tables:
 * Kirk 2016, Berger 2020). All FITS parsing is done by src/main/fits; this file only maps FITS
 * columns onto catalogue columns.
 */
import { openFits } from '../fits/index.js';
import type { ColumnData, ColumnInfo, TableHdu } from '../fits/types.js';
import { CatalogError, type CatalogColumn, type CatalogTable, type ReadCatalogOptions } from './types.js';

function isTable(h: { kind: string }): h is TableHdu {
  return h.kind === 'BINTABLE' || h.kind === 'TABLE';
}

/** Maps one FITS column onto a catalogue column; null for shapes a catalogue cannot hold. */
function toCatalogColumn(info: ColumnInfo, data: ColumnData): CatalogColumn | null {
  const n = data.nrows;
  const nulls = new Uint8Array(n);
  const base = { name: info.name, unit: info.unit && info.unit.trim() !== '' ? info.unit.trim() : null, nulls };
  const v = data.values;
  if (info.code === 'A') {
    const values = (v as string[]).map((s, i) => {
      const t = s.trim();
      if (t === '') nulls[i] = 1;
      return t === '' ? null : t;
    });
    return { ...base, type: 'string', values };
  }
  if (info.variableLength || data.repeat !== 1) return null;
  if (info.code === 'L') {
    const values = (v as (boolean | null)[]).slice();
    values.forEach((b, i) => {
      if (b === null) nulls[i] = 1;
    });
    return { ...base, type: 'bool', values };
  }
  if (v instanceof Float32Array || v instanceof Float64Array) {
    const values = Float64Array.from(v);
    for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) nulls[i] = 1;
    return { ...base, type: 'float', values };
  }
  if (ArrayBuffer.isView(v)) {
    const values = new BigInt64Array(n);
    const src = v as ArrayLike<number | bigint>;
    for (let i = 0; i < n; i++) {
      if (data.nulls?.[i]) nulls[i] = 1;
      else values[i] = BigInt(src[i]);
    }
    return { ...base, type: 'int', values };
  }
  return null;
}

/**
 * Reads the first table HDU (or `opts.hdu`) of a FITS file as a catalogue. Vector and
 * variable-length columns are skipped and listed in `notes`.
 */
export async function readFitsCatalog(file: string, opts: ReadCatalogOptions = {}): Promise<CatalogTable> {
  const fits = await openFits(file);
  try {
    const hdu = opts.hdu !== undefined ? fits.hdus[opts.hdu] : fits.hdus.find(isTable);
    if (!hdu || !isTable(hdu)) {
      throw new CatalogError(file, opts.hdu !== undefined ? `HDU ${opts.hdu} is not a table` : 'the FITS file has no table HDU');
    }
    const columns: CatalogColumn[] = [];
    const notes: string[] = [];
    for (const info of hdu.columns) {
      const col = toCatalogColumn(info, await hdu.readColumn(info.name));
      if (col) columns.push(col);
      else notes.push(`skipped column ${info.name} (TFORM ${info.tform}): not a scalar column`);
    }
    return {
      path: file,
      format: hdu.kind === 'TABLE' ? 'fits-ascii' : 'fits-bintable',
      nrows: hdu.nrows,
      columns,
      notes,
    };
  } finally {
    await fits.close();
  }
}
