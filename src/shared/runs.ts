/**
 * Training runs as the Training screen sees them: the runs of a project (<project>/runs/<stage>-<size>),
 * their loss histories, and the held-out evaluation of fine-tunes (ROC/PR, confusion matrix,
 * residuals and intervals).
 */
import type { TrainConfig, TrainStepReport } from './training';

/** Where a run stands, from the files in its folder. */
export type RunStatus =
  /** Reached its configured number of steps. */
  | 'finished'
  | 'early-stopped'
  /** Cancelled from the GUI/CLI; starting it again resumes from its last checkpoint. */
  | 'cancelled'
  /** Has logged steps but no run summary: still running, or the process was killed. */
  | 'incomplete';

/** One row of the run list. */
export interface RunSummary {
  /** Folder name, `<stage>-<size>`, e.g. 'finetune-binary-tiny'. */
  name: string;
  stage: string;
  size: string;
  status: RunStatus;
  stepsDone: number;
  /** Configured steps, null when the run has no summary yet. */
  totalSteps: number | null;
  /** Total loss of the last logged step. */
  lastLoss: number | null;
  bestValidation: number | null;
  /** Step of the newest checkpoint (where a resume continues), null when none. */
  checkpointStep: number | null;
  finishedAt: string | null;
  /** Whether the run has held-out outputs to evaluate (fine-tunes). */
  hasEvaluation: boolean;
}

/** A run in full: its configuration, every logged step, and its held-out metrics. */
export interface RunDetail extends RunSummary {
  config: TrainConfig | null;
  history: TrainStepReport[];
  /** metrics.json of a fine-tune (accuracy and ROC AUC, or MAE and coverage). */
  metrics: Record<string, number> | null;
  evaluation: Evaluation | null;
}

export interface CurvePoint {
  x: number;
  y: number;
  /** The score threshold at which this point is reached (Infinity, or null in JSON, for the start). */
  threshold: number;
}

/** Counts of a threshold rule: a row is predicted positive when its score is above the threshold. */
export interface ConfusionMatrix {
  threshold: number;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

export interface BinaryEvaluation {
  task: 'binary';
  n: number;
  positives: number;
  /** ROC curve, x = false-positive rate, y = true-positive rate, from (0, 0) to (1, 1). */
  roc: CurvePoint[];
  /** Area under the ROC curve (ties count one half, as scikit-learn's roc_auc_score). NaN with one class. */
  rocAuc: number;
  /** Precision–recall curve, x = recall, y = precision, by decreasing threshold. */
  pr: CurvePoint[];
  /** Σ (Rₙ − Rₙ₋₁) Pₙ, as scikit-learn's average_precision_score. NaN without positives. */
  averagePrecision: number;
  confusion: ConfusionMatrix;
  accuracy: number;
}

export interface AgeEvaluation {
  task: 'age';
  n: number;
  /** Quantile levels of lower, median and upper predictions. */
  levels: number[];
  truth: number[];
  median: number[];
  lower: number[];
  upper: number[];
  /** truth − median per row (Gyr). */
  residuals: number[];
  maeGyr: number;
  rmseGyr: number;
  /** Fraction of rows whose truth lies inside [lower, upper]. */
  intervalCoverage: number;
  /** The coverage the quantile levels promise (upper level − lower level). */
  nominalCoverage: number;
  meanIntervalWidthGyr: number;
}

export type Evaluation = BinaryEvaluation | AgeEvaluation;
