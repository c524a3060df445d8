/**
 * Path helpers shared by tests and benches. CI clones the repository next to a copy of
 * shared/, so everything is resolved relative to the repository root, never hard-coded.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Absolute path of the repository root (the folder holding package.json). */
export function repoRoot(): string {
  return path.resolve(here, '../..');
}

/** Absolute path of the read-only shared materials folder (`<repoRoot>/../shared`). */
export function sharedDir(): string {
  return path.resolve(repoRoot(), '../shared');
}

/** Absolute path of the real-data folder `shared/data/real`, optionally joined with `parts`. */
export function realDataPath(...parts: string[]): string {
  return path.join(sharedDir(), 'data', 'real', ...parts);
}
