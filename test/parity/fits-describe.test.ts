/**
 * describeFits gives what astropy's HDUList.info() gives (number, name, version, type, card
 * count, dimensions, format) for real and astropy-written files, and is plain JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFits, formatFitsInfo, openFits, writeFitsFile } from '../../src/main/fits/index.js';
import { realDataPath } from '../helpers/paths.js';
import { requireAstropy, runPython } from '../helpers/python.js';

const INFO_SCRIPT = `
import json, sys, warnings
from astropy.io import fits
warnings.simplefilter("ignore")
out = {}
for path in sys.argv[1:]:
    with fits.open(path) as hdul:
        out[path] = [[no, name, ver, kind, cards, list(dims) if isinstance(dims, tuple) else dims, fmt] for no, name, ver, kind, cards, dims, fmt, _ in hdul.info(output=False)]
print(json.dumps(out))
`;

const dir = mkdtempSync(path.join(tmpdir(), 'fits-describe-'));
const scaled = path.join(dir, 'scaled.fits');
const files = [
  realDataPath('kepler', 'kplr010874614-2009131105131_llc.fits'),
  realDataPath('lamost', 'spec-55862-B6212_sp06-003.fits'),
  realDataPath('lamost', 'spec-56309-GAC088N20V1_sp08-126.fits'),
  realDataPath('lamost', 'med-58625-TD192102N424113K01_sp12-076.fits.gz'),
  realDataPath('other', 'Kirk_2016_KEBC_2876_rows.fits'),
  realDataPath('other', 'aspcapStar-r6-l30e.2-2M15141711+0044474.fits'),
  scaled,
];

describe('describeFits vs astropy HDUList.info()', () => {
  let astropy: Record<string, unknown[][]>;

  beforeAll(async () => {
    requireAstropy();
    await writeFitsFile(scaled, [
      { kind: 'image', shape: [2, 2], data: Uint16Array.from([1, 2, 3, 65535]) },
      { kind: 'image', name: 'SIGNED', shape: [3], data: Int8Array.from([-1, 0, 1]) },
      { kind: 'bintable', name: 'T', nrows: 2, columns: [{ name: 'A', format: '3J', values: new Int32Array(6) }] },
    ]);
    astropy = JSON.parse(await runPython(INFO_SCRIPT, files));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(files.map((f) => [path.basename(f), f]))('%s', async (_name, file) => {
    const fits = await openFits(file);
    try {
      const description = describeFits(fits);
      const ours = description.hdus.map((h) => [
        h.index,
        h.name,
        h.version,
        h.type,
        h.cards,
        h.type.includes('Table') ? `${h.dimensions[0]}R x ${h.dimensions[1]}C` : h.dimensions,
        h.format,
      ]);
      expect(ours).toEqual(astropy[file]);
      expect(JSON.parse(JSON.stringify(description))).toEqual(description);
      const text = formatFitsInfo(description);
      for (const hdu of description.hdus) expect(text).toContain(hdu.type);
    } finally {
      await fits.close();
    }
  });
});
