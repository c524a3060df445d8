/**
 * The FITS module: read (lazily, plain or gzip) and write FITS files, and describe them
 * like astropy's fitsinfo. Other code imports from here only.
 */
export * from './types.js';
export { openFits, openFitsBuffer, type OpenedFitsFile } from './open.js';
export { writeFits, writeFitsFile, gzipFits } from './write.js';
export { describeFits, formatFitsInfo, type FitsDescription, type FitsHduDescription, type JsonHeaderValue } from './describe.js';
