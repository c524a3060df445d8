/**
 * The one error type of the checkpoint importer. Every message names the file it is about, so a
 * user who points `desa import-checkpoint` at the wrong file learns which file and what is wrong.
 */
export class CheckpointError extends Error {
  /** @param file the file (or archive member) the problem was found in. */
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'CheckpointError';
  }
}
