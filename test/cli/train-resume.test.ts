/**
 * `desa train` as a user runs it, with the stage training in the training worker: a progress line for
 * every step names the backend, Ctrl-C stops at a checkpoint (exit 130), kill -9 of the whole process
 * (worker included) loses only the steps after the last checkpoint, and resuming twice ends with the
 * same weights and losses as one uninterrupted run of the same seed.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareDemoProject } from '../../src/main/pipeline/demo';
import { runCli, startCli } from './run-cli';
import { expectSameRun, latestRunStep } from '../helpers/run-state';

const STEPS = 10;
let out: string;
let projectDir: string;
let configFile: string;

beforeAll(async () => {
  out = mkdtempSync(path.join(os.tmpdir(), 'desa-cli-train-'));
  const prepared = await prepareDemoProject({ outDir: out, stars: 24, seed: 4, quarters: 2 });
  projectDir = prepared.projectDir;
  await prepared.store.close();
  configFile = path.join(out, 'train.json');
  writeFileSync(configFile, JSON.stringify({ size: 'tiny', steps: STEPS, batchSize: 8, checkpointEvery: 2, evalEvery: 5, warmupSteps: 2, seed: 21 }));
}, 600_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const runDir = () => path.join(projectDir, 'runs', 'spectra-tiny');
const args = () => ['train', '--project', projectDir, '--stage', 'spectra', '--config', configFile];
const latestStep = () => latestRunStep(runDir());

/** Starts `desa train` and sends `signal` once a progress line reports step `atStep` (or later). */
function interruptAt(atStep: number, signal: NodeJS.Signals) {
  const { child, done } = startCli(args());
  let sent = false;
  child.stderr!.on('data', (chunk: Buffer) => {
    const steps = [...chunk.toString('utf8').matchAll(/training spectra {2}(\d+)\/\d+ steps/g)].map((m) => Number(m[1]));
    if (!sent && steps.some((s) => s >= atStep)) {
      sent = true;
      child.kill(signal);
    }
  });
  return done;
}

describe('desa train through the training worker', () => {
  it('prints every step with its backend, survives Ctrl-C and kill -9, and resumes to the uninterrupted result', async () => {
    const straight = await runCli([...args(), '--json']);
    expect(straight.code, straight.stderr).toBe(0);
    for (let s = 1; s <= STEPS; s++) {
      expect(straight.stderr).toMatch(new RegExp(`^train · training spectra {2}${s}/${STEPS} steps {2}[\\d.]+ steps/s {2}ETA \\d+:\\d\\d {2}loss .* samples/s on (cpu-native|wasm|cpu|webgpu|tensorflow|tensorflow-gpu)$`, 'm'));
    }
    expect(JSON.parse(straight.stdout)).toMatchObject({ stepsDone: STEPS, stoppedBy: 'completed', resumedFrom: null });
    const reference = path.join(out, 'straight');
    renameSync(runDir(), reference);

    // Ctrl-C: the worker stops at its next step boundary and checkpoints there.
    const interrupted = await interruptAt(3, 'SIGINT');
    expect(interrupted.code, interrupted.stderr).toBe(130);
    const cancelledAt = Number(/cancelled at step (\d+)/.exec(interrupted.stderr)?.[1]);
    expect(cancelledAt).toBeGreaterThanOrEqual(3);
    expect(cancelledAt).toBeLessThan(STEPS);
    expect(latestStep()).toBe(cancelledAt);

    // kill -9 of the whole process while the worker trains on from there.
    const killed = await interruptAt(cancelledAt + 3, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const checkpointAtKill = latestStep();
    expect(checkpointAtKill).toBeGreaterThanOrEqual(cancelledAt);

    const resumed = await runCli([...args(), '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ stepsDone: STEPS, stoppedBy: 'completed', resumedFrom: checkpointAtKill });

    expectSameRun(runDir(), reference, STEPS);
  }, 900_000);
});
