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

/** Mulberry32: small, fast, good enough for sampling; returns floats in [0, 1). */
export function rngFrom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
