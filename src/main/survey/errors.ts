/** A file that is not a survey product we read, or one that breaks the product's rules. */
export class SurveyError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'SurveyError';
  }
}
