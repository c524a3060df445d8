/**
 * Joining catalogues with each other and with our spectra / light curves: by id (KIC, EPIC,
 * LAMOST obsid) and by sky position.
 *
 * The sky match is a nearest-neighbour search within a radius. The reference set is bucketed in
 * declination zones and sorted by RA inside each zone, so one query looks at a few zones and a
 * narrow RA window: O((N + M) log M) overall instead of O(N*M). Distances use unit vectors (the
 * chord formula, as accurate as haversine at arcsecond scales), so RA = 0/360 and the poles need
 * no special case beyond widening the RA window where a circle covers all RAs.
 */

/** An id as it appears in a table or header: number, bigint, or text such as 'KIC 01234567'. */
export type IdValue = string | number | bigint | null | undefined;

// Prefixes people put in front of the same numeric id: 'KIC 8098300', 'kplr008098300', 'EPIC 2114...'.
const ID_PREFIX_RE = /^(?:kic|kplr|epic|ktwo|obsid|tic)[\s_:-]*/i;

/**
 * Canonical form of an id, so that 'KIC 01234567', 'kplr001234567', 1234567 and 1234567n all
 * compare equal ('1234567'). Non-numeric ids (designations) are returned trimmed; blanks,
 * non-integer numbers and NaN give null.
 */
export function normaliseId(value: IdValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : null;
  const text = value.trim();
  if (text === '') return null;
  const bare = text.replace(ID_PREFIX_RE, '');
  if (/^[+-]?\d+$/.test(bare)) return BigInt(bare).toString();
  return text;
}

export interface IdMatch {
  /** For each left row, the matching right row, or -1. */
  index: Int32Array;
  /** Number of left rows with a match. */
  matched: number;
  /** Right rows whose id repeats an earlier right row (the first one wins). */
  duplicateRightRows: number;
}

/**
 * Matches two id lists after `normaliseId`. When an id repeats on the right, the first row wins
 * and the repeats are counted in `duplicateRightRows`.
 */
export function matchById(left: ArrayLike<IdValue>, right: ArrayLike<IdValue>): IdMatch {
  const lookup = new Map<string, number>();
  let duplicateRightRows = 0;
  for (let j = 0; j < right.length; j++) {
    const id = normaliseId(right[j]);
    if (id === null) continue;
    if (lookup.has(id)) duplicateRightRows++;
    else lookup.set(id, j);
  }
  const index = new Int32Array(left.length).fill(-1);
  let matched = 0;
  for (let i = 0; i < left.length; i++) {
    const id = normaliseId(left[i]);
    const j = id === null ? undefined : lookup.get(id);
    if (j !== undefined) {
      index[i] = j;
      matched++;
    }
  }
  return { index, matched, duplicateRightRows };
}

/** Positions in degrees (ICRS/J2000 RA and Dec); NaN marks an unknown position. */
export interface SkyPositions {
  ra: ArrayLike<number>;
  dec: ArrayLike<number>;
}

export interface SkyMatch {
  /** For each left row, the nearest right row within the radius, or -1. */
  index: Int32Array;
  /** Separation of that match in arcsec; NaN where there is none. */
  separationArcsec: Float64Array;
  matched: number;
}

const DEG = Math.PI / 180;
const ARCSEC = DEG / 3600;

/** Great-circle separation in arcsec (haversine; exact at small and large angles alike). */
export function angularSeparationArcsec(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const sdd = Math.sin(((dec2 - dec1) * DEG) / 2);
  const sda = Math.sin(((ra2 - ra1) * DEG) / 2);
  const h = sdd * sdd + Math.cos(dec1 * DEG) * Math.cos(dec2 * DEG) * sda * sda;
  return (2 * Math.asin(Math.min(1, Math.sqrt(h)))) / ARCSEC;
}

/**
 * A reference catalogue prepared for repeated nearest-neighbour queries within a fixed radius.
 * Build once, query many times (e.g. every spectrum of a plate against a catalogue).
 */
export class SkyIndex {
  private readonly radiusDeg: number;
  private readonly zoneHeight: number;
  /** Reference rows ordered by (zone, RA). */
  private readonly order: Int32Array;
  private readonly sortedRa: Float64Array;
  /** zone number -> [start, end) in `order`. */
  private readonly zones = new Map<number, [number, number]>();
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly z: Float64Array;
  /** Squared chord length that corresponds to the radius. */
  private readonly maxChord2: number;

  constructor(points: SkyPositions, radiusArcsec = 3) {
    if (!(radiusArcsec > 0) || radiusArcsec > 180 * 3600) throw new RangeError(`match radius must be in (0, 180 deg], got ${radiusArcsec} arcsec`);
    this.radiusDeg = radiusArcsec / 3600;
    // Zones no thinner than 1 arcmin keep the zone map small for tiny radii.
    this.zoneHeight = Math.max(this.radiusDeg, 1 / 60);
    const chord = 2 * Math.sin((radiusArcsec * ARCSEC) / 2);
    this.maxChord2 = chord * chord;

    const n = points.ra.length;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.z = new Float64Array(n);
    const zoneOf = new Float64Array(n);
    const ra = new Float64Array(n);
    const valid: number[] = [];
    for (let j = 0; j < n; j++) {
      const a = points.ra[j];
      const d = points.dec[j];
      if (!Number.isFinite(a) || !Number.isFinite(d) || d < -90 || d > 90) continue;
      ra[j] = ((a % 360) + 360) % 360;
      const cd = Math.cos(d * DEG);
      this.x[j] = cd * Math.cos(ra[j] * DEG);
      this.y[j] = cd * Math.sin(ra[j] * DEG);
      this.z[j] = Math.sin(d * DEG);
      zoneOf[j] = this.zoneNumber(d);
      valid.push(j);
    }
    valid.sort((p, q) => zoneOf[p] - zoneOf[q] || ra[p] - ra[q] || p - q);
    this.order = Int32Array.from(valid);
    this.sortedRa = Float64Array.from(valid, (j) => ra[j]);
    let start = 0;
    for (let k = 1; k <= valid.length; k++) {
      if (k === valid.length || zoneOf[valid[k]] !== zoneOf[valid[start]]) {
        this.zones.set(zoneOf[valid[start]], [start, k]);
        start = k;
      }
    }
  }

  private zoneNumber(dec: number): number {
    return Math.floor((dec + 90) / this.zoneHeight);
  }

  /** Nearest reference row within the radius of (ra, dec), or index -1. */
  nearest(ra: number, dec: number): { index: number; separationArcsec: number } {
    const none = { index: -1, separationArcsec: NaN };
    if (!Number.isFinite(ra) || !Number.isFinite(dec) || dec < -90 || dec > 90) return none;
    const a = ((ra % 360) + 360) % 360;
    const cd = Math.cos(dec * DEG);
    const qx = cd * Math.cos(a * DEG);
    const qy = cd * Math.sin(a * DEG);
    const qz = Math.sin(dec * DEG);
    const r = this.radiusDeg;
    // Half-width in RA of the search circle; the whole circle of RA near a pole.
    const s = Math.sin(r * DEG) / Math.cos(dec * DEG);
    const halfWidth = Math.abs(dec) + r >= 90 || s >= 1 ? 180 : Math.asin(s) / DEG + 1e-9;

    let best = -1;
    let bestChord2 = this.maxChord2;
    const scan = (from: number, to: number, lo: number, hi: number): void => {
      // First entry with RA >= lo in the zone slice [from, to).
      let i = from;
      let j = to;
      while (i < j) {
        const mid = (i + j) >> 1;
        if (this.sortedRa[mid] < lo) i = mid + 1;
        else j = mid;
      }
      for (; i < to && this.sortedRa[i] <= hi; i++) {
        const k = this.order[i];
        const dx = this.x[k] - qx;
        const dy = this.y[k] - qy;
        const dz = this.z[k] - qz;
        const c2 = dx * dx + dy * dy + dz * dz;
        if (c2 < bestChord2 || (c2 === bestChord2 && (best < 0 || k < best))) {
          bestChord2 = c2;
          best = k;
        }
      }
    };
    const zLo = this.zoneNumber(Math.max(-90, dec - r));
    const zHi = this.zoneNumber(Math.min(90, dec + r));
    for (let zone = zLo; zone <= zHi; zone++) {
      const range = this.zones.get(zone);
      if (!range) continue;
      const [from, to] = range;
      if (halfWidth >= 180) {
        scan(from, to, -Infinity, Infinity);
        continue;
      }
      const lo = a - halfWidth;
      const hi = a + halfWidth;
      scan(from, to, Math.max(lo, 0), Math.min(hi, 360));
      if (lo < 0) scan(from, to, lo + 360, 360);
      if (hi > 360) scan(from, to, 0, hi - 360);
    }
    if (best < 0) return none;
    return { index: best, separationArcsec: (2 * Math.asin(Math.sqrt(bestChord2) / 2)) / ARCSEC };
  }
}

/**
 * For every left position, the nearest right position within `radiusArcsec` (default 3 arcsec).
 * Several left rows may match the same right row.
 */
export function matchBySky(left: SkyPositions, right: SkyPositions, opts: { radiusArcsec?: number } = {}): SkyMatch {
  const idx = new SkyIndex(right, opts.radiusArcsec ?? 3);
  const n = left.ra.length;
  const index = new Int32Array(n).fill(-1);
  const separationArcsec = new Float64Array(n).fill(NaN);
  let matched = 0;
  for (let i = 0; i < n; i++) {
    const m = idx.nearest(left.ra[i], left.dec[i]);
    if (m.index >= 0) {
      index[i] = m.index;
      separationArcsec[i] = m.separationArcsec;
      matched++;
    }
  }
  return { index, separationArcsec, matched };
}
