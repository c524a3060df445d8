/**
 * The CLI's progress line for the events jobs really emit: a ProgressTracker's (ingest, synth), a
 * training step's (stepProgress), and the label-only phases of `desa demo` and `desa embed`,
 * which must not print a meaningless "0 -- /s ETA --".
 */
import { describe, it, expect } from 'vitest';
import { formatProgress } from '../../src/main/cli/progress-line';
import { ProgressTracker } from '../../src/main/jobs/progress';
import type { JobContext } from '../../src/main/jobs/registry';
import { stepProgress } from '../../src/main/services/training-service';
import type { JobProgress } from '../../src/shared/jobs';

/** Every event a tracker emits, with a clock the test moves (ms). */
function tracked(opts: { kind: string; unit: string; phase: string; total?: number }) {
  const events: JobProgress[] = [];
  let t = 0;
  const tracker = new ProgressTracker({ ...opts, jobId: 'j', onProgress: (p) => events.push(p), now: () => t, minIntervalMs: 0 });
  return { tracker, events, advance: (ms: number) => (t += ms) };
}

describe('formatProgress', () => {
  it('prints only the label (and message) of a phase with nothing counted, whatever its unit', () => {
    const scan = tracked({ kind: 'ingest', unit: 'files', phase: 'scanning' });
    scan.tracker.flush();
    expect(formatProgress(scan.events[0])).toBe('ingest · scanning');

    const demoLog: JobProgress = { jobId: 'j', kind: 'demo', phase: '3/5 importing label catalogues', done: 0, total: null, unit: '', rate: null, etaSeconds: null };
    expect(formatProgress(demoLog)).toBe('demo · 3/5 importing label catalogues');
    expect(formatProgress({ ...demoLog, kind: 'embed', phase: 'embedding stars', message: 'backend: cpu-native' })).toBe('embed · embedding stars  backend: cpu-native');
  });

  it('prints count, rate and ETA of a counted phase, with "--" until the rate is measurable', () => {
    const ingest = tracked({ kind: 'ingest', unit: 'files', phase: 'reading files', total: 192 });
    ingest.tracker.setPhase('reading files', { total: 192 });
    // 0 of 192 with a total: there is something to count towards, so the count shows.
    expect(formatProgress(ingest.events.at(-1)!)).toBe('ingest · reading files  0/192 files  -- /s  ETA --');
    ingest.advance(10_000);
    ingest.tracker.update(57);
    // 57 files in 10 s: 5.7 files/s, and (192 - 57) / 5.7 = 23.7 s left.
    expect(formatProgress(ingest.events.at(-1)!)).toBe('ingest · reading files  57/192 files  5.7 files/s  ETA 0:24');

    const synth = tracked({ kind: 'synth', unit: 'stars', phase: 'generating stars' });
    synth.advance(2_000);
    synth.tracker.update(30);
    expect(formatProgress(synth.events.at(-1)!)).toBe('synth · generating stars  30 stars  15 stars/s  ETA --');
  });

  it('prints a training step as steps, steps/s and ETA, with every loss term and samples/s', () => {
    const job = { jobId: 'j', kind: 'train' } as JobContext;
    const p = stepProgress(job, 'spectra', {
      step: 3, totalSteps: 6, losses: { total: 1.5, recon: 1.25, teff: 0.25 }, lr: 1e-3, batchSize: 8, samplesPerSec: 20, etaSeconds: 1.2,
    }, 'cpu-native');
    expect(formatProgress(p)).toBe('train · training spectra  3/6 steps  2.5 steps/s  ETA 0:01  loss 1.500 (recon 1.250, teff 0.2500); lr 1.00e-3; 20.0 samples/s on cpu-native');
  });
});
