/**
 * Selections on the map, in data coordinates: rectangle and lasso (polygon, even–odd rule) over
 * Float32Array x/y columns, and named subsets combined by union / intersection / difference.
 *
 * Pure functions over typed arrays with no Node or DOM import, so the same module runs in a
 * renderer Web Worker, a worker thread or the main process; the inputs and the Uint32Array
 * results are transferable. A selection is always a sorted, duplicate-free Uint32Array of rows.
 */

export interface Rect {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

function checkColumns(x: Float32Array, y: Float32Array): void {
  if (x.length !== y.length) throw new Error(`selection: x has ${x.length} points but y has ${y.length}`);
}

/** Rows with xMin ≤ x ≤ xMax and yMin ≤ y ≤ yMax (edges included; NaN points never selected). */
export function selectRectangle(x: Float32Array, y: Float32Array, r: Rect): Uint32Array {
  checkColumns(x, y);
  const xMin = Math.min(r.xMin, r.xMax), xMax = Math.max(r.xMin, r.xMax);
  const yMin = Math.min(r.yMin, r.yMax), yMax = Math.max(r.yMin, r.yMax);
  const out = new Uint32Array(x.length);
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const px = x[i], py = y[i];
    if (px >= xMin && px <= xMax && py >= yMin && py <= yMax) out[m++] = i;
  }
  return out.slice(0, m);
}

/** Bounding box of a flat polygon [x0, y0, x1, y1, ...]. */
function boundsOf(polygon: ArrayLike<number>): Rect {
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  for (let v = 0; v < polygon.length; v += 2) {
    xMin = Math.min(xMin, polygon[v]); xMax = Math.max(xMax, polygon[v]);
    yMin = Math.min(yMin, polygon[v + 1]); yMax = Math.max(yMax, polygon[v + 1]);
  }
  return { xMin, xMax, yMin, yMax };
}

/**
 * True when (px, py) is inside the polygon by the even–odd rule (a ray to +x crosses an odd
 * number of edges). Points exactly on an edge may fall either side.
 */
export function pointInPolygon(px: number, py: number, polygon: ArrayLike<number>): boolean {
  let inside = false;
  const nv = polygon.length / 2;
  for (let i = 0, j = nv - 1; i < nv; j = i++) {
    const xi = polygon[2 * i], yi = polygon[2 * i + 1];
    const xj = polygon[2 * j], yj = polygon[2 * j + 1];
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * A polygon prepared for many point tests: its edges bucketed into horizontal bands, so a point
 * is tested only against the few edges that span its band instead of every vertex of the lasso.
 */
interface BandedPolygon {
  bounds: Rect;
  bandHeight: number;
  bandStart: Uint32Array;
  /** Per band, its edges as x1, y1, x2, y2 quadruples. */
  edges: Float64Array;
}

function bandPolygon(poly: Float64Array): BandedPolygon {
  const bounds = boundsOf(poly);
  const nv = poly.length / 2;
  const bands = Math.max(1, Math.min(4096, nv * 2));
  const bandHeight = (bounds.yMax - bounds.yMin) / bands || 1;
  const bandOf = (yv: number): number => Math.min(bands - 1, Math.max(0, Math.floor((yv - bounds.yMin) / bandHeight)));
  const count = new Uint32Array(bands + 1);
  const span = (i: number): [number, number] => {
    const j = (i + nv - 1) % nv;
    const y1 = poly[2 * i + 1], y2 = poly[2 * j + 1];
    return [bandOf(Math.min(y1, y2)), bandOf(Math.max(y1, y2))];
  };
  for (let i = 0; i < nv; i++) {
    const [b0, b1] = span(i);
    for (let b = b0; b <= b1; b++) count[b + 1]++;
  }
  for (let b = 0; b < bands; b++) count[b + 1] += count[b];
  const edges = new Float64Array(count[bands] * 4);
  const fill = count.slice(0, bands);
  for (let i = 0; i < nv; i++) {
    const j = (i + nv - 1) % nv;
    const [b0, b1] = span(i);
    for (let b = b0; b <= b1; b++) {
      const at = fill[b]++ * 4;
      edges[at] = poly[2 * i]; edges[at + 1] = poly[2 * i + 1]; edges[at + 2] = poly[2 * j]; edges[at + 3] = poly[2 * j + 1];
    }
  }
  return { bounds, bandHeight, bandStart: count, edges };
}

/** A point's cell coordinate along one axis, clamped to the grid (NaN → -1: in no cell). */
function cellCoord(v: number, origin: number, inverseSize: number, cells: number): number {
  const c = Math.floor((v - origin) * inverseSize);
  return c !== c ? -1 : c < 0 ? 0 : c >= cells ? cells - 1 : c;
}

/**
 * The points of one layout bucketed into a uniform grid of cells (about `pointsPerCell` each),
 * built once per layout and reused by every lasso: cells a polygon contains are taken whole,
 * cells no edge touches but outside are skipped, and only points in cells an edge crosses are
 * tested edge by edge. Holds its own scratch, so one grid serves one selection at a time.
 */
export class PointGrid {
  readonly size: number;
  readonly columns: number;
  readonly rows: number;
  readonly xMin: number;
  readonly yMin: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
  /** Points of cell c (row-major, c = row * columns + column) are cellPoints[cellStart[c] .. cellStart[c+1]), ascending. */
  readonly cellStart: Uint32Array;
  readonly cellPoints: Uint32Array;
  /** Per point, whether the current selection took it (cleared after each selection). */
  private readonly taken: Uint8Array;
  /** The same marks four at a time (taken's length is rounded up to a multiple of 4). */
  private readonly takenWords: Uint32Array;

  private constructor(x: Float32Array, y: Float32Array, pointsPerCell: number) {
    checkColumns(x, y);
    const n = x.length;
    let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
    for (let i = 0; i < n; i++) {
      const px = x[i], py = y[i];
      if (px - px !== 0 || py - py !== 0) continue; // NaN or ±Infinity
      if (px < xMin) xMin = px;
      if (px > xMax) xMax = px;
      if (py < yMin) yMin = py;
      if (py > yMax) yMax = py;
    }
    if (xMin > xMax) { xMin = xMax = yMin = yMax = 0; }
    const side = Math.max(1, Math.min(2048, Math.round(Math.sqrt(n / pointsPerCell))));
    this.size = n;
    this.columns = side;
    this.rows = side;
    this.xMin = xMin;
    this.yMin = yMin;
    this.cellWidth = (xMax - xMin) / side || 1;
    this.cellHeight = (yMax - yMin) / side || 1;
    // Counting sort by cell: two passes, no per-point objects; rows stay ascending in each cell.
    const cellOf = new Int32Array(n);
    const cellStart = new Uint32Array(side * side + 1);
    const ix = 1 / this.cellWidth, iy = 1 / this.cellHeight;
    for (let i = 0; i < n; i++) {
      const px = x[i], py = y[i];
      if (px - px !== 0 || py - py !== 0) { cellOf[i] = -1; continue; }
      // Finite points lie inside the bounds, so only the top edge needs clamping.
      const cx = Math.min(side - 1, ((px - xMin) * ix) | 0), cy = Math.min(side - 1, ((py - yMin) * iy) | 0);
      const c = cy * side + cx;
      cellOf[i] = c;
      cellStart[c + 1]++;
    }
    for (let c = 0; c < side * side; c++) cellStart[c + 1] += cellStart[c];
    const fill = cellStart.slice(0, side * side);
    const cellPoints = new Uint32Array(cellStart[side * side]);
    for (let i = 0; i < n; i++) if (cellOf[i] >= 0) cellPoints[fill[cellOf[i]]++] = i;
    this.cellStart = cellStart;
    this.cellPoints = cellPoints;
    this.taken = new Uint8Array(Math.ceil(n / 4) * 4);
    this.takenWords = new Uint32Array(this.taken.buffer);
  }

  /**
   * The grid of a layout's points (NaN or infinite points belong to no cell and are never selected).
   * @throws Error when x and y differ in length
   */
  static build(x: Float32Array, y: Float32Array, pointsPerCell = 8): PointGrid {
    return new PointGrid(x, y, pointsPerCell);
  }

  /** Rows inside `poly` (flat, ≥ 3 vertices), ascending: see selectLasso. */
  lasso(x: Float32Array, y: Float32Array, poly: Float64Array): Uint32Array {
    if (x.length !== this.size || y.length !== this.size) throw new Error(`lasso: the grid was built for ${this.size} points, got ${x.length}`);
    const banded = bandPolygon(poly);
    const { columns, rows, cellStart, cellPoints, taken } = this;
    const ix = 1 / this.cellWidth, iy = 1 / this.cellHeight;
    // Cells the polygon's bounding box covers; everything else is outside.
    const c0 = cellCoord(banded.bounds.xMin, this.xMin, ix, columns), c1 = cellCoord(banded.bounds.xMax, this.xMin, ix, columns);
    const r0 = cellCoord(banded.bounds.yMin, this.yMin, iy, rows), r1 = cellCoord(banded.bounds.yMax, this.yMin, iy, rows);
    const w = c1 - c0 + 1;
    const crossed = this.crossedCells(poly, c0, r0, w, r1 - r0 + 1);
    let count = 0;
    for (let r = r0; r <= r1; r++) {
      // Reference y of this cell row: its centre (any point of an uncrossed cell gives the same answer).
      const cy = this.yMin + (r + 0.5) * this.cellHeight;
      for (let c = c0; c <= c1; c++) {
        const cell = r * columns + c;
        const from = cellStart[cell], to = cellStart[cell + 1];
        if (from === to) continue;
        if (crossed[(r - r0) * w + (c - c0)]) {
          for (let p = from; p < to; p++) {
            const i = cellPoints[p];
            if (insideBanded(banded, x[i], y[i])) { taken[i] = 1; count++; }
          }
        } else if (insideBanded(banded, this.xMin + (c + 0.5) * this.cellWidth, cy)) {
          for (let p = from; p < to; p++) taken[cellPoints[p]] = 1;
          count += to - from;
        }
      }
    }
    // Reading the marks in row order gives the ascending selection without sorting; four marks
    // are read at once so unselected stretches cost a quarter of the reads.
    const out = new Uint32Array(count);
    const words = this.takenWords;
    let m = 0;
    for (let wi = 0; m < count; wi++) {
      if (words[wi] === 0) continue;
      for (let i = wi * 4, end = i + 4; i < end; i++) if (taken[i]) out[m++] = i;
      words[wi] = 0;
    }
    return out;
  }

  /**
   * Which cells of the window (columns c0.., rows r0.., w × h) an edge of the polygon may touch:
   * each edge's x-extent within each cell row it spans, widened by one cell on every side so that
   * rounding never leaves a touched cell unmarked (a marked cell only costs exact point tests).
   */
  private crossedCells(poly: Float64Array, c0: number, r0: number, w: number, h: number): Uint8Array {
    const crossed = new Uint8Array(w * h);
    const nv = poly.length / 2;
    for (let i = 0; i < nv; i++) {
      const j = (i + nv - 1) % nv;
      const xa = poly[2 * i], ya = poly[2 * i + 1], xb = poly[2 * j], yb = poly[2 * j + 1];
      const rowLo = Math.floor((Math.min(ya, yb) - this.yMin) / this.cellHeight) - 1 - r0;
      const rowHi = Math.floor((Math.max(ya, yb) - this.yMin) / this.cellHeight) + 1 - r0;
      for (let r = Math.max(0, rowLo); r <= Math.min(h - 1, rowHi); r++) {
        // The edge's x-range where its y lies in this row's band (clipped to the edge's own ends).
        const bandLo = this.yMin + (r + r0) * this.cellHeight, bandHi = bandLo + this.cellHeight;
        let xLo: number, xHi: number;
        if (ya === yb) {
          xLo = Math.min(xa, xb); xHi = Math.max(xa, xb);
        } else {
          const t0 = Math.min(1, Math.max(0, (bandLo - ya) / (yb - ya)));
          const t1 = Math.min(1, Math.max(0, (bandHi - ya) / (yb - ya)));
          const xs0 = xa + (xb - xa) * t0, xs1 = xa + (xb - xa) * t1;
          xLo = Math.min(xs0, xs1); xHi = Math.max(xs0, xs1);
        }
        const lo = Math.max(0, Math.floor((xLo - this.xMin) / this.cellWidth) - 1 - c0);
        const hi = Math.min(w - 1, Math.floor((xHi - this.xMin) / this.cellWidth) + 1 - c0);
        for (let c = lo; c <= hi; c++) crossed[r * w + c] = 1;
      }
    }
    return crossed;
  }
}

/** The even–odd test of pointInPolygon against only the edges of the point's band. */
function insideBanded(b: BandedPolygon, px: number, py: number): boolean {
  const { bounds, edges, bandStart } = b;
  if (px < bounds.xMin || px > bounds.xMax || py < bounds.yMin || py > bounds.yMax || px !== px) return false;
  const band = Math.min(bandStart.length - 2, Math.floor((py - bounds.yMin) / b.bandHeight));
  let inside = false;
  for (let e = bandStart[band] * 4, end = bandStart[band + 1] * 4; e < end; e += 4) {
    const xi = edges[e], yi = edges[e + 1], xj = edges[e + 2], yj = edges[e + 3];
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Rows inside a lasso polygon given as a flat [x0, y0, x1, y1, ...] (closed implicitly; may
 * self-intersect: even–odd rule, the same crossing test as pointInPolygon).
 *
 * With a PointGrid of these points (built once per layout) only the points in cells an edge
 * crosses are tested; whole cells inside are taken at once. Without one, points outside the
 * polygon's bounding box are rejected first and the rest meet only the edges of their band.
 * @throws Error on fewer than 3 vertices, an odd number of coordinates, or a grid of other points
 */
export function selectLasso(x: Float32Array, y: Float32Array, polygon: ArrayLike<number>, grid?: PointGrid): Uint32Array {
  checkColumns(x, y);
  if (polygon.length % 2 !== 0) throw new Error(`lasso: ${polygon.length} coordinates is not a list of (x, y) pairs`);
  if (polygon.length < 6) throw new Error(`lasso: a polygon needs at least 3 vertices, got ${polygon.length / 2}`);
  const poly = Float64Array.from(polygon);
  if (grid) return grid.lasso(x, y, poly);
  const banded = bandPolygon(poly);
  const out = new Uint32Array(x.length);
  let m = 0;
  for (let i = 0; i < x.length; i++) if (insideBanded(banded, x[i], y[i])) out[m++] = i;
  return out.slice(0, m);
}

/** Rows whose value lies in [min, max] (edges included; NaN never selected; ±Infinity bounds leave a side open). */
export function selectByRange(values: ArrayLike<number>, min: number, max: number): Uint32Array {
  const lo = Math.min(min, max), hi = Math.max(min, max);
  const out = new Uint32Array(values.length);
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] >= lo && values[i] <= hi) out[m++] = i;
  return out.slice(0, m);
}

/** Rows whose category code is one of `codes` (a missing value, code -1, only when asked for). */
export function selectByCategory(rowCodes: ArrayLike<number>, codes: readonly number[]): Uint32Array {
  const wanted = new Set(codes);
  const out = new Uint32Array(rowCodes.length);
  let m = 0;
  for (let i = 0; i < rowCodes.length; i++) if (wanted.has(rowCodes[i])) out[m++] = i;
  return out.slice(0, m);
}

/** Rows of `ids` sorted and deduplicated, as a selection. @throws Error on a negative or fractional id */
export function toSelection(ids: ArrayLike<number>): Uint32Array {
  for (let i = 0; i < ids.length; i++) {
    if (!Number.isInteger(ids[i]) || ids[i] < 0 || ids[i] > 0xffffffff) throw new Error(`selection: ${ids[i]} is not a row number`);
  }
  const sorted = Uint32Array.from(ids).sort();
  let m = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[m++] = sorted[i];
  return sorted.slice(0, m);
}

/** Rows in a or b (both sorted). */
export function union(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  let i = 0, j = 0, m = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) out[m++] = a[i++];
    else if (a[i] > b[j]) out[m++] = b[j++];
    else { out[m++] = a[i++]; j++; }
  }
  while (i < a.length) out[m++] = a[i++];
  while (j < b.length) out[m++] = b[j++];
  return out.slice(0, m);
}

/** Rows in both a and b (both sorted). */
export function intersection(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.min(a.length, b.length));
  let i = 0, j = 0, m = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else { out[m++] = a[i++]; j++; }
  }
  return out.slice(0, m);
}

/** Rows in a but not in b (both sorted). */
export function difference(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  let i = 0, j = 0, m = 0;
  while (i < a.length) {
    while (j < b.length && b[j] < a[i]) j++;
    if (j < b.length && b[j] === a[i]) i++;
    else out[m++] = a[i++];
  }
  return out.slice(0, m);
}

export type SubsetOperation = 'union' | 'intersection' | 'difference';

const OPERATIONS: Record<SubsetOperation, (a: Uint32Array, b: Uint32Array) => Uint32Array> = { union, intersection, difference };

/** Named subsets of a map's rows (e.g. "young stars"), saved with the session as plain JSON. */
export class NamedSubsets {
  private readonly subsets = new Map<string, Uint32Array>();

  /** Stores `rows` (any order, duplicates allowed) under `name`, replacing an earlier subset of that name. */
  set(name: string, rows: ArrayLike<number>): Uint32Array {
    if (name.trim() === '') throw new Error('subset: the name is empty');
    const sel = toSelection(rows);
    this.subsets.set(name, sel);
    return sel;
  }

  /** @throws Error naming the subset when there is none by that name */
  get(name: string): Uint32Array {
    const s = this.subsets.get(name);
    if (!s) throw new Error(`subset '${name}' does not exist (have: ${[...this.subsets.keys()].join(', ') || 'none'})`);
    return s;
  }

  has(name: string): boolean {
    return this.subsets.has(name);
  }

  delete(name: string): boolean {
    return this.subsets.delete(name);
  }

  /** Subset names with their sizes, in creation order. */
  list(): { name: string; size: number }[] {
    return [...this.subsets].map(([name, rows]) => ({ name, size: rows.length }));
  }

  /** Stores `op(a, b)` of two named subsets under `into` and returns it. */
  combine(op: SubsetOperation, a: string, b: string, into: string): Uint32Array {
    const f = OPERATIONS[op];
    if (!f) throw new Error(`subset: unknown operation '${op}' (union, intersection, difference)`);
    return this.set(into, f(this.get(a), this.get(b)));
  }

  /** Plain JSON for the saved session. */
  toJSON(): Record<string, number[]> {
    return Object.fromEntries([...this.subsets].map(([name, rows]) => [name, Array.from(rows)]));
  }

  static fromJSON(json: Record<string, number[]>): NamedSubsets {
    const s = new NamedSubsets();
    for (const [name, rows] of Object.entries(json)) s.set(name, rows);
    return s;
  }
}
