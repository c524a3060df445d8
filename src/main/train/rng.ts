import { mulberry32 } from '../../shared/random';

/**
 * Deterministic randomness for training. Every random choice of step `s` (batch rows, masks,
 * crops, dropout) is drawn from a generator seeded by (run seed, s, purpose), never from state
 * carried across steps, so a run resumed from a checkpoint at step k draws exactly what an
 * uninterrupted run draws from step k + 1 on.
 */

/** SplitMix64-style 32-bit mixer: a well-distributed hash of integers. */
export function mix32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** The shared mulberry32 generator for a seed. */
export const rngFrom = mulberry32;

/** The generator for one purpose at one step of a run. */
export function stepRng(runSeed: number, step: number, purpose: string): () => number {
  let p = 0;
  for (let i = 0; i < purpose.length; i++) p = mix32(p, purpose.charCodeAt(i));
  return rngFrom(mix32(runSeed, step, p));
}

/** `count` distinct indices from [0, n) (or with replacement when n < count), in draw order. */
export function sampleIndices(rng: () => number, n: number, count: number): number[] {
  if (n <= 0) throw new Error('cannot sample from an empty dataset');
  if (n < count) return Array.from({ length: count }, () => Math.floor(rng() * n));
  const chosen = new Set<number>();
  const out: number[] = [];
  while (out.length < count) {
    const i = Math.floor(rng() * n);
    if (!chosen.has(i)) { chosen.add(i); out.push(i); }
  }
  return out;
}
