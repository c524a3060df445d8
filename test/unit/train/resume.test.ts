/**
 * kill -9 in the middle of training, then resume: the run continues from its last checkpoint and ends
 * with the same weights and losses as an uninterrupted run of the same seed.
 */
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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

const latestStep = (runDir: string) =>
  existsSync(path.join(runDir, 'latest.json')) ? (JSON.parse(readFileSync(path.join(runDir, 'latest.json'), 'utf8')).step as number) : 0;

function finalState(runDir: string) {
  const { checkpoint } = JSON.parse(readFileSync(path.join(runDir, 'latest.json'), 'utf8'));
  const buf = readFileSync(path.join(runDir, checkpoint, 'arrays.f32'));
  const losses = readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).losses.total as number);
  return { arrays: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4), losses };
}

describe('training checkpoints', () => {
  it('resumes after kill -9 to the same result as an uninterrupted run', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'desa-resume-'));
    const straight = path.join(base, 'straight'), killed = path.join(base, 'killed');

    const a = await startRun(straight).done;
    expect(a.code, a.out).toBe(0);
    expect(a.out).toContain('done completed resumedFrom=null steps=8');

    const b = startRun(killed);
    while (latestStep(killed) < 4) {
      if (b.child.exitCode !== null) throw new Error(`training ended before it could be killed:\n${(await b.done).out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    b.child.kill('SIGKILL');
    const killedRun = await b.done;
    expect(killedRun.signal).toBe('SIGKILL');
    const checkpointAtKill = latestStep(killed);
    expect(checkpointAtKill).toBeGreaterThanOrEqual(4);
    expect(checkpointAtKill).toBeLessThan(STEPS);

    const c = await startRun(killed).done;
    expect(c.code, c.out).toBe(0);
    expect(c.out).toContain(`resumedFrom=${checkpointAtKill}`);

    const s1 = finalState(straight), s2 = finalState(killed);
    expect(s2.arrays.length).toBe(s1.arrays.length);
    let maxDiff = 0;
    for (let i = 0; i < s1.arrays.length; i++) maxDiff = Math.max(maxDiff, Math.abs(s1.arrays[i] - s2.arrays[i]));
    expect(maxDiff).toBeLessThan(1e-6);
    // The log restarts from the checkpoint, so both runs list each step once with the same loss.
    expect(s2.losses.length).toBe(STEPS);
    s2.losses.forEach((l, i) => expect(l).toBeCloseTo(s1.losses[i], 5));
    expect(s1.losses[STEPS - 1]).toBeLessThan(s1.losses[0]);
  }, 900_000);
});
