import { describe, expect, it } from 'vitest';
import { angularSeparationArcsec, matchById, matchBySky, normaliseId, SkyIndex } from '../../../src/main/catalog/crossmatch.js';

import { mulberry32 as rng } from '../../../src/shared/random';

describe('normaliseId', () => {
  it('maps the spellings of one KIC id to the same key', () => {
    for (const v of ['KIC 01234567', '01234567', 'kplr001234567', ' 1234567 ', 1234567, 1234567n, 'KIC_1234567']) {
      expect(normaliseId(v)).toBe('1234567');
    }
  });
  it('keeps 64-bit ids exact and leaves designations alone', () => {
    expect(normaliseId('4611686018427387905')).toBe('4611686018427387905');
    expect(normaliseId(4611686018427387905n)).toBe('4611686018427387905');
    expect(normaliseId('J221202.24+291221.8')).toBe('J221202.24+291221.8');
  });
  it('gives null for blanks and non-integers', () => {
    expect(normaliseId('  ')).toBeNull();
    expect(normaliseId(null)).toBeNull();
    expect(normaliseId(1.5)).toBeNull();
    expect(normaliseId(NaN)).toBeNull();
  });
});

describe('matchById', () => {
  it("joins Kirk's zero-padded KIC strings to integer KICs, first duplicate wins", () => {
    const left = [8098300n, 11442793n, 42n, null];
    const right = ['08098300', '11442793', '08098300', '  '];
    const m = matchById(left, right);
    expect(Array.from(m.index)).toEqual([0, 1, -1, -1]);
    expect(m.matched).toBe(2);
    expect(m.duplicateRightRows).toBe(1);
  });
});

describe('angularSeparationArcsec', () => {
  it('agrees with plane geometry at small separations', () => {
    // 2 arcsec along a meridian; 3 arcsec of RA at dec 60 is 1.5 arcsec on the sky.
    expect(angularSeparationArcsec(10, 20, 10, 20 + 2 / 3600)).toBeCloseTo(2, 9);
    expect(angularSeparationArcsec(100, 60, 100 + 3 / 3600, 60)).toBeCloseTo(1.5, 6);
    expect(angularSeparationArcsec(0, 0, 180, 0)).toBeCloseTo(180 * 3600, 6);
  });
});

describe('matchBySky', () => {
  it('matches across RA = 0/360', () => {
    // 0.0005 deg of RA at the equator = 1.8 arcsec, either way across the seam.
    const east = matchBySky({ ra: [359.9998], dec: [0] }, { ra: [0.0003], dec: [0] });
    const west = matchBySky({ ra: [0.0002], dec: [0] }, { ra: [359.9997], dec: [0] });
    for (const m of [east, west]) {
      expect(m.index[0]).toBe(0);
      expect(m.separationArcsec[0]).toBeCloseTo(1.8, 6);
    }
  });

  it('matches across the pole, where RA differences mean nothing', () => {
    // Opposite sides of the north pole: the separation is the sum of the polar distances.
    const across = matchBySky({ ra: [10], dec: [89.9995] }, { ra: [190], dec: [89.9996] }, { radiusArcsec: 4 });
    expect(across.index[0]).toBe(0);
    expect(across.separationArcsec[0]).toBeCloseTo(0.0009 * 3600, 5);
    const atPole = matchBySky({ ra: [45], dec: [90] }, { ra: [300], dec: [89.9999] });
    expect(atPole.index[0]).toBe(0);
    expect(atPole.separationArcsec[0]).toBeCloseTo(0.0001 * 3600, 5);
    const south = matchBySky({ ra: [0], dec: [-89.9995] }, { ra: [180], dec: [-89.9995] });
    expect(south.index[0]).toBe(-1); // 3.6 arcsec > 3
  });

  it('leaves rows unmatched beyond the radius and for unknown positions', () => {
    const m = matchBySky({ ra: [10, NaN, 10], dec: [10, 10, 10 + 3.2 / 3600] }, { ra: [10], dec: [10] });
    expect(Array.from(m.index)).toEqual([0, -1, -1]);
    expect(m.separationArcsec[0]).toBe(0);
    expect(Number.isNaN(m.separationArcsec[2])).toBe(true);
    expect(m.matched).toBe(1);
  });

  it('finds the same nearest neighbours as a brute-force search', () => {
    const rand = rng(12345);
    // Dense clumps around RA 0/360 and in the Kepler field, a cap around the south pole, plus a
    // scatter over the whole sky.
    const centres = [
      [0, 0],
      [359.99, 30],
      [291, 44.5],
    ];
    const right = { ra: [] as number[], dec: [] as number[] };
    for (let k = 0; k < 4000; k++) {
      if (k % 5 === 4) {
        right.ra.push(rand() * 360);
        right.dec.push((Math.asin(2 * rand() - 1) * 180) / Math.PI);
      } else if (k % 5 === 3) {
        right.ra.push(rand() * 360);
        right.dec.push(-90 + 1e-9 + rand() * 0.01);
      } else {
        const [ra0, dec0] = centres[k % 5];
        right.ra.push((ra0 + (rand() - 0.5) * 0.02 + 360) % 360);
        right.dec.push(dec0 + (rand() - 0.5) * 0.02);
      }
    }
    const left = { ra: [] as number[], dec: [] as number[] };
    for (let i = 0; i < 3000; i++) {
      const j = Math.floor(rand() * right.ra.length);
      const dec = Math.max(-90, Math.min(90, right.dec[j] + (rand() - 0.5) * 0.004));
      left.ra.push((right.ra[j] + (rand() - 0.5) * 0.004 + 360) % 360);
      left.dec.push(dec);
    }
    const radius = 6;
    const m = matchBySky(left, right, { radiusArcsec: radius });
    let matched = 0;
    for (let i = 0; i < left.ra.length; i++) {
      let best = -1;
      let bestSep = Infinity;
      for (let j = 0; j < right.ra.length; j++) {
        const s = angularSeparationArcsec(left.ra[i], left.dec[i], right.ra[j], right.dec[j]);
        if (s <= radius && s < bestSep) {
          bestSep = s;
          best = j;
        }
      }
      expect(m.index[i], `left row ${i}`).toBe(best);
      if (best >= 0) {
        matched++;
        expect(Math.abs(m.separationArcsec[i] - bestSep)).toBeLessThan(1e-6);
      }
    }
    expect(m.matched).toBe(matched);
    // The constructed offsets make a fair share of both outcomes.
    expect(matched).toBeGreaterThan(300);
    expect(matched).toBeLessThan(left.ra.length);
  });

  it('rejects a non-positive radius', () => {
    expect(() => new SkyIndex({ ra: [0], dec: [0] }, 0)).toThrow(/radius/);
  });
});
