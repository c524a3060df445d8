/** One entry point that turns any survey FITS file we know into the shared data model. */
import { stat } from 'node:fs/promises';
import { FitsError, openFits } from '../fits/index.js';
import type { SurveyRecord } from '../../shared/survey.js';
import { detectProduct } from './detect.js';
import { SurveyError } from './errors.js';
import { readKeplerLightCurve } from './kepler.js';
import { readLamostSpectrum } from './lamost.js';

/**
 * Reads a LAMOST LRS spectrum (any layout DR1-DR10, plain or .gz) or a Kepler/K2 long-cadence
 * light curve. LAMOST MRS, SDSS and APOGEE files come back as RecognisedOther. The product is
 * detected from headers and HDU layout, never from the file name.
 *
 * @throws SurveyError naming the file for a FITS file of an unknown product ("wrong survey"),
 *   or for a file that is not FITS at all.
 */
export async function readSurveyFile(path: string): Promise<SurveyRecord> {
  await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new SurveyError(path, e.code === 'ENOENT' ? 'file not found' : `cannot read: ${e.message}`);
  });
  const fits = await openFits(path).catch((e: unknown) => {
    throw new SurveyError(path, `not a readable FITS file: ${e instanceof FitsError ? e.problem : (e as Error).message}`);
  });
  try {
    const product = detectProduct(fits);
    const header = fits.hdus[0].header;
    switch (product.kind) {
      case 'lamost-lrs':
        return await readLamostSpectrum(path, header, product);
      case 'lightcurve':
        return await readKeplerLightCurve(path, header, product.hdu, product.mission);
      case 'other':
        return { kind: 'other', product: product.product, reason: product.reason, sourcePath: path };
    }
  } finally {
    await fits.close();
  }
}
