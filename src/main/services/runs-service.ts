/**
 * `runs.list`, `runs.get` and `runs.evaluate`: the training runs of a project as the Training screen
 * shows them, read from their folders (<project>/runs/<stage>-<size>/: run.json, metrics.jsonl,
 * metrics.json, latest.json, heldout.json). Reading only; training itself is `train.start`.
 */
import path from 'node:path';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { ContractError } from '../../shared/contract';
import type { TrainConfig, TrainResult, TrainStepReport } from '../../shared/training';
import type { Evaluation, RunDetail, RunStatus, RunSummary } from '../../shared/runs';
import { evaluateHeldOut, HELD_OUT_FILE, readHeldOut } from '../pipeline/evaluation';

/** run.json as the pipeline writes it when a stage stops (finished, early-stopped or cancelled). */
interface RunRecord {
  stage: string;
  size: string;
  config: TrainConfig;
  result: Pick<TrainResult, 'stepsDone' | 'stoppedBy' | 'resumedFrom' | 'bestValidation'>;
  finishedAt: string;
}

const STATUS_OF: Record<TrainResult['stoppedBy'], RunStatus> = { completed: 'finished', 'early-stopping': 'early-stopped', cancelled: 'cancelled' };

function runsDirOf(projectDir: string): string {
  return path.join(path.resolve(projectDir), 'runs');
}

function readJson<T>(file: string): T | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new ContractError('bad-file', `${file}: not valid JSON (${(err as Error).message})`);
  }
}

/** Every step a run logged; a last line cut short by a kill is ignored. */
function readHistory(runDir: string): TrainStepReport[] {
  const file = path.join(runDir, 'metrics.jsonl');
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  const history: TrainStepReport[] = [];
  lines.forEach((line, i) => {
    try {
      history.push(JSON.parse(line) as TrainStepReport);
    } catch {
      if (i < lines.length - 1) throw new ContractError('bad-file', `${file}: line ${i + 1} is not a JSON step report`);
    }
  });
  return history;
}

/** The folder of a run named like 'finetune-binary-tiny', checked to lie inside the project's runs. */
function runDirOf(projectDir: string, name: string): string {
  if (!/^[\w.-]+$/.test(name)) throw new ContractError('bad-request', `'${name}' is not a run name (expected <stage>-<size>, e.g. finetune-binary-tiny)`);
  const dir = path.join(runsDirOf(projectDir), name);
  if (!existsSync(dir)) throw new ContractError('not-found', `${dir}: no such run in project ${path.resolve(projectDir)}`);
  return dir;
}

function summarise(name: string, runDir: string, history: TrainStepReport[]): RunSummary {
  const record = readJson<RunRecord>(path.join(runDir, 'run.json'));
  const cut = name.lastIndexOf('-');
  const last = history.at(-1);
  const stepsDone = last?.step ?? 0;
  // A run.json older than the log means a resumed run is going (or was killed) past its last stop.
  const status: RunStatus = record && record.result.stepsDone === stepsDone ? STATUS_OF[record.result.stoppedBy] : 'incomplete';
  const validations = history.map((r) => r.validation?.total).filter((v): v is number => v !== undefined);
  return {
    name,
    stage: record?.stage ?? (cut > 0 ? name.slice(0, cut) : name),
    size: record?.size ?? (cut > 0 ? name.slice(cut + 1) : ''),
    status,
    stepsDone,
    totalSteps: record?.config.steps ?? last?.totalSteps ?? null,
    lastLoss: last?.losses.total ?? null,
    bestValidation: validations.length ? Math.min(...validations) : null,
    checkpointStep: readJson<{ step: number }>(path.join(runDir, 'latest.json'))?.step ?? null,
    finishedAt: status === 'incomplete' ? null : (record?.finishedAt ?? null),
    hasEvaluation: existsSync(path.join(runDir, HELD_OUT_FILE)),
  };
}

/**
 * The training runs of a project, in pipeline order (pretraining, alignment, fine-tunes) then by name.
 * An empty list when the project has not trained anything yet.
 */
export function listRuns(projectDir: string): RunSummary[] {
  const root = runsDirOf(projectDir);
  if (!existsSync(path.resolve(projectDir))) throw new ContractError('not-found', `${path.resolve(projectDir)}: no such project directory`);
  if (!existsSync(root)) return [];
  const order = ['spectra', 'lightcurve', 'dualformer', 'finetune-binary', 'finetune-age'];
  const rank = (stage: string) => (order.includes(stage) ? order.indexOf(stage) : order.length);
  return readdirSync(root)
    .filter((name) => statSync(path.join(root, name)).isDirectory())
    .map((name) => summarise(name, path.join(root, name), readHistory(path.join(root, name))))
    .sort((a, b) => rank(a.stage) - rank(b.stage) || a.name.localeCompare(b.name));
}

/** The evaluation of a run's held-out outputs; null for runs without any (pretraining stages). */
export function evaluateRun(projectDir: string, name: string, threshold: number = 0.5): Evaluation | null {
  // Checked here because it arrives untrusted from the transports.
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw new ContractError('bad-request', `runs.evaluate: threshold must be a number in [0, 1], got ${JSON.stringify(threshold)}`);
  }
  const runDir = runDirOf(projectDir, name);
  let heldOut;
  try {
    heldOut = readHeldOut(runDir);
  } catch (err) {
    throw new ContractError('bad-file', (err as Error).message);
  }
  return heldOut ? evaluateHeldOut(heldOut, threshold) : null;
}

/** One run in full: configuration, every logged step, metrics and held-out evaluation. */
export function getRun(projectDir: string, name: string): RunDetail {
  const runDir = runDirOf(projectDir, name);
  const history = readHistory(runDir);
  return {
    ...summarise(name, runDir, history),
    config: readJson<RunRecord>(path.join(runDir, 'run.json'))?.config ?? null,
    history,
    metrics: readJson<Record<string, number>>(path.join(runDir, 'metrics.json')),
    evaluation: evaluateRun(projectDir, name),
  };
}
