import { describe, it, expect, afterEach } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scanForFits } from '../../../src/main/ingest/scan';
import { sha256File } from '../../../src/main/ingest/hash';
import { realDataPath } from '../../helpers/paths';
import { runPython } from '../../helpers/python';

const temps: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'desa-scan-'));
  temps.push(d);
  return d;
}
afterEach(() => { for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

const FITS_HEADER = 'SIMPLE  =                    T'.padEnd(80, ' ') + 'END'.padEnd(80, ' ');

describe('scanForFits', () => {
  it('finds every FITS file of the real data set and nothing else', () => {
    const files = scanForFits([realDataPath()]);
    // SOURCES.md: kepler 54, lamost 119, other: 3 K2 + 3 SDSS + 3 APOGEE + 2 FITS catalogues
    // (Kirk 2016, Berger 2020); the 6 text catalogues and SOURCES.md are not FITS.
    expect(files).toHaveLength(54 + 119 + 3 + 3 + 3 + 2);
    expect(files.filter((f) => f.path.includes(`${path.sep}kepler${path.sep}`))).toHaveLength(54);
    expect(files.filter((f) => f.path.includes(`${path.sep}lamost${path.sep}`))).toHaveLength(119);
    const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(files.map((f) => f.path)).toEqual(sorted.map((f) => f.path));
    const one = files.find((f) => f.path.endsWith('kplr011442793-2009350155506_llc.fits'));
    expect(one?.size).toBe(466560); // SOURCES.md byte count
  });

  it('takes FITS names and FITS magic, skips hidden entries and excluded folders, lists each file once', () => {
    const d = tempDir();
    fs.mkdirSync(path.join(d, 'sub/.hidden'), { recursive: true });
    fs.mkdirSync(path.join(d, 'project'));
    fs.writeFileSync(path.join(d, 'b.fits'), 'this is text, not FITS');
    fs.writeFileSync(path.join(d, 'sub/a.FIT'), '');
    fs.writeFileSync(path.join(d, 'sub/renamed.dat'), FITS_HEADER);
    fs.writeFileSync(path.join(d, 'sub/notes.txt'), 'SIMPLE but not a header');
    fs.writeFileSync(path.join(d, 'sub/.hidden/c.fits'), FITS_HEADER);
    fs.writeFileSync(path.join(d, 'project/d.fits'), FITS_HEADER);
    const files = scanForFits([d, path.join(d, 'sub')], [path.join(d, 'project')]);
    expect(files.map((f) => path.relative(d, f.path))).toEqual(['b.fits', 'sub/a.FIT', 'sub/renamed.dat']);
    expect(() => scanForFits([path.join(d, 'missing')])).toThrow(`${path.join(d, 'missing')}: no such file or directory`);
  });
});

describe('sha256File', () => {
  it('equals Python hashlib on a real file', async () => {
    const file = realDataPath('lamost/spec-57287-KP193637N444141V03_sp10-161.fits.gz');
    const ref = (await runPython('import hashlib,sys\nprint(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())', [file])).trim();
    expect(await sha256File(file)).toBe(ref);
    // SOURCES.md lists its sha256 prefix.
    expect(ref.startsWith('09e552192dce2aee')).toBe(true);
  });
});
