/**
 * What a training run left on disk, for the resume tests (in-process, worker and CLI): the step of
 * its newest checkpoint, that checkpoint's arrays and the logged losses, and the comparison of two
 * runs that must have ended in the same state.
 */
import { expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Step of the run's newest checkpoint, 0 when it has none yet. */
export function latestRunStep(runDir: string): number {
  const file = path.join(runDir, 'latest.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')).step as number) : 0;
}

/** The newest checkpoint's step and arrays, and the total loss of every logged step. */
export function finalRunState(runDir: string) {
  const { checkpoint, step } = JSON.parse(readFileSync(path.join(runDir, 'latest.json'), 'utf8'));
  const buf = readFileSync(path.join(runDir, checkpoint, 'arrays.f32'));
  const losses = readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).losses.total as number);
  return { step: step as number, arrays: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4), losses };
}

/**
 * Asserts that `runDir` ended `steps` steps in with the weights (to 1e-6) and per-step losses of
 * `referenceDir`: a resumed log restarts at its checkpoint, so each step is listed once.
 */
export function expectSameRun(runDir: string, referenceDir: string, steps: number): void {
  const a = finalRunState(runDir), b = finalRunState(referenceDir);
  expect(a.step).toBe(steps);
  expect(a.arrays.length).toBe(b.arrays.length);
  let maxDiff = 0;
  for (let i = 0; i < a.arrays.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.arrays[i] - b.arrays[i]));
  expect(maxDiff).toBeLessThan(1e-6);
  expect(a.losses.length).toBe(steps);
  a.losses.forEach((l, i) => expect(l).toBeCloseTo(b.losses[i], 5));
}
