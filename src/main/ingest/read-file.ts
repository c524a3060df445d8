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

/** One file to read; `knownSha256` is the hash the store holds for this path, if any. */
export interface ReadTask {
  path: string;
  knownSha256: string | null;
}

export interface ReadResult {
  path: string;
  sha256: string | null;
  /** The content hash equals `knownSha256`: the file was not parsed. */
  unchanged: boolean;
  record: SurveyRecord | null;
  /** Why the file cannot be used; names the file. */
  error: string | null;
}

/** Hashes `task.path` and, unless its content is the one the store already holds, parses it with the survey readers. */
export async function readCandidate(task: ReadTask): Promise<ReadResult> {
  const file = task.path;
  let sha256: string | null = null;
  const fail = (error: string): ReadResult => ({ path: file, sha256, unchanged: false, record: null, error });
  try {
    sha256 = await sha256File(file);
    if (sha256 === task.knownSha256) return { path: file, sha256, unchanged: true, record: null, error: null };
    const size = fs.statSync(file).size;
    if (size === 0) return fail(`${file}: empty file (0 bytes)`);
    if (!/\.gz$/i.test(file) && !hasFitsMagic(readHead(file, 9))) {
      return fail(`${file}: not a FITS file (it does not start with 'SIMPLE  =')`);
    }
    return { path: file, sha256, unchanged: false, record: await readSurveyFile(file), error: null };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return fail(message.includes(file) ? message : `${file}: ${message}`);
  }
}
