/**
 * `desa` as a child process on the real survey files in shared/data/real, checked against astropy
 * (via /usr/bin/python3) and against the facts of the file system and SOURCES.md.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FitsInfo, IngestSummary, ProjectStatus } from '../../src/shared/contract';
import { runPython } from '../helpers/python';
import { realDataPath, sharedDir } from '../helpers/paths';
import { runCli, startCli } from './run-cli';

const KEPLER_FILE = realDataPath('kepler', 'kplr011442793-2009350155506_llc.fits');
const DR10_FILE = realDataPath(
  'lamost',
  // DR10 files are the LMJD 59xxx .fits.gz ones (SOURCES.md); DR6 is also gzipped, so select by LMJD.
  readdirSync(realDataPath('lamost')).filter((f) => /^spec-59\d{3}-.*\.fits\.gz$/.test(f)).sort()[0],
);

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'desa-cli-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** No stack frames unless --debug. */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

describe('desa info', () => {
  it('lists the 3 HDUs of a Kepler file with LIGHTCURVE columns, formats and units as astropy reads them', async () => {
    const result = await runCli(['info', KEPLER_FILE, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const info = JSON.parse(result.stdout) as Omit<FitsInfo, 'text'>;

    const reference = JSON.parse(
      await runPython(
        `import sys, json
from astropy.io import fits
with fits.open(sys.argv[1]) as h:
    print(json.dumps({
        'hdus': [[hdu.name, len(hdu.header)] for hdu in h],
        'columns': [[c.name, c.format, c.unit] for c in h[1].columns],
        'nrows': h[1].header['NAXIS2'],
    }))`,
        [KEPLER_FILE],
      ),
    ) as { hdus: [string, number][]; columns: [string, string, string | null][]; nrows: number };

    expect(info.hdus.map((h) => h.name)).toEqual(reference.hdus.map(([name]) => name));
    expect(info.hdus.map((h) => h.name)).toEqual(['PRIMARY', 'LIGHTCURVE', 'APERTURE']);
    // astropy's len(header) counts the cards without END, as we list them.
    expect(info.hdus.map((h) => h.cards.length)).toEqual(reference.hdus.map(([, n]) => n));
    expect(info.hdus[1].columns.map((c) => [c.name, c.format, c.unit])).toEqual(reference.columns);
    expect(info.hdus[1].nrows).toBe(reference.nrows);
  });

  it('prints a human table naming every HDU without --json', async () => {
    const result = await runCli(['info', KEPLER_FILE]);
    expect(result.code).toBe(0);
    for (const name of ['PRIMARY', 'LIGHTCURVE', 'APERTURE', 'PDCSAP_FLUX']) expect(result.stdout).toContain(name);
  });

  it('fails with a message naming the file and no stack trace for a missing file and a non-FITS file', async () => {
    const missing = join(work, 'missing.fits');
    const r1 = await runCli(['info', missing]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain(missing);
    expect(r1.stderr).not.toMatch(STACK_FRAME);

    const text = join(work, 'notes.fits');
    writeFileSync(text, 'these are observing notes, not FITS\n'.repeat(100));
    const r2 = await runCli(['info', text]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(text);
    expect(r2.stderr.trim().split('\n')).toHaveLength(1);
    expect(r2.stderr).not.toMatch(STACK_FRAME);

    const debug = await runCli(['info', text, '--debug']);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(STACK_FRAME);
  });

  it('exits 2 with usage for an unknown command or a missing argument', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const missingArg = await runCli(['info']);
    expect(missingArg.code).toBe(2);
    expect(missingArg.stderr).toContain('usage: desa info FILE');
  });
});

describe('desa read --json', () => {
  it('gives the 3909 DR10 wavelengths exactly as astropy reads the COADD table', async () => {
    const result = await runCli(['read', DR10_FILE, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout) as { kind: string; wavelength: number[]; flux: (number | null)[]; ivar: number[] };
    expect(record.kind).toBe('spectrum');

    const reference = JSON.parse(
      await runPython(
        `import sys, json
from astropy.io import fits
with fits.open(sys.argv[1]) as h:
    row = h['COADD'].data[0]
    print(json.dumps({'wavelength': [float(x) for x in row['WAVELENGTH']], 'flux': [float(x) for x in row['FLUX']]}))`,
        [DR10_FILE],
      ),
    ) as { wavelength: number[]; flux: number[] };

    expect(record.wavelength).toHaveLength(3909);
    expect(record.wavelength).toEqual(reference.wavelength);
    expect(record.flux).toEqual(reference.flux);
  });

  it('writes NaN as null in a Kepler light curve, at the positions astropy has NaN', async () => {
    const result = await runCli(['read', KEPLER_FILE, '--json']);
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout) as { kind: string; time: (number | null)[]; pdcsapFlux: (number | null)[] };
    expect(record.kind).toBe('lightcurve');
    const reference = JSON.parse(
      await runPython(
        `import sys, json, numpy as np
from astropy.io import fits
with fits.open(sys.argv[1]) as h:
    d = h[1].data
    print(json.dumps({'n': len(d), 'nanTime': np.flatnonzero(np.isnan(d['TIME'])).tolist(), 'nanFlux': np.flatnonzero(np.isnan(d['PDCSAP_FLUX'])).tolist()}))`,
        [KEPLER_FILE],
      ),
    ) as { n: number; nanTime: number[]; nanFlux: number[] };
    expect(record.time).toHaveLength(reference.n);
    expect(record.time.flatMap((t, i) => (t === null ? [i] : []))).toEqual(reference.nanTime);
    expect(record.pdcsapFlux.flatMap((f, i) => (f === null ? [i] : []))).toEqual(reference.nanFlux);
  });
});

describe('desa ingest and desa status', () => {
  it('ingests a folder with progress on stderr and reports the counts the files imply', async () => {
    const data = join(work, 'small');
    mkdirSync(data);
    const kepler = readdirSync(realDataPath('kepler')).filter((f) => f.startsWith('kplr005899262')); // Q0, Q1 of one star
    const lamost = readdirSync(realDataPath('lamost')).filter((f) => f.startsWith('spec-55862')).slice(0, 3);
    for (const f of kepler) copyFileSync(realDataPath('kepler', f), join(data, f));
    for (const f of lamost) copyFileSync(realDataPath('lamost', f), join(data, f));
    const project = join(work, 'small-project');

    const ingest = await runCli(['ingest', data, '--project', project, '--json']);
    expect(ingest.code).toBe(0);
    const total = kepler.length + lamost.length;
    expect(ingest.stderr).toMatch(new RegExp(`^ingest .*\\b${total}/${total} files\\b`, 'm'));
    const summary = JSON.parse(ingest.stdout) as IngestSummary;
    expect(summary).toMatchObject({ filesSeen: total, spectraRead: lamost.length, lightCurvesRead: kepler.length, cancelled: false });

    const status = await runCli(['status', '--project', project, '--json']);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as ProjectStatus;
    expect(parsed.counts).toMatchObject({ spectra: lamost.length, lightCurves: kepler.length, lightCurveStars: 1 });

    const human = await runCli(['status', '--project', project]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/spectra\s+3/);
  });

  it('status names the folder when it holds no project', async () => {
    const empty = join(work, 'not-a-project');
    mkdirSync(empty);
    const result = await runCli(['status', '--project', empty]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(empty);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('Ctrl-C cancels cleanly (exit 130), keeps what was committed, and a second run completes the real data set', async () => {
    const project = join(work, 'real-project');
    const { child, done } = startCli(['ingest', realDataPath(), '--project', project]);
    let interrupted = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      const m = /(\d+)\/(\d+) files/.exec(chunk.toString('utf8'));
      if (!interrupted && m && Number(m[1]) >= 1 && Number(m[1]) < Number(m[2])) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const cancelled = await done;
    expect(interrupted).toBe(true);
    expect(cancelled.code).toBe(130);
    expect(cancelled.stderr).toMatch(/cancel/i);

    const resumed = await runCli(['ingest', realDataPath(), '--project', project, '--json']);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout) as IngestSummary;
    // A run of this length reports its rate and ETA once they are measurable.
    expect(resumed.stderr).toMatch(/^ingest .*\d+\/\d+ files {2}[\d.]+ files\/s {2}ETA \d+:\d\d/m);
    // Files the first run committed are not read again.
    expect(summary.filesUnchanged).toBeGreaterThan(0);

    // SOURCES.md + file system: LRS spectra are lamost/spec-*; light curves are kplr*/ktwo* _llc files.
    const lrs = readdirSync(realDataPath('lamost')).filter((f) => f.startsWith('spec-')).length;
    const keplerFiles = readdirSync(realDataPath('kepler')).filter((f) => /^kplr\d{9}-\d+_llc\.fits$/.test(f));
    const k2Files = readdirSync(realDataPath('other')).filter((f) => /^ktwo\d+-c\d+_llc\.fits$/.test(f));
    expect(lrs).toBe(116);
    const status = JSON.parse((await runCli(['status', '--project', project, '--json'])).stdout) as ProjectStatus;
    expect(status.counts.spectra).toBe(lrs);
    expect(status.counts.lightCurves).toBe(keplerFiles.length + k2Files.length);
    const keplerStars = new Set(keplerFiles.map((f) => f.slice(4, 13))).size;
    expect(status.counts.lightCurveStars).toBe(keplerStars + k2Files.length);
  });
});

describe('desa synth', () => {
  it('writes the demo survey it reports, and ingest reads back every spectrum and light curve', async () => {
    const out = join(work, 'synth');
    const result = await runCli(['synth', '--out', out, '--stars', '4', '--seed', '7', '--quarters', '1', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/synth .*4\/4 stars/);
    const summary = JSON.parse(result.stdout) as { stars: number; spectra: number; lightCurveFiles: number };
    expect(summary.stars).toBe(4);
    const spectraOnDisk = readdirSync(join(out, 'LAMOST')).filter((f) => f.startsWith('spec-')).length;
    const curvesOnDisk = readdirSync(join(out, 'Kepler')).filter((f) => f.endsWith('_llc.fits')).length;
    expect([summary.spectra, summary.lightCurveFiles]).toEqual([spectraOnDisk, curvesOnDisk]);

    const project = join(work, 'synth-project');
    const ingest = await runCli(['ingest', join(out, 'LAMOST'), join(out, 'Kepler'), '--project', project, '--json']);
    expect(ingest.code).toBe(0);
    const totals = (JSON.parse(ingest.stdout) as IngestSummary).totals;
    expect([totals.spectra, totals.lightCurves]).toEqual([spectraOnDisk, curvesOnDisk]);
  });

  it('rejects a bad --stars value with usage and exit 2', async () => {
    const result = await runCli(['synth', '--out', join(work, 'x'), '--stars', 'many']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--stars must be a non-negative integer, got 'many'");
  });
});

describe('desa import-checkpoint and desa preprocess', () => {
  it("imports the authors' .pth checkpoint with the tensor and value counts torch reports", async () => {
    const pth = join(sharedDir(), 'fixtures', 'reference', 'models', 'dualnet_checkpoint', 'dualnet_small.pth');
    const out = join(work, 'weights');
    const result = await runCli(['import-checkpoint', pth, '--out', out, '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { tensorCount: number; valueCount: number };
    const reference = JSON.parse(
      await runPython(
        `import sys, json, torch
sd = torch.load(sys.argv[1], map_location='cpu')
print(json.dumps({'tensors': len(sd), 'values': sum(t.numel() for t in sd.values())}))`,
        [pth],
      ),
    ) as { tensors: number; values: number };
    expect([summary.tensorCount, summary.valueCount]).toEqual([reference.tensors, reference.values]);
  });

  it('preprocesses a LAMOST spectrum into one 4096-pixel model input and refuses an MRS file naming it', async () => {
    const spectrum = realDataPath('lamost', readdirSync(realDataPath('lamost')).find((f) => f.startsWith('spec-55862'))!);
    const result = await runCli(['preprocess', spectrum, '--model-input-only', '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { kind: string; inputShape: number[]; modelInputs: number[][] };
    // desa-reference.md: the spectrum encoder takes 4096 resampled pixels.
    expect(parsed.kind).toBe('spectrum');
    expect(parsed.inputShape).toEqual([4096]);
    expect(parsed.modelInputs.map((v) => v.length)).toEqual([4096]);

    const mrs = realDataPath('lamost', readdirSync(realDataPath('lamost')).find((f) => f.startsWith('med-'))!);
    const refused = await runCli(['preprocess', mrs]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(mrs);
    expect(refused.stderr).not.toMatch(STACK_FRAME);
  });
});
