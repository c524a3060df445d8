import { describe, it, expect } from 'vitest';
import { CancelledError } from '../../../src/shared/jobs';
import { JobRegistry, type JobEvent } from '../../../src/main/jobs/registry';
import { sleep, throwIfCancelled } from '../../../src/main/jobs/cancel';

describe('JobRegistry', () => {
  it('runs a job, records its progress and ends it as done', async () => {
    const reg = new JobRegistry();
    const events: JobEvent[] = [];
    reg.subscribe((e) => events.push(e));
    const { jobId, result } = reg.start('count', async (ctx) => {
      const t = ctx.tracker({ unit: 'items', total: 3, minIntervalMs: 0 });
      for (let i = 0; i < 3; i++) t.tick();
      return 'ok';
    });
    expect(await result).toBe('ok');
    const job = reg.get(jobId);
    expect(job).toMatchObject({ state: 'done', kind: 'count', error: null });
    expect(job?.last).toMatchObject({ jobId, done: 3, total: 3 });
    expect(events.filter((e) => e.type === 'progress')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'state').map((e) => (e.type === 'state' ? e.job.state : ''))).toEqual(['running', 'done']);
  });

  it('cancels through the AbortSignal and marks the job cancelled', async () => {
    const reg = new JobRegistry();
    let steps = 0;
    const { jobId, result } = reg.start('loop', async ({ signal }) => {
      for (;;) {
        throwIfCancelled(signal);
        steps++;
        await sleep(5, signal);
      }
    });
    await sleep(30);
    expect(reg.cancel(jobId)).toBe(true);
    await expect(result).rejects.toBeInstanceOf(CancelledError);
    expect(reg.get(jobId)?.state).toBe('cancelled');
    expect(steps).toBeGreaterThan(0);
    expect(reg.cancel(jobId)).toBe(false);
  });

  it('records a failure with its message and lists jobs', async () => {
    const reg = new JobRegistry();
    const a = reg.start('bad', async () => { throw new Error('disk full'); }, { jobId: 'a' });
    await expect(a.result).rejects.toThrow('disk full');
    expect(reg.list().map((j) => [j.jobId, j.state, j.error])).toEqual([['a', 'failed', 'disk full']]);
  });

  it('keeps running when a subscriber throws', async () => {
    const reg = new JobRegistry();
    reg.subscribe(() => { throw new Error('socket closed'); });
    const { result } = reg.start('x', async (ctx) => { ctx.tracker({ unit: 'u' }).flush(); return 1; });
    expect(await result).toBe(1);
  });
});
