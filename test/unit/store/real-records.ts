/**
 * Real survey records for store tests, read by astropy (the reference reader), so the store is
 * tested on real arrays without depending on our own FITS/survey readers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightCurve, Spectrum } from '../../../src/shared/survey';
import { runPython } from '../../helpers/python';

const DUMP = String.raw`
import sys, json, os
import numpy as np
from astropy.io import fits
out = sys.argv[1]
meta = []
for k, f in enumerate(sys.argv[2:]):
    with fits.open(f) as h:
        h0 = h[0].header
        def g(key):
            v = h0.get(key)
            return None if v is None or isinstance(v, fits.card.Undefined) else v
        if os.path.basename(f).startswith('kplr') or os.path.basename(f).startswith('ktwo'):
            d = h[1].data
            arrays = {'time': d['TIME'].astype('<f8'), 'pdcsapFlux': d['PDCSAP_FLUX'].astype('<f4'),
                      'pdcsapFluxErr': d['PDCSAP_FLUX_ERR'].astype('<f4'), 'sapFlux': d['SAP_FLUX'].astype('<f4'),
                      'sapFluxErr': d['SAP_FLUX_ERR'].astype('<f4'), 'quality': d['SAP_QUALITY'].astype('<i4'),
                      'cadenceNo': d['CADENCENO'].astype('<i4')}
            m = {'kind': 'lightcurve', 'survey': 'K2' if g('MISSION') == 'K2' else 'Kepler', 'targetId': int(g('KEPLERID')),
                 'quarter': g('QUARTER'), 'campaign': g('CAMPAIGN'), 'dataRelease': g('DATA_REL'), 'ra': g('RA_OBJ'), 'dec': g('DEC_OBJ'),
                 'kepmag': g('KEPMAG'), 'teff': g('TEFF'), 'logg': g('LOGG'), 'feh': g('FEH'), 'radius': g('RADIUS')}
        else:
            if h0.get('NAXIS', 0) == 0:
                row = h[1].data[0]
                flux, ivar, wl, am, om = row['FLUX'], row['IVAR'], row['WAVELENGTH'], row['ANDMASK'], row['ORMASK']
                layout = 'coadd-table'
            else:
                img = h[0].data
                flux, ivar, wl, am, om = img[0], img[1], img[2], img[3], img[4]
                layout = 'image'
            arrays = {'wavelength': np.asarray(wl, '<f8'), 'flux': np.asarray(flux, '<f4'), 'ivar': np.asarray(ivar, '<f4'),
                      'andMask': np.asarray(am).astype('<i4'), 'orMask': np.asarray(om).astype('<i4')}
            obsid = g('OBSID')
            tc = g('TCOMMENT')
            m = {'kind': 'spectrum', 'survey': 'LAMOST', 'dataRelease': (g('DATA_V') or '').replace('LAMOST ', ''), 'layout': layout,
                 'obsid': str(obsid) if obsid is not None and int(obsid) > 0 else None, 'designation': g('DESIG'),
                 'ra': g('RA'), 'dec': g('DEC'), 'lmjd': g('LMJD'), 'planId': g('PLANID'), 'spId': g('SPID'), 'fiberId': g('FIBERID'),
                 'heliocentricCorrection': g('HELIO_RV'), 'z': g('Z'), 'zErr': g('Z_ERR'),
                 'snr': {b: g('SNR' + b.upper()) for b in 'ugriz'}, 'objectClass': g('CLASS'), 'subclass': g('SUBCLASS'),
                 'targetSource': g('TSOURCE'), 'targetComment': tc, 'targetFrom': g('TFROM'),
                 'kic': int(tc[4:]) if isinstance(tc, str) and tc.startswith('kplr') else None}
        m['sourcePath'] = f
        m['arrays'] = {}
        for name, a in arrays.items():
            fn = '%d-%s.bin' % (k, name)
            np.ascontiguousarray(a).tofile(os.path.join(out, fn))
            m['arrays'][name] = [fn, str(a.dtype)]
        meta.append(m)
json.dump(meta, open(os.path.join(out, 'meta.json'), 'w'))
`;

const CTORS = { '<f8': Float64Array, float64: Float64Array, '<f4': Float32Array, float32: Float32Array, '<i4': Int32Array, int32: Int32Array } as const;

/** Reads real LAMOST spectra and Kepler/K2 light curves with astropy, as our shared record types. */
export async function readWithAstropy(files: string[]): Promise<(Spectrum | LightCurve)[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-astropy-'));
  try {
    await runPython(DUMP, [dir, ...files]);
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as (Record<string, unknown> & { arrays: Record<string, [string, string]> })[];
    return meta.map(({ arrays, ...m }) => {
      const rec: Record<string, unknown> = { ...m };
      for (const [name, [file, dtype]] of Object.entries(arrays)) {
        const bytes = fs.readFileSync(path.join(dir, file));
        const Ctor = CTORS[dtype as keyof typeof CTORS];
        const copy = new Uint8Array(bytes.byteLength);
        copy.set(bytes);
        rec[name] = new Ctor(copy.buffer);
      }
      return rec as unknown as Spectrum | LightCurve;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
