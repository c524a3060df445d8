/**
 * The any-length FFT against the plain O(n²) DFT, for prime lengths (direct butterflies and
 * Bluestein), composite lengths (mixed radix) and powers of two, plus rfft and round trips.
 */
import { describe, it, expect } from 'vitest';
import { fft, ifft, naiveDft, rfft } from '../../../src/main/preprocess/index.js';

function signal(n: number, seed: number): Float64Array {
  let a = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296 - 0.5;
  });
}

/** Error of an FFT is bounded by a small multiple of eps·Σ|x|·log n; we allow 1e-13·Σ|x|. */
function tolerance(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i]) + Math.abs(y[i]);
  return 1e-13 * s + 1e-15;
}

function maxDiff(a: { re: Float64Array; im: Float64Array }, b: { re: Float64Array; im: Float64Array }, n = a.re.length): number {
  let m = 0;
  for (let k = 0; k < n; k++) m = Math.max(m, Math.abs(a.re[k] - b.re[k]), Math.abs(a.im[k] - b.im[k]));
  return m;
}

describe('complex FFT matches the naive DFT', () => {
  // 401 and 1021 are primes handled by direct butterflies; 4099 is a prime that goes to Bluestein;
  // 2310 = 2·3·5·7·11; 4096 = 2¹².
  it.each([1, 2, 3, 5, 7, 13, 97, 401, 1021, 4099, 12, 60, 1000, 2310, 64, 4096])('n = %i', (n) => {
    const x = { re: signal(n, n), im: signal(n, n + 1) };
    const got = fft(x);
    const want = naiveDft(x);
    expect(maxDiff(got, want)).toBeLessThanOrEqual(tolerance(x.re, x.im) * Math.log2(n + 1));
    const back = ifft(got);
    expect(maxDiff(back, x)).toBeLessThanOrEqual(1e-13);
  });
});

describe('real FFT', () => {
  // 10025 = 5²·401 is the short Kepler star's length.
  it.each([2, 3, 8, 9, 30, 401, 4096, 4099, 10025])('rfft(n = %i) equals the first n//2+1 DFT bins', (n) => {
    const x = signal(n, 7 * n);
    const got = rfft(x);
    expect(got.re.length).toBe(Math.floor(n / 2) + 1);
    const want = naiveDft({ re: x, im: new Float64Array(n) });
    expect(maxDiff(got, want, got.re.length)).toBeLessThanOrEqual(tolerance(x, x) * Math.log2(n + 1));
  });

  it('a pure cosine has its energy in one bin', () => {
    const n = 34560, k0 = 123;
    const x = Float64Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * k0 * i) / n));
    const X = rfft(x);
    expect(X.re[k0]).toBeCloseTo(n / 2, 6);
    let other = 0;
    for (let k = 0; k < X.re.length; k++) if (k !== k0) other = Math.max(other, Math.hypot(X.re[k], X.im[k]));
    expect(other).toBeLessThan(1e-7);
  });
});

describe('cached per-length tables', () => {
  it('stay exact when a length comes back after more lengths than the caches hold', () => {
    // 4099 and 4111 are primes on the Bluestein path; the 20 lengths between push them out of both
    // the chirp cache (8) and the roots cache (16), so the second visit rebuilds and the third reuses.
    const primes = [4099, 4111];
    const others = Array.from({ length: 20 }, (_, i) => 60 + 2 * i);
    for (const round of [0, 1, 2]) {
      for (const n of primes) {
        const x = { re: signal(n, n + round), im: signal(n, n + 10 + round) };
        expect(maxDiff(fft(x), naiveDft(x))).toBeLessThanOrEqual(tolerance(x.re, x.im) * Math.log2(n + 1));
        expect(maxDiff(ifft(fft(x)), x)).toBeLessThanOrEqual(1e-13);
      }
      if (round === 0) for (const n of others) fft({ re: signal(n, n), im: signal(n, n) });
    }
  });
});
