/**
 * The Training screen's state: the project's runs, the run on show (its loss history and held-out
 * evaluation), and the training job started from the dialog. While a job runs, every progress event
 * re-reads the run (its metrics.jsonl gains one line per step), so the curves grow step by step
 * with every loss term and the validation points exactly as the trainer logged them.
 */
import type { Jsonified, MapColumnInfo } from '../../../shared/contract';
import type { JobProgress } from '../../../shared/jobs';
import type { Evaluation, RunDetail, RunSummary } from '../../../shared/runs';
import type { TrainConfig, TrainingStage } from '../../../shared/training';
import type { DesaClient } from '../../client/index';

export type RunSummaryJson = Jsonified<RunSummary>;
export type RunDetailJson = Jsonified<RunDetail>;
export type EvaluationJson = Jsonified<Evaluation>;
export type ModelSize = 'tiny' | 'small' | 'paper';

/**
 * An imported catalogue column used as a label ('catalog': the catalogue's id); for the binary
 * fine-tune, numeric values above `threshold` or text values among `positive` are the positives.
 */
export interface LabelColumn {
  catalog: string;
  column: string;
  threshold?: number;
  positive?: string[];
}

/** The positive values typed as a comma-separated list (blanks dropped, each value trimmed). */
export function positiveValuesOf(text: string): string[] {
  return text.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

/** What the Train / Fine-tune dialog asks for. */
export interface TrainForm {
  stage: TrainingStage;
  size: ModelSize;
  steps: number;
  batchSize: number;
  lr: number;
  /** Validation every N steps (0: none). */
  evalEvery: number;
  /** The fine-tune's label column (binary flag or age); null keeps the demo survey's. */
  label: LabelColumn | null;
}

/** The label column a `catalog:<id>:<column>` column id of `map.columns` names. */
export function labelColumnOf(columnId: string): LabelColumn | null {
  const [group, catalog, ...column] = columnId.split(':');
  return group === 'catalog' && catalog && column.length ? { catalog, column: column.join(':') } : null;
}

/** The run folder a stage trains into (<stage>-<size>, as src/main/pipeline/stages.ts names it). */
export const runNameOf = (stage: string, size: string): string => `${stage}-${size}`;

/**
 * The training configuration for the dialog's choices: short runs warm up and checkpoint in
 * proportion (as the demo does), so a 10-step fine-tune is not spent entirely in warm-up.
 */
export function configOf(form: TrainForm): Partial<TrainConfig> {
  return {
    steps: form.steps, batchSize: form.batchSize, lr: form.lr, evalEvery: form.evalEvery,
    warmupSteps: Math.min(10, Math.ceil(form.steps / 10)), checkpointEvery: Math.max(5, Math.min(25, Math.ceil(form.steps / 4))),
  };
}

export class TrainingState {
  runs = $state<RunSummaryJson[]>([]);
  selected = $state<string | null>(null);
  detail = $state<RunDetailJson | null>(null);
  /** The held-out evaluation on show (re-evaluated when the threshold moves). */
  evaluation = $state<EvaluationJson | null>(null);
  threshold = $state(0.5);
  jobId = $state<string | null>(null);
  /** The run the job trains. */
  jobRun = $state<string | null>(null);
  progress = $state<JobProgress | null>(null);
  cancelling = $state(false);
  error = $state<string | null>(null);
  /** How the last job ended ('done', 'cancelled', 'failed'), for the status line. */
  lastOutcome = $state<string | null>(null);
  /** The project's imported catalogue columns, which the dialog offers as labels. */
  catalogColumns = $state<MapColumnInfo[]>([]);

  private reading = false;
  private readAgain = false;

  constructor(
    private readonly client: DesaClient,
    private readonly projectDir: () => string | null,
  ) {
    client.on('job.progress', (p) => {
      if (p.jobId !== this.jobId) return;
      this.progress = p;
      void this.readSelected();
    });
    client.on('job.done', (event) => {
      if (event.jobId !== this.jobId) return;
      this.jobId = null;
      this.progress = null;
      this.cancelling = false;
      // A cancelled training ends its job normally (the run checkpoints and reports stoppedBy).
      const stoppedBy = (event.result as { stoppedBy?: string } | null)?.stoppedBy;
      this.lastOutcome = event.state !== 'done' ? event.state : stoppedBy === 'cancelled' ? 'cancelled' : stoppedBy === 'early-stopping' ? 'early-stopped' : 'done';
      void this.refresh().then(() => {
        if (event.state === 'failed') this.error = event.error ?? 'training failed';
      });
    });
  }

  /** Re-reads the run list and the run on show. */
  async refresh(): Promise<void> {
    const dir = this.projectDir();
    if (!dir) return;
    await this.guard(async () => {
      this.runs = await this.client.call('runs.list', { projectDir: dir });
      this.catalogColumns = (await this.client.call('map.columns', {})).columns.filter((c) => c.group === 'catalog');
      await this.readSelected();
    });
  }

  /** Shows one run (its curves and, for fine-tunes, its held-out evaluation). */
  async select(run: string): Promise<void> {
    this.selected = run;
    this.detail = null;
    this.evaluation = null;
    this.threshold = 0.5;
    await this.guard(() => this.readSelected());
  }

  /** Starts (or resumes: the run continues from its last checkpoint) training with the dialog's choices. */
  async start(form: TrainForm): Promise<void> {
    const dir = this.projectDir();
    if (!dir) {
      this.error = 'open a project first (Project screen)';
      return;
    }
    await this.guard(async () => {
      this.lastOutcome = null;
      this.cancelling = false;
      const run = runNameOf(form.stage, form.size);
      const task = form.stage === 'finetune-binary' ? 'binary' : form.stage === 'finetune-age' ? 'age' : null;
      const labels = task && form.label ? { [task]: form.label } : undefined;
      const { jobId } = await this.client.call('train.start', { projectDir: dir, stage: form.stage, size: form.size, config: configOf(form), ...(labels ? { labels } : {}) });
      this.jobId = jobId;
      this.jobRun = run;
      this.selected = run;
      // The run's previous held-out figures are stale from now on.
      this.evaluation = null;
    });
  }

  async cancel(): Promise<void> {
    if (!this.jobId) return;
    this.cancelling = true;
    await this.guard(async () => void (await this.client.call('jobs.cancel', { jobId: this.jobId! })));
  }

  /** Re-evaluates the binary confusion matrix at another threshold. */
  async setThreshold(threshold: number): Promise<void> {
    const dir = this.projectDir();
    if (!dir || !this.selected) return;
    this.threshold = threshold;
    await this.guard(async () => (this.evaluation = await this.client.call('runs.evaluate', { projectDir: dir, run: this.selected!, threshold })));
  }

  /**
   * Reads the selected run; calls that arrive while a read is in flight fold into one more read,
   * so fast steps never pile up requests.
   */
  private async readSelected(): Promise<void> {
    const dir = this.projectDir();
    if (!dir || !this.selected) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    try {
      do {
        this.readAgain = false;
        const run: string | null = this.selected;
        if (!run) return;
        try {
          const detail = await this.client.call('runs.get', { projectDir: dir, run });
          if (run !== this.selected) continue;
          this.detail = detail;
          this.updateRow(detail);
          // A running job's held-out outputs are those of its previous stop; show them only once it ends.
          const live = this.jobId !== null && this.jobRun === run;
          this.evaluation = live ? null : this.threshold === 0.5 ? detail.evaluation : await this.client.call('runs.evaluate', { projectDir: dir, run, threshold: this.threshold });
        } catch (err) {
          // The run folder appears with the job's first step; until then there is nothing to read.
          if (!(this.jobId !== null && this.jobRun === run && (err as { code?: string }).code === 'not-found')) throw err;
        }
      } while (this.readAgain);
    } finally {
      this.reading = false;
    }
  }

  /** Keeps the run list's row of a run in step with its freshly read detail (a new run joins the list). */
  private updateRow(detail: RunDetailJson): void {
    const { config: _config, history: _history, metrics: _metrics, evaluation: _evaluation, ...summary } = detail;
    const at = this.runs.findIndex((r) => r.name === summary.name);
    this.runs = at < 0 ? [...this.runs, summary] : this.runs.map((r, i) => (i === at ? summary : r));
  }

  private async guard(action: () => Promise<unknown>): Promise<void> {
    this.error = null;
    try {
      await action();
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }
}

const states = new WeakMap<DesaClient, TrainingState>();

/** One TrainingState per client, so a running job's curves survive switching screens. */
export function trainingStateFor(client: DesaClient, projectDir: () => string | null): TrainingState {
  let state = states.get(client);
  if (!state) states.set(client, (state = new TrainingState(client, projectDir)));
  return state;
}
