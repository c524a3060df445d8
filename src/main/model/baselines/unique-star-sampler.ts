/**
 * The MoCo-clean sampler (`UniqueIDDistributedSampler` in the reference's dataset/sampler.py): each
 * epoch draws ONE random row per unique star, so no star appears twice in an epoch (hence never as
 * its own negative within a batch), and the epoch shrinks to the number of unique stars.
 */

import { mulberry32 } from '../../../shared/random';

export interface UniqueStarOptions {
  /** Seed of this epoch's draw (use e.g. baseSeed + epoch). */
  seed: number;
  /** Drop a final incomplete batch (the reference does for val/test). */
  dropLast?: boolean;
}

/**
 * Row indices of one epoch, in batches: one random row per unique star id, stars in random order.
 * @param starIds the star (KIC) id of every dataset row.
 */
export function uniqueStarBatches(starIds: ArrayLike<string | number>, batchSize: number, opts: UniqueStarOptions): number[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`uniqueStarBatches: batch size must be a positive integer, got ${batchSize}`);
  const random = mulberry32(opts.seed);
  const rowsByStar = new Map<string | number, number[]>();
  for (let row = 0; row < starIds.length; row++) {
    const rows = rowsByStar.get(starIds[row]);
    if (rows) rows.push(row);
    else rowsByStar.set(starIds[row], [row]);
  }
  const picked = [...rowsByStar.values()].map((rows) => rows[Math.floor(random() * rows.length)]);
  for (let i = picked.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [picked[i], picked[j]] = [picked[j], picked[i]];
  }
  const batches: number[][] = [];
  for (let start = 0; start < picked.length; start += batchSize) {
    const batch = picked.slice(start, start + batchSize);
    if (batch.length === batchSize || !opts.dropLast) batches.push(batch);
  }
  return batches;
}
