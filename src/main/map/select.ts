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

/**
 * Rows inside a lasso polygon given as a flat [x0, y0, x1, y1, ...] (closed implicitly; may
 * self-intersect: even–odd rule, the same crossing test as pointInPolygon). Points outside its
 * bounding box are rejected first; the rest meet only the edges of their horizontal band.
 * @throws Error on fewer than 3 vertices or an odd number of coordinates
 */
export function selectLasso(x: Float32Array, y: Float32Array, polygon: ArrayLike<number>): Uint32Array {
  checkColumns(x, y);
  if (polygon.length % 2 !== 0) throw new Error(`lasso: ${polygon.length} coordinates is not a list of (x, y) pairs`);
  if (polygon.length < 6) throw new Error(`lasso: a polygon needs at least 3 vertices, got ${polygon.length / 2}`);
  const { bounds: b, bandHeight, bandStart, edges } = bandPolygon(Float64Array.from(polygon));
  const lastBand = bandStart.length - 2;
  const out = new Uint32Array(x.length);
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const px = x[i], py = y[i];
    if (px < b.xMin || px > b.xMax || py < b.yMin || py > b.yMax || px !== px) continue;
    const band = Math.min(lastBand, Math.floor((py - b.yMin) / bandHeight));
    let inside = false;
    for (let e = bandStart[band] * 4, end = bandStart[band + 1] * 4; e < end; e += 4) {
      const xi = edges[e], yi = edges[e + 1], xj = edges[e + 2], yj = edges[e + 3];
      if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
    }
    if (inside) out[m++] = i;
  }
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
