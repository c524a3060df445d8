/**
 * Population classification as `map.classify` runs it: cross-validate the chosen classifier on the
 * labelled stars, refit it on all of them, and score every star of the embedding, reporting
 * progress in steps (one per cross-validation fold, one for the final fit, one per scoring block)
 * with the Gaussian mixtures' EM iterations as messages.
 */
import {
  argmaxRows, crossValidate, resolveClassifierSettings, SCORE_CHUNK, scoreAllRows, trainClassifier,
  type CrossValidation, type FitHooks, type ResolvedClassifierSettings,
} from './index';

/** What a classification run produces for the derived columns. */
export interface PopulationClassification {
  settings: ResolvedClassifierSettings;
  cv: CrossValidation;
  /** Every star's class probabilities (stars × classes, row-major). */
  probabilities: Float64Array;
  /** Every star's most probable class. */
  predicted: Int32Array;
}

/** One progress report: `done` of `total` steps, in `phase`; `message` says where EM is. */
export interface ClassificationProgress {
  phase: string;
  done: number;
  total: number;
  message?: string;
}

/** Steps of a run: one per fold, the final fit, one per scoring block of SCORE_CHUNK stars. */
export function classificationSteps(folds: number, stars: number): number {
  return folds + 1 + Math.ceil(stars / SCORE_CHUNK);
}

/**
 * Cross-validates `settings` on labelled rows (k stratified folds), fits it on every labelled row,
 * and scores all `stars` rows of `data` (stars × dim).
 * @throws Error naming a bad setting, or when fewer than two classes are labelled
 */
export function classifyPopulations(
  data: ArrayLike<number>, dim: number, stars: number,
  rows: ArrayLike<number>, labels: ArrayLike<number>, classes: number, folds: number, settings: unknown,
  onProgress?: (p: ClassificationProgress) => void,
): PopulationClassification {
  const resolved = resolveClassifierSettings(settings);
  const total = classificationSteps(folds, stars);
  let done = 0;
  let phase = `cross-validation (${folds} folds)`;
  const report = (message?: string): void => onProgress?.({ phase, done, total, ...(message ? { message } : {}) });
  const hooks: FitHooks = {
    onEmIteration: onProgress ? (c, iteration, lowerBound) => report(`class ${c + 1}: EM iteration ${iteration}, mean log-likelihood ${lowerBound.toFixed(3)}`) : undefined,
  };
  report();
  const cv = crossValidate(data, dim, rows, labels, classes, folds, resolved, 0, {
    ...hooks,
    onFold: (fold) => { done = fold; report(`fold ${fold} of ${folds} done`); },
  });
  done = folds;
  phase = 'fitting on every labelled star';
  report();
  const model = trainClassifier(resolved, data, dim, rows, labels, classes, folds, hooks);
  done = folds + 1;
  phase = 'scoring every star';
  report();
  const probabilities = scoreAllRows(model, data, stars, SCORE_CHUNK, (scored) => {
    done = folds + 1 + Math.ceil(scored / SCORE_CHUNK);
    report(`${scored} of ${stars} stars`);
  });
  return { settings: resolved, cv, probabilities, predicted: argmaxRows(probabilities, classes) };
}
