/**
 * Catalogue → Parquet through an in-memory DuckDB (typed columns appended, then COPY TO).
 * Units and UCDs go into the file's key–value metadata as JSON under 'desa:columns'.
 */
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { rowCountOf, ucdOf, validateTable, type ExportColumn, type ExportTable } from './table';

const SQL_TYPE: Record<ExportColumn['kind'], string> = { int64: 'BIGINT', int32: 'INTEGER', float64: 'DOUBLE', float32: 'FLOAT', string: 'VARCHAR' };

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Writes `table` as a Parquet file with the same column types, names and row order. */
export async function writeParquet(table: ExportTable, file: string): Promise<void> {
  validateTable(table, file);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    // A row number column keeps the order explicit through COPY (dropped from the output).
    const cols = table.columns.map((c) => `"${c.name}" ${SQL_TYPE[c.kind]}`).join(', ');
    await conn.run(`CREATE TABLE t (desa_row BIGINT, ${cols})`);
    const appender = await conn.createAppender('t');
    const n = rowCountOf(table);
    for (let r = 0; r < n; r++) {
      appender.appendBigInt(BigInt(r));
      for (const c of table.columns) {
        switch (c.kind) {
          case 'int64': appender.appendBigInt(c.values[r]); break;
          case 'int32': appender.appendInteger(c.values[r]); break;
          case 'float64': appender.appendDouble(c.values[r]); break;
          case 'float32': appender.appendFloat(c.values[r]); break;
          case 'string': appender.appendVarchar(c.values[r]); break;
        }
      }
      appender.endRow();
    }
    appender.closeSync();
    const meta = JSON.stringify(table.columns.map((c) => ({ name: c.name, unit: c.unit ?? null, ucd: ucdOf(c) ?? null })));
    const names = table.columns.map((c) => `"${c.name}"`).join(', ');
    await conn.run(
      `COPY (SELECT ${names} FROM t ORDER BY desa_row) TO ${sqlString(path.resolve(file))} ` +
        `(FORMAT parquet, KV_METADATA {'desa:columns': ${sqlString(meta)}, 'desa:table': ${sqlString(table.name)}})`,
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
