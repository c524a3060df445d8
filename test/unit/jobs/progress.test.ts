import { describe, it, expect } from 'vitest';
import type { JobProgress } from '../../../src/shared/jobs';
import { ProgressTracker } from '../../../src/main/jobs/progress';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('ProgressTracker', () => {
  it('measures the rate over a sliding window and derives the ETA from it', () => {
    const c = clock();
    const events: JobProgress[] = [];
    const p = new ProgressTracker({ jobId: 'j', kind: 'ingest', unit: 'files', total: 100, now: c.now, windowMs: 2000, minIntervalMs: 0, onProgress: (e) => events.push(e) });
    // 1 file/s for 10 s, then 10 files/s: the window forgets the slow start.
    for (let i = 0; i < 10; i++) { c.advance(1000); p.tick(); }
    expect(p.snapshot().rate).toBeCloseTo(1, 6);
    for (let i = 0; i < 30; i++) { c.advance(100); p.tick(); }
    const s = p.snapshot();
    expect(s.done).toBe(40);
    expect(s.rate).toBeCloseTo(10, 6);
    expect(s.etaSeconds).toBeCloseTo(60 / 10, 6);
    expect(events.at(-1)).toEqual(s);
  });

  it('throttles emission but always emits on flush and phase change', () => {
    const c = clock();
    const events: JobProgress[] = [];
    const p = new ProgressTracker({ jobId: 'j', kind: 'k', unit: 'u', now: c.now, minIntervalMs: 250, onProgress: (e) => events.push(e) });
    for (let i = 0; i < 1000; i++) { c.advance(1); p.tick(); }
    // 1000 ticks over 1 s at most one event per 250 ms: 4 or 5 events (the first tick emits at once).
    expect(events.length).toBeGreaterThanOrEqual(4);
    expect(events.length).toBeLessThanOrEqual(5);
    p.flush();
    expect(events.at(-1)?.done).toBe(1000);
    p.setPhase('writing', { total: 7, unit: 'batches' });
    expect(events.at(-1)).toMatchObject({ phase: 'writing', done: 0, total: 7, unit: 'batches', rate: null, etaSeconds: null });
  });

  it('reports no rate or ETA before time has passed, and no ETA without a total', () => {
    const c = clock();
    const p = new ProgressTracker({ jobId: 'j', kind: 'k', unit: 'u', now: c.now });
    expect(p.snapshot().rate).toBeNull();
    c.advance(500);
    p.tick(5);
    expect(p.snapshot().rate).toBeCloseTo(10, 6);
    expect(p.snapshot().etaSeconds).toBeNull();
  });
});
