/** Ingest: scan LAMOST/Kepler folders into a project store. */
export { ingest, ingestInto, IngestCancelledError, type IngestOptions } from './ingest';
export { scanForFits, hasFitsMagic, type ScannedFile } from './scan';
export { sha256File } from './hash';
