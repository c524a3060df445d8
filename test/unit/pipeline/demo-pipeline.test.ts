/**
 * The whole DESA pipeline on a small demo survey, trained in the training worker as `desa demo`
 * runs it: every stage trains and lowers its loss, the fine-tunes report held-out metrics, and every
 * star of the project gets an embedding (written by this thread from what the worker sends back).
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDemo } from '../../../src/main/pipeline/demo';
import { ProjectStore } from '../../../src/main/store';
import { StageWorker } from '../../../src/main/pipeline/stage-worker';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

describe('demo pipeline (tiny)', () => {
  it('generates, ingests, trains every stage with falling losses, and embeds every star', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'desa-demo-'));
    const losses: Record<string, number[]> = {};
    const runner = new StageWorker({ backends: ['cpu-native', 'cpu'] });
    const summary = await runDemo({
      outDir: out, stars: 48, seed: 3, size: 'tiny', quarters: 4, batchSize: 8,
      steps: { spectra: 30, lightcurve: 30, dualformer: 30, finetune: 30 },
      onStep: (stage, r) => (losses[stage] ??= []).push(r.losses.total),
      runner,
    }).finally(() => runner.close());
    expect(Object.keys(summary.stages)).toEqual(['spectra', 'lightcurve', 'dualformer', 'finetune-binary', 'finetune-age']);
    for (const [stage, l] of Object.entries(losses)) {
      expect(l.length, stage).toBe(30);
      expect(l.every(Number.isFinite), stage).toBe(true);
      // Single steps are noisy at batch 8 (the DualFormer's quartic dual loss spikes on some batches),
      // so compare medians: the typical loss of the last ten steps must be below that of the first ten.
      expect(median(l.slice(-10)), `${stage} loss did not fall: ${l.map((x) => x.toFixed(3)).join(' ')}`).toBeLessThan(median(l.slice(0, 10)));
    }
    const bin = summary.stages['finetune-binary'].metrics!;
    expect(bin.n).toBeGreaterThan(0);
    expect(bin.accuracy).toBeGreaterThanOrEqual(0);
    expect(summary.stages['finetune-age'].metrics!.maeGyr).toBeGreaterThanOrEqual(0);

    const store = await ProjectStore.open(summary.projectDir);
    try {
      const stars = await store.listStars();
      const both = await store.listStars({ hasSpectrum: true, hasLightCurve: true });
      expect(both.length).toBeGreaterThan(10);
      expect(summary.embeddings.stars).toBe(stars.length);
      for (const s of both) {
        const f = await store.getEmbedding(s.starId, 'f');
        expect(f, s.starId).not.toBeNull();
        expect(f!.every(Number.isFinite)).toBe(true);
      }
      for (const s of stars) {
        const any = (await store.getEmbedding(s.starId, 'x1')) ?? (await store.getEmbedding(s.starId, 'x2'));
        expect(any, `star ${s.starId} has no embedding`).not.toBeNull();
      }
    } finally {
      await store.close();
    }
  }, 1_500_000);
});
