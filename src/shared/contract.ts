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
 * Results are JSON values with typed arrays kept (see `Jsonified`): NaN outside typed arrays becomes
 * null and bigint becomes a decimal string, so a result looks identical whichever transport carried
 * it (IPC clones typed arrays; the server frames them, see typed-frame.ts).
 */
import type { JobProgress, JobState, JobSummary } from './jobs';
import type { LightCurve, RecognisedOther, Spectrum } from './survey';
import type { IngestSummary, ProjectStatus } from './project';
import type { TrainConfig, TrainingStage } from './training';
import type { Evaluation, RunDetail, RunSummary } from './runs';
import type { MapSession, RecentProject, SavedSession, SessionLoadResult } from './session';

// ---- JSON mapping ----

type TypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array;

/**
 * The contract form of a value (what `jsonify` in rpc.ts makes): JSON, except that typed arrays
 * stay typed arrays (NaN kept inside float arrays); bigint (and 64-bit integer arrays) → decimal
 * strings, other non-finite numbers → null.
 */
export type Jsonified<T> = T extends bigint
  ? string
  : T extends BigInt64Array | BigUint64Array
    ? string[]
    : T extends TypedArray
      ? T
      : T extends number
        ? number | null
        : T extends (infer U)[]
          ? Jsonified<U>[]
          : T extends object
            ? { [K in keyof T]: Jsonified<T[K]> }
            : T;

/** The pure JSON form of a value (`plainJson` in rpc.ts): typed arrays → arrays (NaN → null) as well. */
export type PlainJson<T> = T extends bigint
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
            ? PlainJson<U>[]
            : T extends object
              ? { [K in keyof T]: PlainJson<T[K]> }
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

/** Pure JSON (the CLI prints it as is). */
export type SurveyRecordJson =
  | PlainJson<Spectrum>
  | PlainJson<LightCurve>
  | PlainJson<RecognisedOther>;

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

// ---- map explorer (map.*, star.*, export.*) ----

/** An embedding stored in the project: its name ('f', 'x1', ...), how many stars have it, its dimension. */
export interface MapEmbeddingInfo {
  name: string;
  stars: number;
  dim: number;
}

/**
 * A per-star column the map can colour by, filter on and export. `id` is what `map.column` takes:
 * 'star:<field>', 'catalog:<catalogId>:<column>', 'embedding:<name>' (whether the star has it) or
 * 'derived:<name>' (a classifier's output).
 */
export interface MapColumnInfo {
  id: string;
  label: string;
  group: 'star' | 'catalog' | 'embedding' | 'derived';
  kind: 'numeric' | 'categorical';
  unit: string | null;
}

/** UMAP settings of `map.layout` (all optional; see src/main/map/umap.ts for the defaults). */
export interface MapLayoutOptions {
  method?: 'auto' | 'umap-js' | 'fast';
  nNeighbors?: number;
  minDist?: number;
  nEpochs?: number;
  seed?: number;
}

/** The result of a `map.layout` job: star i of `starIds` (sorted by id) sits at (x[i], y[i]). */
export interface MapLayout {
  embedding: string;
  starIds: string[];
  x: Float32Array;
  y: Float32Array;
  method: 'umap-js' | 'fast';
  fitted: number;
  seconds: number;
  cached: boolean;
}

/** One column's values in the layout's star order: numbers (NaN = none) or category codes (-1 = none). */
export type MapColumnValues =
  | { id: string; label: string; unit: string | null; kind: 'numeric'; values: Float64Array }
  | { id: string; label: string; unit: string | null; kind: 'categorical'; categories: string[]; codes: Int32Array };

/** A star near a query in embedding space: its row in the layout and its Euclidean distance. */
export interface MapNeighbour {
  starId: string;
  row: number;
  distance: number;
}

/** What the star-detail panel shows (`star.detail`). */
export interface StarDetail {
  star: { starId: string; kic: number | null; epic: number | null; designation: string | null; ra: number | null; dec: number | null; spectra: number; lightCurves: number };
  /** The first spectrum of the star: as ingested and after the DESA preprocessing (rest frame, both arms, z-scored). */
  spectrum: {
    spectrumId: string;
    wavelength: Float64Array;
    flux: Float32Array;
    preprocessed: { wavelength: Float64Array; flux: Float64Array } | null;
  } | null;
  /** Every Kepler quarter stitched (median-normalised), quarter spans in days, and the ACF / FFT of the DESA transform. */
  lightCurve: {
    time: Float64Array;
    flux: Float32Array;
    quarters: { quarter: number | null; start: number; end: number }[];
    acf: { lagDays: Float64Array; value: Float64Array };
    fft: { frequencyPerDay: Float64Array; log1pAmplitude: Float64Array };
  } | null;
  /** Every catalogue value matched to the star. */
  catalog: { catalog: string; column: string; value: number | string | null }[];
  /** Nearest stars by the chosen embedding (empty without one). */
  neighbours: MapNeighbour[];
  /** Why a part is missing (e.g. a spectrum the preprocessing rejects). */
  notes: string[];
}

/**
 * The classifier `map.classify` trains (features standardised first); omitted settings take the
 * defaults of src/main/map/classifiers: logistic l2 = 0.01; linear SVM (squared hinge, one-vs-rest,
 * Platt-scaled on held-out folds) C = 1; GMM (one mixture per class) 2 components per class,
 * diagonal covariances, regularisation 1e-3.
 */
export type MapClassifierSettings =
  | { kind: 'logistic'; l2?: number }
  | { kind: 'linear-svm'; c?: number }
  | { kind: 'gmm'; componentsPerClass?: number; covariance?: 'full' | 'diag'; regularisation?: number };

/** `map.classify`: cross-validated accuracy and the columns written. */
export interface MapClassifyResult {
  name: string;
  /** The classifier trained, every setting filled in. */
  classifier: MapClassifierSettings;
  labels: string[];
  /** Pooled out-of-fold accuracy over every labelled star. */
  accuracy: number;
  foldAccuracies: number[];
  /** confusion[true][predicted], out of fold. */
  confusion: number[][];
  /** Labelled stars per class (stars in two selections are dropped). */
  counts: number[];
  /** New column ids: the predicted class and one probability per class. */
  columns: string[];
}

export type MapExportFormat = 'fits' | 'votable' | 'ecsv' | 'csv' | 'parquet';

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
  /** Projects opened before, newest first (kept in the app's user settings). */
  'app.recentProjects': { params: Record<string, never>; result: { projects: RecentProject[] } };
  /** The open project's saved session (<project>/session.json); a damaged file is reported in `problem`, not thrown. */
  'session.load': { params: Record<string, never>; result: SessionLoadResult };
  /** Saves the session of the open project `projectDir` atomically; the result is what the file now holds. */
  'session.save': { params: { projectDir: string; session: MapSession }; result: SavedSession };
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
    params: {
      projectDir: string; stage: TrainingStage; size?: 'tiny' | 'small' | 'paper'; config?: Partial<TrainConfig>;
      /**
       * Which imported catalogue column feeds which label (teff, logg, feh, period, distance, binary, age;
       * conditioning is the six DualFormer labels); omitted ones keep the demo survey's columns. The binary
       * label is positive where a numeric value is above `threshold` (default 0) or a text value is one of
       * `positive`; a column leaving either class empty fails the job with an error naming it.
       */
      labels?: Partial<Record<'teff' | 'logg' | 'feh' | 'period' | 'distance' | 'binary' | 'age', { catalog: string; column: string; threshold?: number; positive?: string[] } | null>
        & { conditioning: ({ catalog: string; column: string } | null)[] }>;
    };
    result: { jobId: string };
  };
  /**
   * Which TensorFlow.js backend training runs on (tfjs-node-gpu, tfjs-node, WebGPU, native CPU kernels,
   * wasm, cpu), probed once, with the reason each faster one was skipped.
   */
  'model.backend': { params: Record<string, never>; result: { active: string; tfBackend: string; description: string; probes: { name: string; ok: boolean; detail: string }[] } };
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
  /** Starts a UMAP of one embedding of the open project (cached in <project>/map); job.done carries a MapLayout. */
  'map.layout': { params: { embedding: string } & MapLayoutOptions; result: { jobId: string } };
  /** Embeddings of the open project and every column the map can colour by. */
  'map.columns': { params: Record<string, never>; result: { embeddings: MapEmbeddingInfo[]; columns: MapColumnInfo[] } };
  /** One column's values aligned with the layout of `embedding` (stars sorted by id). */
  'map.column': { params: { embedding: string; column: string }; result: Jsonified<MapColumnValues> };
  /** A star's spectrum, light curve, ACF/FFT, catalogue values and nearest neighbours. */
  'star.detail': { params: { starId: string; embedding?: string; k?: number }; result: Jsonified<StarDetail> };
  /** The k nearest stars of a star, or of the centroid of layout rows (a selection, whose members are left out). */
  'map.similar': { params: { embedding: string; starId?: string; rows?: number[]; k?: number }; result: { neighbours: MapNeighbour[] } };
  /**
   * Starts a job that trains a classifier (default logistic regression; `l2` is the logistic penalty when
   * `classifier` is not given) on labelled selections (layout rows), k-fold CV, and writes the predictions
   * as new columns; progress per fold / final fit / scoring block, cancellable (then nothing is written);
   * job.done carries a MapClassifyResult. Bad input fails the request itself.
   */
  'map.classify': {
    params: { embedding: string; name: string; classes: { label: string; rows: number[] }[]; folds?: number; l2?: number; classifier?: MapClassifierSettings };
    result: { jobId: string };
  };
  /** Writes layout rows (default: all) with ids, RA/Dec, map coordinates and chosen columns to a file. */
  'export.selection': {
    params: { embedding: string; path: string; format?: MapExportFormat; rows?: number[]; columns?: string[]; name?: string };
    result: { path: string; format: MapExportFormat; rows: number; columns: string[] };
  };
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
  'app.recentProjects',
  'session.load',
  'session.save',
  'ingest.start',
  'synth.start',
  'preprocess.file',
  'checkpoint.import',
  'model.backend',
  'train.start',
  'embed.start',
  'demo.start',
  'jobs.list',
  'jobs.result',
  'jobs.cancel',
  'runs.list',
  'runs.get',
  'runs.evaluate',
  'map.layout',
  'map.columns',
  'map.column',
  'star.detail',
  'map.similar',
  'map.classify',
  'export.selection',
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
