/**
 * Seeded random numbers for the synthetic survey.
 *
 * Determinism is the whole point: the same (seed, star index) must give the same star on every
 * machine, whatever order stars are generated in. So every star gets its own stream, derived by
 * hashing (seed, star index, purpose) with SplitMix64, and the stream itself is xoshiro128**
 * (Blackman & Vigna 2018), which needs only 32-bit integer arithmetic and is fast in JS.
 */

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64 step (Steele, Lea & Flood 2014): a good 64-bit mixer for deriving seeds. */
function splitmix64(x: bigint): bigint {
  let z = (x + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** A deterministic random stream. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  /** Seeds the stream from any list of integers (e.g. [surveySeed, starIndex, PURPOSE]). */
  constructor(...keys: number[]) {
    let h = 0x5eed5eedn;
    for (const k of keys) {
      if (!Number.isSafeInteger(k)) throw new Error(`Rng key must be a safe integer, got ${k}`);
      h = splitmix64(h ^ (BigInt.asUintN(64, BigInt(k)) * 0x9e3779b97f4a7c15n & MASK64));
    }
    const a = splitmix64(h);
    const b = splitmix64(a);
    this.s0 = Number(a & 0xffffffffn) | 0;
    this.s1 = Number(a >> 32n) | 0;
    this.s2 = Number(b & 0xffffffffn) | 0;
    this.s3 = Number(b >> 32n) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero state is absorbing
  }

  /** xoshiro128**: next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [a, b). */
  between(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }

  /** Integer uniform in [a, b] inclusive. */
  int(a: number, b: number): number {
    return a + Math.floor(this.uniform() * (b - a + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.uniform() < p;
  }

  /** Standard normal (Box-Muller, caching the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Normal with mean and standard deviation. */
  gauss(mean: number, sd: number): number {
    return mean + sd * this.normal();
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /** Poisson-distributed count (Knuth for small means, normal approximation above 30). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(this.gauss(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.uniform() * items.length)];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Purposes of the per-star streams: separate streams keep e.g. the light-curve noise from
 *  shifting when the spectrum code draws one more number. */
export const Stream = {
  star: 1,
  binary: 2,
  spectrum: 3,
  lightcurve: 4,
  catalog: 5,
  observation: 6,
} as const;
