/**
 * `fits.info`: the structure of any FITS file (HDUs, header cards, table columns with formats and
 * units), for `desa info` and the GUI's file inspector.
 */
import type { FitsCardInfo, FitsHduInfo, FitsInfo } from '../../shared/contract';
import { describeFits, formatFitsInfo, openFits } from '../fits/index';
import type { HeaderValue, ImageHdu, TableHdu } from '../fits/types';

/** Reads the headers of `path` and describes every HDU. */
export async function fitsInfo(path: string): Promise<FitsInfo> {
  const file = await openFits(path);
  try {
    const hdus: FitsHduInfo[] = file.hdus.map((hdu) => {
      const isTable = hdu.kind === 'BINTABLE' || hdu.kind === 'TABLE';
      const table = hdu as TableHdu;
      return {
        index: hdu.index,
        name: hdu.name,
        kind: hdu.kind,
        shape: isTable ? null : (hdu as ImageHdu).shape,
        nrows: isTable ? table.nrows : null,
        columns: isTable
          ? table.columns.map((c) => ({ name: c.name, format: c.tform, unit: c.unit, dim: c.dim }))
          : [],
        cards: hdu.header.cards.map(
          (card): FitsCardInfo => ({ keyword: card.keyword, value: cardValue(card.value), comment: card.comment }),
        ),
      };
    });
    return { path: file.path, gzipped: file.gzipped, hdus, text: formatFitsInfo(describeFits(file)) };
  } finally {
    await file.close();
  }
}

function cardValue(value: HeaderValue): FitsCardInfo['value'] {
  return typeof value === 'bigint' ? value.toString() : value;
}
