/**
 * Independent float64 reference implementations of the losses, written from the formulas in the
 * digest (§3.3, §4.4, §5.2, §6.9, §7) with plain loops. The gradient checks take central finite
 * differences of these, so they test the tfjs losses' values and gradients against a separate
 * implementation.
 */

/** A row-major (rows, cols) matrix view over a flat array. */
export const at = (a: ArrayLike<number>, cols: number, r: number, c: number): number => a[r * cols + c];

export function pinballNanAsZeroMean(preds: ArrayLike<number>, y: ArrayLike<number>, B: number, L: number, q: readonly number[], weights?: ArrayLike<number>): number {
  const Q = q.length;
  let total = 0;
  for (let b = 0; b < B; b++) {
    for (let l = 0; l < L; l++) {
      const target = y[b * L + l];
      if (Number.isNaN(target)) continue;
      let s = 0;
      for (let k = 0; k < Q; k++) {
        const e = target - preds[(b * L + l) * Q + k];
        s += Math.max((q[k] - 1) * e, q[k] * e);
      }
      total += s * (weights ? weights[b] : 1);
    }
  }
  return total / (B * L);
}

export function dual(p1: ArrayLike<number>, p2: ArrayLike<number>, z1: ArrayLike<number>, z2: ArrayLike<number>, B: number, d: number): number {
  let s = 0;
  for (let b = 0; b < B; b++) {
    let a = 0, c = 0;
    for (let k = 0; k < d; k++) { a += at(p1, d, b, k) * at(z1, d, b, k); c += at(z2, d, b, k) * at(p2, d, b, k); }
    s += (a - c) ** 2;
  }
  return s / B;
}

function centred(x: ArrayLike<number>, B: number, d: number): Float64Array {
  const out = Float64Array.from(x);
  for (let k = 0; k < d; k++) {
    let m = 0;
    for (let b = 0; b < B; b++) m += at(x, d, b, k);
    m /= B;
    for (let b = 0; b < B; b++) out[b * d + k] -= m;
  }
  return out;
}

export function offDiagCov(x: ArrayLike<number>, y: ArrayLike<number>, B: number, d: number): number {
  const xc = centred(x, B, d), yc = centred(y, B, d);
  let s = 0;
  for (let k = 0; k < d; k++) {
    for (let l = 0; l < d; l++) {
      if (k === l) continue;
      let c = 0;
      for (let b = 0; b < B; b++) c += xc[b * d + k] * yc[b * d + l];
      c /= B - 1;
      s += c * c;
    }
  }
  return s / d;
}

export function varianceHinge(x: ArrayLike<number>, B: number, d: number): number {
  const xc = centred(x, B, d);
  let s = 0;
  for (let k = 0; k < d; k++) {
    let v = 0;
    for (let b = 0; b < B; b++) v += xc[b * d + k] ** 2;
    s += Math.max(0, 1 - Math.sqrt(v / (B - 1) + 1e-4));
  }
  return s / d / 2;
}

export function cov(p1: ArrayLike<number>, p2: ArrayLike<number>, B: number, d: number, cross: boolean, variance: boolean): number {
  let s = offDiagCov(p1, p1, B, d) + offDiagCov(p2, p2, B, d);
  if (cross) s += offDiagCov(p1, p2, B, d);
  if (variance) s += varianceHinge(p1, B, d) + varianceHinge(p2, B, d);
  return s;
}

export function negCosine(p: ArrayLike<number>, z: ArrayLike<number>, B: number, d: number): number {
  let s = 0;
  for (let b = 0; b < B; b++) {
    let dot = 0, np = 0, nz = 0;
    for (let k = 0; k < d; k++) { dot += at(p, d, b, k) * at(z, d, b, k); np += at(p, d, b, k) ** 2; nz += at(z, d, b, k) ** 2; }
    s += dot / Math.max(Math.sqrt(np) * Math.sqrt(nz), 1e-8);
  }
  return -s / B;
}

function logSumExp(v: number[]): number {
  const m = Math.max(...v);
  return m + Math.log(v.reduce((a, x) => a + Math.exp(x - m), 0));
}

export function crossEntropy(logits: ArrayLike<number>, labels: ArrayLike<number>, B: number, C: number, weights?: ArrayLike<number>): number {
  let s = 0, wsum = 0;
  for (let b = 0; b < B; b++) {
    const row = Array.from({ length: C }, (_, c) => at(logits, C, b, c));
    const w = weights ? weights[labels[b]] : 1;
    s += w * (logSumExp(row) - row[labels[b]]);
    wsum += w;
  }
  return s / wsum;
}

function unitRows(x: ArrayLike<number>, rows: number, d: number): Float64Array {
  const out = Float64Array.from(x);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let k = 0; k < d; k++) n += out[r * d + k] ** 2;
    n = Math.max(Math.sqrt(n), 1e-12);
    for (let k = 0; k < d; k++) out[r * d + k] /= n;
  }
  return out;
}

export function infoNce(q: ArrayLike<number>, k: ArrayLike<number>, neg: ArrayLike<number> | null, B: number, K: number, d: number, T: number): number {
  const qn = unitRows(q, B, d), kn = unitRows(k, B, d);
  const nn = neg ? unitRows(neg, K, d) : null;
  const dot = (a: Float64Array, i: number, c: Float64Array, j: number): number => {
    let s = 0;
    for (let t = 0; t < d; t++) s += a[i * d + t] * c[j * d + t];
    return s;
  };
  let s = 0;
  for (let b = 0; b < B; b++) {
    const logits: number[] = [];
    let target: number;
    if (nn) {
      logits.push(dot(qn, b, kn, b) / T);
      for (let j = 0; j < K; j++) logits.push(dot(qn, b, nn, j) / T);
      target = 0;
    } else {
      for (let j = 0; j < B; j++) logits.push(dot(qn, b, kn, j) / T);
      target = b;
    }
    s += logSumExp(logits) - logits[target];
  }
  return s / B;
}

export function vicreg(x: ArrayLike<number>, y: ArrayLike<number>, B: number, d: number, sim = 25, std = 25, covC = 0.1): number {
  let mse = 0;
  for (let i = 0; i < B * d; i++) mse += (x[i] - y[i]) ** 2;
  mse /= B * d;
  const stdLoss = varianceHinge(x, B, d) + varianceHinge(y, B, d);
  const covLoss = offDiagCov(x, x, B, d) + offDiagCov(y, y, B, d);
  return sim * mse + std * stdLoss + covC * covLoss;
}

export function maskedMse(recon: ArrayLike<number>, target: ArrayLike<number>, mask: ArrayLike<number> | null): number {
  let s = 0, n = 0;
  for (let i = 0; i < recon.length; i++) {
    if (mask && !mask[i]) continue;
    s += (recon[i] - target[i]) ** 2;
    n++;
  }
  return n === 0 ? 0 : s / n;
}
