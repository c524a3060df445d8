/** The project store: DuckDB metadata + binary array files in a project directory. */
export { ProjectStore, spectrumId, STORE_FILE, ARRAYS_DIR, type FileRecord, type FileOutcome, type FileWrite, type BatchResult } from './project-store';
export type { ImportCatalogOptions } from './catalogs';
export { ArrayFile, type ArrayRef } from './arrays';
