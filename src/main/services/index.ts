/**
 * DESA Studio's services: the contract of src/shared/contract.ts implemented by composing the core
 * (fits, survey, store, ingest, jobs). Hosts (Electron, the headless server, the CLI) call only this.
 *
 * Usage:
 *   const services = createServices({ backend: 'server', projectDir });
 *   const status = await services.call('project.status', {});
 *   services.on('job.progress', (p) => ...);
 */
import {
  ContractError,
  isMethodName,
  type AppInfo,
  type Backend,
  type EventName,
  type Events,
  type JobDoneEvent,
  type MethodName,
  type Params,
  type Result,
} from '../../shared/contract';
import { jsonify, toErrorJson, type EventMessage, type RpcRequest, type RpcResponse } from '../../shared/rpc';
import { JobRegistry } from '../jobs/registry';
import { toContractError } from './errors';
import { fitsInfo } from './fits-service';
import { importCheckpoint, preprocessFile } from './model-service';
import { optionalInteger, paramsObject, requireFile, requireFiles, requireString, requireStringArray } from './params';
import { MapService } from './map-service';
import { ProjectSession } from './project-service';
import { defaultSettingsDir, UserSettings } from './user-settings';
import { readSurvey } from './survey-service';
import { startSynth } from './synth-service';
import { startTraining, startEmbedding, startDemo, computeBackend } from './training-service';
import { evaluateRun, getRun, listRuns } from './runs-service';
import { APP_VERSION } from './version';

export interface ServiceOptions {
  /** Which host runs the services (shown in the GUI header). */
  backend: Backend;
  /** A project to open at start-up (created when missing). */
  projectDir?: string;
  /** The host's native folder dialog (only the Electron host has one). */
  pickDirectories?: (title: string) => Promise<string[]>;
  /**
   * Where the user settings (recent projects) live: Electron passes its userData folder; by default
   * $DESA_SETTINGS_DIR or ~/.config/desa-studio, and none for the CLI; null keeps no settings.
   */
  settingsDir?: string | null;
}

type Handler<M extends MethodName> = (params: Params<M>) => Promise<Result<M>>;
type Handlers = { [M in MethodName]: Handler<M> };
type Listener = (message: EventMessage) => void;

/** What transports need: untrusted requests in, responses and events out. */
export interface ServiceHost {
  dispatch(request: RpcRequest): Promise<RpcResponse>;
  subscribe(listener: Listener): () => void;
}

export class DesaServices implements ServiceHost {
  readonly jobs = new JobRegistry();
  readonly project: ProjectSession;
  readonly map: MapService;
  private readonly listeners = new Set<Listener>();
  private readonly results = new Map<string, unknown>();
  private readonly handlers: Handlers;

  constructor(private readonly options: ServiceOptions) {
    const settingsDir = options.settingsDir === undefined ? (options.backend === 'cli' ? null : defaultSettingsDir()) : options.settingsDir;
    this.project = new ProjectSession(this.jobs, settingsDir === null ? null : new UserSettings(settingsDir));
    this.map = new MapService(this.project, this.jobs);
    this.jobs.subscribe((event) => {
      if (event.type === 'progress') this.emit('job.progress', event.progress);
    });
    this.handlers = {
      'app.info': async () => this.appInfo(),
      'app.pickDirectories': async (p) => this.pickDirectories(p),
      'fits.info': async (p) => fitsInfo(requireFile('fits.info', p, 'path')),
      'survey.read': async (p) => readSurvey(requireFile('survey.read', p, 'path')),
      'project.open': async (p) => jsonify(await this.project.open(requireString('project.open', p, 'dir'))),
      'project.create': async (p) => jsonify(await this.project.create(requireString('project.create', p, 'dir'))),
      'project.status': async () => jsonify(await this.project.status()),
      'app.recentProjects': async () => ({ projects: this.project.recentProjects() }),
      'session.load': async () => this.project.loadSession(),
      'session.save': async (p) => this.project.saveSession(requireString('session.save', p, 'projectDir'), p.session),
      'ingest.start': async (p) => this.startIngest(requireStringArray('ingest.start', p, 'dirs')),
      'synth.start': async (p) => this.startSynth(p),
      'preprocess.file': async (p) => preprocessFile(requireFiles('preprocess.file', p, 'paths'), p),
      'checkpoint.import': async (p) =>
        importCheckpoint(requireFile('checkpoint.import', p, 'path'), requireString('checkpoint.import', p, 'outDir')),
      'model.backend': async () => computeBackend(),
      'train.start': async (p) => this.track(startTraining(this.jobs, {
        projectDir: requireString('train.start', p, 'projectDir'), stage: requireString('train.start', p, 'stage') as Params<'train.start'>['stage'],
        size: p.size, config: p.config, labels: p.labels,
      })),
      'embed.start': async (p) => this.track(startEmbedding(this.jobs, { projectDir: requireString('embed.start', p, 'projectDir'), size: p.size })),
      'demo.start': async (p) => this.track(startDemo(this.jobs, { ...p, outDir: requireString('demo.start', p, 'outDir') })),
      'jobs.list': async () => this.jobs.list(),
      'jobs.result': async (p) => this.jobResult(requireString('jobs.result', p, 'jobId')),
      'jobs.cancel': async (p) => ({ cancelled: this.jobs.cancel(requireString('jobs.cancel', p, 'jobId')) }),
      'map.layout': async (p) => this.track(this.map.startLayout(requireString('map.layout', p, 'embedding'), p)),
      'map.columns': async () => this.map.columns(),
      'map.column': async (p) => jsonify(await this.map.column(requireString('map.column', p, 'embedding'), requireString('map.column', p, 'column'))),
      'star.detail': async (p) => jsonify(await this.map.starDetail(requireString('star.detail', p, 'starId'), p.embedding, optionalInteger('star.detail', p, 'k', 1))),
      'map.similar': async (p) => ({ neighbours: await this.map.similar(requireString('map.similar', p, 'embedding'), { starId: p.starId, rows: p.rows }, optionalInteger('map.similar', p, 'k', 1)) }),
      'map.classify': async (p) => this.track(await this.map.startClassify(requireString('map.classify', p, 'embedding'), requireString('map.classify', p, 'name'), p.classes, optionalInteger('map.classify', p, 'folds', 2), p.l2, p.classifier)),
      'export.selection': async (p) => this.map.exportSelection({ ...p, embedding: requireString('export.selection', p, 'embedding'), path: requireString('export.selection', p, 'path') }),
      'runs.list': async (p) => jsonify(listRuns(requireString('runs.list', p, 'projectDir'))),
      'runs.get': async (p) => jsonify(getRun(requireString('runs.get', p, 'projectDir'), requireString('runs.get', p, 'run'))),
      'runs.evaluate': async (p) => jsonify(evaluateRun(requireString('runs.evaluate', p, 'projectDir'), requireString('runs.evaluate', p, 'run'), p.threshold)),
    } as Handlers;
  }

  /** Opens the start-up project, if one was given. */
  async init(): Promise<void> {
    if (this.options.projectDir) await this.project.create(this.options.projectDir);
  }

  /** Calls a method; rejects with a ContractError. */
  async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    if (!isMethodName(method)) throw new ContractError('bad-request', `unknown method '${String(method)}'`);
    paramsObject(method, params);
    try {
      return await (this.handlers[method] as Handler<M>)(params);
    } catch (err) {
      throw toContractError(err);
    }
  }

  /** Calls a method named by untrusted input and never throws (for transports). */
  async dispatch(request: RpcRequest): Promise<RpcResponse> {
    try {
      const method = request?.method;
      if (!isMethodName(method)) throw new ContractError('bad-request', `unknown method '${String(method)}'`);
      const result = await this.call(method, (request.params ?? {}) as Params<typeof method>);
      return { ok: true, result };
    } catch (err) {
      return { ok: false, error: toErrorJson(err) };
    }
  }

  /** Listens to one event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    return this.subscribe((message) => {
      if (message.event === event) listener(message.payload as Events[E]);
    });
  }

  /** Listens to every event (transports forward them as they are). */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Cancels running jobs, waits for them to stop, and closes the project store the map holds open. */
  async close(): Promise<void> {
    for (const job of this.jobs.list()) if (job.state === 'running') this.jobs.cancel(job.jobId, 'host shutting down');
    await Promise.all([...this.pending]);
    await this.map.close();
  }

  private readonly pending = new Set<Promise<unknown>>();

  private appInfo(): AppInfo {
    return {
      name: 'DESA Studio',
      version: APP_VERSION,
      backend: this.options.backend,
      projectDir: this.project.dir,
      canPickDirectories: this.options.pickDirectories !== undefined,
    };
  }

  private async pickDirectories(params: Params<'app.pickDirectories'>): Promise<{ paths: string[] }> {
    const pick = this.options.pickDirectories;
    if (!pick) throw new ContractError('unsupported', `app.pickDirectories: no folder dialog in the ${this.options.backend} host; type the path instead`);
    const title = paramsObject('app.pickDirectories', params).title;
    return { paths: await pick(typeof title === 'string' ? title : 'Choose folders') };
  }

  private startIngest(dirs: string[]): { jobId: string } {
    const { jobId, result } = this.project.startIngest(dirs);
    this.trackJob(jobId, result);
    return { jobId };
  }

  private startSynth(params: Params<'synth.start'>): { jobId: string } {
    const m = 'synth.start';
    const { jobId, result } = startSynth(this.jobs, {
      outDir: requireString(m, params, 'outDir'),
      stars: optionalInteger(m, params, 'stars', 1),
      seed: optionalInteger(m, params, 'seed', 0),
      quarters: optionalInteger(m, params, 'quarters', 1),
    });
    this.trackJob(jobId, result);
    return { jobId };
  }

  /** Tracks a started job and answers with its id. */
  private track(started: { jobId: string; result: Promise<unknown> }): { jobId: string } {
    this.trackJob(started.jobId, started.result);
    return { jobId: started.jobId };
  }

  /** Records a job's result and announces `job.done` once it settles. */
  private trackJob(jobId: string, result: Promise<unknown>): void {
    const settled = result
      // A cancelled ingest still reports what it committed (IngestCancelledError.summary).
      .catch((err: unknown) => (err as { summary?: unknown } | null)?.summary ?? null)
      .then((value) => {
        const json = jsonify(value);
        this.results.set(jobId, json);
        this.emitDone(jobId, json);
      });
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
  }

  private emitDone(jobId: string, result: unknown): void {
    const job = this.jobs.get(jobId);
    if (!job || job.state === 'running') return;
    const done: JobDoneEvent = { jobId, kind: job.kind, state: job.state, error: job.error, result };
    this.emit('job.done', done);
  }

  private jobResult(jobId: string): { summary: ReturnType<JobRegistry['list']>[number]; result: unknown } {
    const summary = this.jobs.get(jobId);
    if (!summary) throw new ContractError('unknown-job', `no job with id ${jobId}`);
    return { summary, result: this.results.get(jobId) ?? null };
  }

  private emit<E extends EventName>(event: E, payload: Events[E]): void {
    const message = { event, payload } as EventMessage;
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch {
        // One broken subscriber (a closed socket) must not starve the others.
      }
    }
  }
}

/** Creates the services and opens the start-up project. */
export async function createServices(options: ServiceOptions): Promise<DesaServices> {
  const services = new DesaServices(options);
  await services.init();
  return services;
}
