import { describe, expect, it } from 'vitest';
import { difference, intersection, NamedSubsets, PointGrid, pointInPolygon, selectByCategory, selectByRange, selectLasso, selectRectangle, toSelection, union } from '../../../src/main/map/select';
import { mulberry32 } from '../../../src/main/map/random';

// A 200 × 200 lattice of cell centres (i + 0.5, j + 0.5) / 10 over [0, 20]²: no point lies on the
// integer-coordinate edges used below, so every expected id is unambiguous.
const side = 200;
const x = new Float32Array(side * side);
const y = new Float32Array(side * side);
for (let j = 0; j < side; j++) for (let i = 0; i < side; i++) { x[j * side + i] = (i + 0.5) / 10; y[j * side + i] = (j + 0.5) / 10; }
const idOf = (i: number, j: number): number => j * side + i;

/** Winding number by summed signed angles: an algorithm independent of ray casting. */
function windingNumber(px: number, py: number, poly: number[]): number {
  let total = 0;
  const n = poly.length / 2;
  for (let k = 0; k < n; k++) {
    const a = Math.atan2(poly[2 * k + 1] - py, poly[2 * k] - px);
    const b = Math.atan2(poly[2 * ((k + 1) % n) + 1] - py, poly[2 * ((k + 1) % n)] - px);
    let d = b - a;
    while (d > Math.PI) d -= 2 * Math.PI;
    while (d < -Math.PI) d += 2 * Math.PI;
    total += d;
  }
  return Math.round(total / (2 * Math.PI));
}

describe('rectangle selection', () => {
  it('selects exactly the lattice cells inside [2, 5] × [10, 13]', () => {
    const expected: number[] = [];
    for (let j = 100; j < 130; j++) for (let i = 20; i < 50; i++) expected.push(idOf(i, j));
    expect(Array.from(selectRectangle(x, y, { xMin: 5, xMax: 2, yMin: 13, yMax: 10 }))).toEqual(expected.sort((a, b) => a - b));
  });
});

describe('lasso selection', () => {
  it('selects a triangle exactly (analytic half-planes x ≥ 0, y ≥ 0, x + y ≤ 10.03)', () => {
    // 10.03, not 10: lattice sums are multiples of 0.1, so none lies on the hypotenuse.
    const tri = [0, 0, 10.03, 0, 0, 10.03];
    const expected: number[] = [];
    for (let j = 0; j < side; j++) for (let i = 0; i < side; i++) if ((i + 0.5) / 10 + (j + 0.5) / 10 <= 10.03) expected.push(idOf(i, j));
    expect(Array.from(selectLasso(x, y, tri))).toEqual(expected);
  });

  it('selects a concave L shape as the union of its two rectangles', () => {
    const L = [1, 1, 9, 1, 9, 4, 4, 4, 4, 12, 1, 12];
    const expected = union(selectRectangle(x, y, { xMin: 1, xMax: 9, yMin: 1, yMax: 4 }), selectRectangle(x, y, { xMin: 1, xMax: 4, yMin: 4, yMax: 12 }));
    expect(expected.length).toBe(30 * 80 + 30 * 80);
    expect(Array.from(selectLasso(x, y, L))).toEqual(Array.from(expected));
  });

  it('applies the even–odd rule to a self-intersecting pentagram (the inner pentagon is out)', () => {
    const star: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t = Math.PI / 2 + (k * 4 * Math.PI) / 5; // every second vertex of a pentagon: {5/2}
      star.push(10 + 8 * Math.cos(t), 10 + 8 * Math.sin(t));
    }
    const got = selectLasso(x, y, star);
    const expected: number[] = [];
    for (let id = 0; id < x.length; id++) if (Math.abs(windingNumber(x[id], y[id], star)) % 2 === 1) expected.push(id);
    expect(Array.from(got)).toEqual(expected);
    // The centre has winding number 2: outside by even–odd.
    expect(got.includes(idOf(100, 100))).toBe(false);
    expect(expected.length).toBeGreaterThan(1000);
  });

  it('refuses a polygon with fewer than three vertices and mismatched columns', () => {
    expect(() => selectLasso(x, y, [0, 0, 1, 1])).toThrow(/at least 3 vertices/);
    expect(() => selectLasso(x, new Float32Array(3), [0, 0, 1, 1, 1, 0])).toThrow(/x has 40000 points but y has 3/);
  });
});

describe('lasso selection on a point grid (built once per layout)', () => {
  // Clustered points (dense blobs and sparse background), with NaN and infinite points mixed in.
  const n = 60_000;
  const rand = mulberry32(12);
  const px = new Float32Array(n);
  const py = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const blob = i % 3 === 0;
    px[i] = blob ? 30 + rand() * rand() * 10 : rand() * 100;
    py[i] = blob ? 60 + rand() * rand() * 10 : rand() * 100;
  }
  px[17] = NaN; py[18] = NaN; px[19] = Infinity; py[20] = -Infinity;
  const grid = PointGrid.build(px, py);
  /** The plain ray-casting answer, point by point. */
  const reference = (poly: number[]): number[] => {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (pointInPolygon(px[i], py[i], poly)) rows.push(i);
    return rows;
  };
  const wobbly = (cx: number, cy: number, r: number, vertices: number, lobes: number): number[] => {
    const poly: number[] = [];
    for (let k = 0; k < vertices; k++) {
      const t = (2 * Math.PI * k) / vertices;
      const rr = r * (1 + 0.3 * Math.sin(lobes * t));
      poly.push(cx + rr * Math.cos(t), cy + rr * Math.sin(t));
    }
    return poly;
  };
  const cases: [string, number[]][] = [
    ['a wobbly 200-vertex lasso', wobbly(50, 50, 30, 200, 7)],
    ['a lasso around the dense blob', wobbly(35, 65, 4, 60, 5)],
    ['a thin sliver narrower than a cell', [10, 10, 90, 10.05, 90, 10.1]],
    ['a self-intersecting bow tie', [10, 10, 90, 90, 90, 10, 10, 90]],
    ['a random 40-vertex scribble', Array.from({ length: 80 }, () => rand() * 100)],
    ['a polygon larger than the layout', [-50, -50, 150, -50, 150, 150, -50, 150]],
    ['a polygon beside the layout', [101, 0, 120, 0, 120, 50]],
    ['a polygon through the layout edge', [90, 90, 130, 95, 95, 130]],
  ];
  for (const [name, poly] of cases) {
    it(`selects exactly the plain point-in-polygon rows for ${name}`, () => {
      const want = reference(poly);
      expect(Array.from(selectLasso(px, py, poly, grid))).toEqual(want);
      expect(Array.from(selectLasso(px, py, poly))).toEqual(want);
    });
  }

  it('can be reused: a second selection is not affected by the first', () => {
    const a = selectLasso(px, py, cases[0][1], grid);
    selectLasso(px, py, cases[1][1], grid);
    expect(Array.from(selectLasso(px, py, cases[0][1], grid))).toEqual(Array.from(a));
  });

  it('refuses columns of another layout', () => {
    expect(() => selectLasso(x, y, cases[0][1], grid)).toThrow(/built for 60000 points, got 40000/);
  });
});

describe('selection by a column (filter)', () => {
  it('selects the rows of a value range, edges included, never NaN; an infinite bound leaves that side open', () => {
    const values = Float64Array.from([0.2, NaN, 0.5, 0.9, -1, 0.5000001, Infinity, 0.7]);
    // Expected sets written out from the definition min ≤ v ≤ max.
    expect(Array.from(selectByRange(values, 0.5, 0.9))).toEqual([2, 3, 5, 7]);
    expect(Array.from(selectByRange(values, 0.9, 0.5))).toEqual([2, 3, 5, 7]);
    expect(Array.from(selectByRange(values, 0.5, Infinity))).toEqual([2, 3, 5, 6, 7]);
    expect(Array.from(selectByRange(values, -Infinity, 0.2))).toEqual([0, 4]);
    expect(Array.from(selectByRange(values, 2, 3))).toEqual([]);
  });

  it('selects the rows of chosen categories; missing values (-1) only when asked for', () => {
    const codes = Int32Array.from([0, 2, -1, 1, 2, 0, -1]);
    expect(Array.from(selectByCategory(codes, [2]))).toEqual([1, 4]);
    expect(Array.from(selectByCategory(codes, [0, 1]))).toEqual([0, 3, 5]);
    expect(Array.from(selectByCategory(codes, [-1]))).toEqual([2, 6]);
    expect(Array.from(selectByCategory(codes, []))).toEqual([]);
  });
});

describe('named subsets', () => {
  const rand = mulberry32(4);
  const randomIds = (n: number): number[] => Array.from({ length: n }, () => Math.floor(rand() * 5000));
  const a = randomIds(3000);
  const b = randomIds(2000);
  const sortedUnique = (s: Set<number>): number[] => [...s].sort((p, q) => p - q);

  it('union, intersection and difference match set arithmetic', () => {
    const A = new Set(a), B = new Set(b);
    expect(Array.from(union(toSelection(a), toSelection(b)))).toEqual(sortedUnique(new Set([...A, ...B])));
    expect(Array.from(intersection(toSelection(a), toSelection(b)))).toEqual(sortedUnique(new Set([...A].filter((v) => B.has(v)))));
    expect(Array.from(difference(toSelection(a), toSelection(b)))).toEqual(sortedUnique(new Set([...A].filter((v) => !B.has(v)))));
  });

  it('stores, combines, lists and round-trips through JSON', () => {
    const s = new NamedSubsets();
    s.set('young', [5, 3, 3, 9]);
    s.set('binaries', [9, 1]);
    expect(Array.from(s.combine('union', 'young', 'binaries', 'either'))).toEqual([1, 3, 5, 9]);
    expect(Array.from(s.combine('intersection', 'young', 'binaries', 'both'))).toEqual([9]);
    expect(Array.from(s.combine('difference', 'young', 'binaries', 'only young'))).toEqual([3, 5]);
    expect(s.list()).toEqual([{ name: 'young', size: 3 }, { name: 'binaries', size: 2 }, { name: 'either', size: 4 }, { name: 'both', size: 1 }, { name: 'only young', size: 2 }]);
    const back = NamedSubsets.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(Array.from(back.get('either'))).toEqual([1, 3, 5, 9]);
    expect(() => s.get('old')).toThrow(/subset 'old' does not exist/);
    expect(() => s.set('x', [1.5])).toThrow(/1.5 is not a row number/);
  });
});
