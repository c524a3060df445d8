/** Seeded draws (the shared mulberry32) so layouts and subsamples are reproducible from a seed. */
import { mulberry32 } from '../../shared/random';

export { mulberry32 };

/** Standard normal generator (Box–Muller) over a uniform generator. */
export function gaussian(uniform: () => number): () => number {
  return () => {
    const u = 1 - uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

/** k distinct indices out of [0, n), sorted ascending (Floyd's algorithm: O(k) draws). */
export function sampleIndices(n: number, k: number, uniform: () => number): Uint32Array {
  if (k >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = Math.floor(uniform() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return Uint32Array.from(chosen).sort();
}
