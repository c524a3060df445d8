/**
 * Reading one candidate file into what the store keeps: runs in the worker pool (parse.worker.ts),
 * and never throws: a bad file comes back as a reason naming the file and the problem, together
 * with the content hash, so the writer can remember it and skip it next time if unchanged.
 */
import fs from 'node:fs';
import { readSurveyFile } from '../survey/index';
import type { SurveyRecord } from '../../shared/survey';
import { sha256File } from './hash';
import { hasFitsMagic, readHead } from './scan';

export interface ReadResult {
  path: string;
  sha256: string | null;
  record: SurveyRecord | null;
  /** Why the file cannot be used; names the file. */
  error: string | null;
}

/** Hashes and parses `file` with the survey readers. */
export async function readCandidate(file: string): Promise<ReadResult> {
  let sha256: string | null = null;
  try {
    sha256 = await sha256File(file);
    const size = fs.statSync(file).size;
    if (size === 0) return { path: file, sha256, record: null, error: `${file}: empty file (0 bytes)` };
    if (!/\.gz$/i.test(file) && !hasFitsMagic(readHead(file, 9))) {
      return { path: file, sha256, record: null, error: `${file}: not a FITS file (it does not start with 'SIMPLE  =')` };
    }
    return { path: file, sha256, record: await readSurveyFile(file), error: null };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { path: file, sha256, record: null, error: message.includes(file) ? message : `${file}: ${message}` };
  }
}
