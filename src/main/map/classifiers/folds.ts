/** Stratified k-fold assignment, shared by cross-validation and the SVM's held-out Platt scaling. */
import { mulberry32 } from '../random';

/**
 * Fold (0…folds−1) of each labelled star: within each class a seeded shuffle, then round-robin,
 * so every fold holds about 1/k of every class.
 */
export function stratifiedFolds(labels: ArrayLike<number>, folds: number, seed = 0): Int32Array {
  const out = new Int32Array(labels.length);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]) ?? [];
    list.push(i);
    byClass.set(labels[i], list);
  }
  const random = mulberry32(seed);
  let offset = 0;
  for (const members of byClass.values()) {
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j], members[i]];
    }
    // Continue the round-robin across classes so small classes do not all start in fold 0.
    members.forEach((m, i) => { out[m] = (offset + i) % folds; });
    offset += members.length;
  }
  return out;
}

/** The training and held-out positions (indices into the labelled list) of fold `f`. */
export function splitFold(fold: Int32Array, f: number): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < fold.length; i++) (fold[i] === f ? test : train).push(i);
  return { train, test };
}
