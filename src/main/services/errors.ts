/**
 * Maps what the core throws onto contract errors, so every host reports a bad file the same way:
 * a code a program can act on and a message naming the file and the problem.
 */
import { ContractError } from '../../shared/contract';
import { CancelledError } from '../../shared/jobs';

/** Wraps an unknown error from the core into a ContractError (keeps ContractErrors as they are). */
export function toContractError(err: unknown): ContractError {
  if (err instanceof ContractError) return err;
  if (err instanceof CancelledError) return new ContractError('internal', err.message);
  const e = err as NodeJS.ErrnoException;
  if (e && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) {
    return new ContractError('not-found', `${e.path ?? 'file'}: no such file or directory`);
  }
  if (e && e.code === 'EISDIR') {
    return new ContractError('bad-file', `${e.path ?? 'path'}: is a directory, expected a file`);
  }
  if (e && e.code === 'EACCES') return new ContractError('bad-file', `${e.path ?? 'file'}: permission denied`);
  // The FITS and survey readers throw errors whose message already names the file and the problem.
  if (err instanceof Error && /^(FitsError|SurveyError|CheckpointError)$/.test(err.name)) return new ContractError('bad-file', err.message);
  return new ContractError('internal', err instanceof Error ? err.message : String(err));
}
