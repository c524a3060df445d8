/**
 * FITS reading speed: every real FITS file in shared/data/real (headers, every image and
 * every table column) read by our reader and by astropy, timed in the same run on the same
 * files (warm page cache; best of a few passes each). Writes bench/results/fits-read.json.
 * Run alone: `npm run bench fits-read` or `node --import tsx bench/fits-read.bench.ts`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openFits } from '../src/main/fits/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const realDir = path.resolve(here, '..', '..', 'shared', 'data', 'real');
const PASSES = Number(process.env.BENCH_PASSES ?? 3);

const ASTROPY_PASS = `
import json, sys, time, warnings
from astropy.io import fits
warnings.simplefilter("ignore")
files, passes = json.loads(sys.stdin.read()), int(sys.argv[1])
def read_all(path):
    with fits.open(path, memmap=False) as hdul:
        for hdu in hdul:
            for card in hdu.header.cards:
                try: card.value
                except fits.VerifyError: card.verify("silentfix")
            if isinstance(hdu, (fits.BinTableHDU, fits.TableHDU)):
                if hdu.data is not None:
                    for name in hdu.columns.names: hdu.data[name]
            else:
                hdu.data
times = []
for _ in range(passes + 1):  # the first pass warms the page cache and imports
    t0 = time.perf_counter()
    for path in files: read_all(path)
    times.append(time.perf_counter() - t0)
print(json.dumps(times[1:]))
`;

/** Reads every header, image and column of one file with our reader; returns decompressed bytes. */
async function readAll(file: string): Promise<number> {
  const fits = await openFits(file);
  try {
    for (const hdu of fits.hdus) {
      if ('readImage' in hdu) await hdu.readImage();
      else await hdu.readColumns();
    }
    const last = fits.hdus[fits.hdus.length - 1];
    return last.dataOffset + last.dataSize;
  } finally {
    await fits.close();
  }
}

function rates(seconds: number[], files: number, megabytes: number) {
  const best = Math.min(...seconds);
  return { passSeconds: seconds, bestSeconds: best, filesPerSec: files / best, mbPerSec: megabytes / best };
}

export async function run(): Promise<object> {
  const files = readdirSync(realDir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.fits(\.gz)?$/i.test(name))
    .sort()
    .map((name) => path.join(realDir, name));
  if (files.length === 0) throw new Error(`no FITS files under ${realDir}`);
  const diskMB = files.reduce((sum, f) => sum + statSync(f).size, 0) / 1e6;

  let decompressedMB = 0;
  for (const f of files) decompressedMB += (await readAll(f)) / 1e6; // warm-up pass
  const ours: number[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    const t0 = performance.now();
    for (const f of files) await readAll(f);
    ours.push((performance.now() - t0) / 1000);
  }

  const astropyOut = execFileSync('/usr/bin/python3', ['-c', ASTROPY_PASS, String(PASSES)], { input: JSON.stringify(files), encoding: 'utf8', maxBuffer: 1 << 20 });
  const astropy = JSON.parse(astropyOut.trim().split('\n').pop()!) as number[];
  const astropyVersion = execFileSync('/usr/bin/python3', ['-c', 'import astropy; print(astropy.__version__)'], { encoding: 'utf8' }).trim();

  const result = {
    what: 'read every header, image and table column of every FITS file in shared/data/real (MB/s over on-disk bytes)',
    files: files.length,
    diskMB,
    decompressedMB,
    ours: rates(ours, files.length, diskMB),
    astropy: { version: astropyVersion, ...rates(astropy, files.length, diskMB) },
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
    date: new Date().toISOString(),
  };
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(path.join(here, 'results', 'fits-read.json'), JSON.stringify(result, null, 2));
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await run(), null, 2));
