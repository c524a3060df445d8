/**
 * The one contract between DESA Studio's front ends and its core: every request a host may make
 * (method name → params and result types), every event it may receive, and the error shape.
 *
 * The same contract travels over three transports, so a method written once in src/main/services
 * works everywhere:
 * - Electron IPC (src/main/electron + src/preload: `window.desa.call(method, params)`),
 * - the headless server (src/main/server: `POST /rpc` and `WS /events`),
 * - in-process calls (the CLI calls the services directly).
 *
 * Results are plain JSON values (see `Jsonified`): typed arrays become arrays, NaN becomes null and
 * bigint becomes a decimal string, so a result looks identical whichever transport carried it.
 */
import type { JobProgress, JobState, JobSummary } from './jobs';
import type { LightCurve, RecognisedOther, Spectrum } from './survey';
import type { IngestSummary, ProjectStatus } from './project';
import type { TrainConfig, TrainingStage } from './training';
import type { Evaluation, RunDetail, RunSummary } from './runs';

// ---- JSON mapping ----

type TypedArray =
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array;

/** The JSON form of a value: typed arrays → arrays (NaN → null), bigint (and 64-bit arrays) → strings. */
export type Jsonified<T> = T extends bigint
  ? string
  : T extends BigInt64Array | BigUint64Array
    ? string[]
    : T extends Float32Array | Float64Array
      ? (number | null)[]
      : T extends TypedArray
        ? number[]
        : T extends number
          ? number | null
          : T extends (infer U)[]
            ? Jsonified<U>[]
            : T extends object
              ? { [K in keyof T]: Jsonified<T[K]> }
              : T;

// ---- DTOs owned by the contract ----

/** One header card as `desa info` and the GUI show it. */
export interface FitsCardInfo {
  keyword: string;
  /** bigint values travel as decimal strings. */
  value: string | number | boolean | null;
  comment: string;
}

/** One table column: name, TFORM, unit. */
export interface FitsColumnInfo {
  name: string;
  format: string;
  unit: string | null;
  dim: number[] | null;
}

/** One HDU, like a row of astropy's `fitsinfo` plus its header cards and columns. */
export interface FitsHduInfo {
  index: number;
  name: string;
  kind: string;
  /** numpy-order shape for images, null for tables. */
  shape: number[] | null;
  nrows: number | null;
  columns: FitsColumnInfo[];
  cards: FitsCardInfo[];
}

/** What `fits.info` returns: the structure, and the human table (fitsinfo style). */
export interface FitsInfo {
  path: string;
  gzipped: boolean;
  hdus: FitsHduInfo[];
  /** The same content as a human-readable table. */
  text: string;
}

export type SurveyRecordJson =
  | Jsonified<Spectrum>
  | Jsonified<LightCurve>
  | Jsonified<RecognisedOther>;

/** JSON as it travels (for results whose structure the core defines in detail). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What `preprocess.file` returns: the DESA model input(s) of one spectrum or one star's quarters. */
export interface PreprocessResultJson {
  kind: 'spectrum' | 'lightcurve';
  sources: string[];
  /** obsid / designation, or KIC/EPIC and quarters. */
  object: Record<string, JsonValue>;
  options: JsonValue;
  notes: string[];
  /** (4096) for a spectrum, (4, L) per view for a light curve. */
  inputShape: number[];
  modelInputs: (number | null)[][];
  intermediates: JsonValue;
}

/** What `checkpoint.import` returns. */
export interface CheckpointImportJson {
  outDir: string;
  tensorCount: number;
  /** Total number of values written (weights and buffers). */
  valueCount: number;
}

/** Which host answers: the desktop app or the headless server (or the CLI in-process). */
export type Backend = 'electron' | 'server' | 'cli';

export interface AppInfo {
  name: 'DESA Studio';
  version: string;
  backend: Backend;
  /** The open project's directory, if any. */
  projectDir: string | null;
  /** Whether `app.pickDirectories` works here (the desktop app's native dialog). */
  canPickDirectories: boolean;
}

/** Sent with `job.done` when a job ends for whatever reason. */
export interface JobDoneEvent {
  jobId: string;
  kind: string;
  state: Exclude<JobState, 'running'>;
  error: string | null;
  /** The job's result, e.g. an IngestSummary for kind 'ingest'. */
  result: unknown;
}

export type { IngestSummary, ProjectStatus, JobProgress, JobSummary };

// ---- requests ----

/** Method name → params and result. Add a method here, then implement it in src/main/services. */
export interface Methods {
  'app.info': { params: Record<string, never>; result: AppInfo };
  /**
   * Lets the user choose folders with the desktop's own dialog (desktop app only; other hosts
   * answer 'unsupported' and the GUI offers a path field instead). Empty when the user cancels.
   */
  'app.pickDirectories': { params: { title?: string }; result: { paths: string[] } };
  'fits.info': { params: { path: string }; result: FitsInfo };
  'survey.read': { params: { path: string }; result: SurveyRecordJson };
  /** Opens an existing project directory; fails if it holds no project. */
  'project.open': { params: { dir: string }; result: ProjectStatus };
  /** Creates a project (or opens it if it already exists). */
  'project.create': { params: { dir: string }; result: ProjectStatus };
  /** The open project's status; fails with 'no-project' when none is open. */
  'project.status': { params: Record<string, never>; result: ProjectStatus };
  /** Starts ingesting directories into the open project; progress comes as `job.progress`. */
  'ingest.start': { params: { dirs: string[] }; result: { jobId: string } };
  /**
   * Generates the synthetic demo survey (LAMOST/Kepler files, catalogs, truth) into `outDir` as a
   * job; omitted numbers take the demo defaults. The result (job.done) is the generator's summary.
   */
  'synth.start': { params: { outDir: string; stars?: number; seed?: number; quarters?: number }; result: { jobId: string } };
  /** Preprocesses one spectrum, or the quarter files of one star, into DESA model inputs. */
  'preprocess.file': {
    params: { paths: string[]; spectrumPreset?: 'paper' | 'code' | 'paper_rv' | 'restframe_z'; modelInputOnly?: boolean };
    result: PreprocessResultJson;
  };
  /** Converts the authors' torch.save checkpoint (.pth) into our weights folder. */
  'checkpoint.import': { params: { path: string; outDir: string }; result: CheckpointImportJson };
  /**
   * Trains one DESA stage on a project (resuming its run when one exists); job.done carries the
   * TrainResult (and held-out metrics for fine-tunes). Runs live in <project>/runs/<stage>-<size>.
   */
  'train.start': {
    params: { projectDir: string; stage: TrainingStage; size?: 'tiny' | 'small' | 'paper'; config?: Partial<TrainConfig> };
    result: { jobId: string };
  };
  /** Stores embeddings (x1, x2, z1, z2, p1, p2, f) for every star of a project from its trained runs. */
  'embed.start': { params: { projectDir: string; size?: 'tiny' | 'small' | 'paper' }; result: { jobId: string } };
  /** The end-to-end demo: generate a survey, ingest, import catalogues, train all stages, embed. */
  'demo.start': {
    params: { outDir: string; stars?: number; seed?: number; size?: 'tiny' | 'small' | 'paper'; quarters?: number; steps?: number; batchSize?: number };
    result: { jobId: string };
  };
  'jobs.list': { params: Record<string, never>; result: JobSummary[] };
  /** The finished result of a job (e.g. an IngestSummary), null while it runs. */
  'jobs.result': { params: { jobId: string }; result: { summary: JobSummary; result: unknown } };
  'jobs.cancel': { params: { jobId: string }; result: { cancelled: boolean } };
  /** The training runs of a project (<project>/runs/<stage>-<size>), pipeline order. */
  'runs.list': { params: { projectDir: string }; result: Jsonified<RunSummary>[] };
  /** One run: configuration, every logged step (loss terms, validation), metrics and held-out evaluation. */
  'runs.get': { params: { projectDir: string; run: string }; result: Jsonified<RunDetail> };
  /** A fine-tune's held-out evaluation (binary: confusion matrix at `threshold`, default 0.5); null for other runs. */
  'runs.evaluate': { params: { projectDir: string; run: string; threshold?: number }; result: Jsonified<Evaluation> | null };
}

export type MethodName = keyof Methods;
export type Params<M extends MethodName> = Methods[M]['params'];
export type Result<M extends MethodName> = Methods[M]['result'];

/** Every method name, for transports that must reject unknown names before dispatch. */
export const METHOD_NAMES = [
  'app.info',
  'app.pickDirectories',
  'fits.info',
  'survey.read',
  'project.open',
  'project.create',
  'project.status',
  'ingest.start',
  'synth.start',
  'preprocess.file',
  'checkpoint.import',
  'train.start',
  'embed.start',
  'demo.start',
  'jobs.list',
  'jobs.result',
  'jobs.cancel',
  'runs.list',
  'runs.get',
  'runs.evaluate',
] as const satisfies readonly MethodName[];

// Compile-time check that METHOD_NAMES lists every method.
type MissingMethods = Exclude<MethodName, (typeof METHOD_NAMES)[number]>;
const everyMethodListed: MissingMethods extends never ? true : never = true;
void everyMethodListed;

/** Narrows an untrusted string to a method name. */
export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && (METHOD_NAMES as readonly string[]).includes(name);
}

// ---- events ----

/** Event name → payload. */
export interface Events {
  'job.progress': JobProgress;
  'job.done': JobDoneEvent;
}

export type EventName = keyof Events;

// ---- errors ----

export type ErrorCode =
  /** Params missing or malformed, unknown method. */
  | 'bad-request'
  /** A file or directory the request names does not exist. */
  | 'not-found'
  /** A file exists but cannot be read as what was asked (corrupt FITS, unknown product...). */
  | 'bad-file'
  /** The method needs an open project. */
  | 'no-project'
  | 'unknown-job'
  /** The host cannot do this (e.g. a native dialog in the headless server). */
  | 'unsupported'
  | 'internal';

/** The error every transport carries: a code a program can branch on and a message naming the file and the problem. */
export interface ContractErrorJson {
  code: ErrorCode;
  message: string;
}

/** Thrown by services; transports serialise it to `ContractErrorJson` and clients rethrow it. */
export class ContractError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }

  toJSON(): ContractErrorJson {
    return { code: this.code, message: this.message };
  }
}

// ---- the client-side view ----

/** What a front end holds: call a method, listen to an event (returns an unsubscribe function). */
export interface DesaApi {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}
