/**
 * kill -9 in the middle of training, then resume: the run continues from its last checkpoint and ends
 * with the same weights and losses as an uninterrupted run of the same seed.
 */
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectSameRun, finalRunState, latestRunStep } from '../../helpers/run-state';

const repo = path.resolve(import.meta.dirname, '../../..');
const STEPS = 8;

function startRun(runDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './scripts/node-hooks/register.mjs', 'test/unit/train/spectra-run.ts', runDir, String(STEPS)], { cwd: repo });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, out })));
  return { child, done };
}

describe('training checkpoints', () => {
  it('resumes after kill -9 to the same result as an uninterrupted run', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'desa-resume-'));
    const straight = path.join(base, 'straight'), killed = path.join(base, 'killed');

    const a = await startRun(straight).done;
    expect(a.code, a.out).toBe(0);
    expect(a.out).toContain('done completed resumedFrom=null steps=8');

    const b = startRun(killed);
    while (latestRunStep(killed) < 4) {
      if (b.child.exitCode !== null) throw new Error(`training ended before it could be killed:\n${(await b.done).out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    b.child.kill('SIGKILL');
    const killedRun = await b.done;
    expect(killedRun.signal).toBe('SIGKILL');
    const checkpointAtKill = latestRunStep(killed);
    expect(checkpointAtKill).toBeGreaterThanOrEqual(4);
    expect(checkpointAtKill).toBeLessThan(STEPS);

    const c = await startRun(killed).done;
    expect(c.code, c.out).toBe(0);
    expect(c.out).toContain(`resumedFrom=${checkpointAtKill}`);

    expectSameRun(killed, straight, STEPS);
    const { losses } = finalRunState(straight);
    expect(losses[STEPS - 1]).toBeLessThan(losses[0]);
  }, 900_000);
});
