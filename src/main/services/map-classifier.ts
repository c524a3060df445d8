/**
 * Population classification for `map.classify`: cross-validate the chosen classifier on the
 * labelled stars, refit it on all of them, and score every star of the embedding. The classifiers
 * themselves (logistic regression, linear SVM with Platt scaling, per-class Gaussian mixtures) live
 * in src/main/map/classifiers.
 */
import {
  argmaxRows, crossValidate, resolveClassifierSettings, scoreAllRows, trainClassifier,
  type CrossValidation, type ResolvedClassifierSettings,
} from '../map/classifiers/index';

export {
  argmaxRows, crossValidate, fitLogistic, predictProbabilities, stratifiedFolds,
  type CrossValidation, type FitOptions, type LogisticModel,
} from '../map/classifiers/index';

/** What a classification run produces for the derived columns. */
export interface PopulationClassification {
  settings: ResolvedClassifierSettings;
  cv: CrossValidation;
  /** Every star's class probabilities (stars × classes, row-major). */
  probabilities: Float64Array;
  /** Every star's most probable class. */
  predicted: Int32Array;
}

/**
 * Cross-validates `settings` on labelled rows (k stratified folds), fits it on every labelled row,
 * and scores all `stars` rows of `data` (stars × dim).
 * @throws Error naming a bad setting, or when fewer than two classes are labelled
 */
export function classifyPopulations(
  data: ArrayLike<number>, dim: number, stars: number,
  rows: ArrayLike<number>, labels: ArrayLike<number>, classes: number, folds: number, settings: unknown,
): PopulationClassification {
  const resolved = resolveClassifierSettings(settings);
  const cv = crossValidate(data, dim, rows, labels, classes, folds, resolved);
  const model = trainClassifier(resolved, data, dim, rows, labels, classes, folds);
  const probabilities = scoreAllRows(model, data, stars);
  return { settings: resolved, cv, probabilities, predicted: argmaxRows(probabilities, classes) };
}
