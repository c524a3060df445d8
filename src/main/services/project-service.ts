/**
 * The open project: which directory it is, its status, and the ingest jobs that fill it.
 *
 * The store is opened for the duration of one request and closed again (the store shares one
 * DuckDB instance per file inside the process, so a status read during ingest sees what ingest has
 * committed so far). One ingest at a time per session: the store has a single writer.
 *
 * The store (DuckDB, native) and ingest are imported on first use, so hosts and CLI commands that
 * never touch a project start without loading them.
 *
 * Each project keeps its session (subsets, colouring, view; src/shared/session.ts) in its folder,
 * and every project opened is remembered in the user settings' recent projects (when the host
 * keeps settings).
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ContractError, type IngestSummary, type ProjectStatus } from '../../shared/contract';
import type { RecentProject, SavedSession, SessionLoadResult } from '../../shared/session';
import type { JobRegistry } from '../jobs/registry';
import { readSession, SessionFormatError, writeSession } from './session-store';
import type { UserSettings } from './user-settings';

export class ProjectSession {
  private currentDir: string | null = null;
  private runningIngest: string | null = null;

  /** `settings`: where recent projects are remembered; null keeps none (the CLI). */
  constructor(private readonly jobs: JobRegistry, private readonly settings: UserSettings | null = null) {}

  /** The open project's directory, or null. */
  get dir(): string | null {
    return this.currentDir;
  }

  /** Opens an existing project; fails with 'not-found' when `dir` holds none. */
  async open(dir: string): Promise<ProjectStatus> {
    const abs = resolve(dir);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) {
      throw new ContractError('not-found', `${abs}: no such project directory`);
    }
    const status = await this.readStatus(abs, 'open');
    this.opened(abs);
    return status;
  }

  /** Creates a project in `dir` (an existing one is opened as is). */
  async create(dir: string): Promise<ProjectStatus> {
    const abs = resolve(dir);
    const status = await this.readStatus(abs, 'create');
    this.opened(abs);
    return status;
  }

  /** The open project's saved session; a bad file comes back as `problem`, never as an error. */
  loadSession(): SessionLoadResult {
    return readSession(this.requireDir('session.load'));
  }

  /**
   * Saves the map session into the open project's folder (atomically). `projectDir` must be the
   * open project, so a save that was pending when the user switched projects cannot land in the new one.
   * @throws ContractError 'bad-request' naming the bad field, or when another project is open
   */
  saveSession(projectDir: string, map: unknown): SavedSession {
    const dir = this.requireDir('session.save');
    if (resolve(projectDir) !== dir) throw new ContractError('bad-request', `session.save: ${resolve(projectDir)} is not the open project (${dir})`);
    try {
      return writeSession(dir, map);
    } catch (err) {
      if (err instanceof SessionFormatError) throw new ContractError('bad-request', `session.save: '${err.field.replace(/^map/, 'session')}' ${err.problem}`);
      throw err;
    }
  }

  /** Recently opened projects, newest first (none when the host keeps no settings). */
  recentProjects(): RecentProject[] {
    return this.settings?.recentProjects() ?? [];
  }

  /** Status of the open project. */
  async status(): Promise<ProjectStatus> {
    const dir = this.requireDir('project.status');
    return this.readStatus(dir, 'open');
  }

  /** Starts an ingest job into the open project; returns its job id at once. */
  startIngest(dirs: string[]): { jobId: string; result: Promise<IngestSummary> } {
    const projectDir = this.requireDir('ingest.start');
    if (this.runningIngest) {
      throw new ContractError('bad-request', `ingest.start: an ingest (job ${this.runningIngest}) is already running on ${projectDir}`);
    }
    for (const d of dirs) {
      if (!existsSync(d)) throw new ContractError('not-found', `${resolve(d)}: no such file or directory`);
    }
    const started = this.jobs.start('ingest', async (ctx) => {
      const { ingest } = await import('../ingest/index');
      return ingest(dirs.map((d) => resolve(d)), projectDir, { signal: ctx.signal, onProgress: ctx.onProgress, jobId: ctx.jobId });
    });
    this.runningIngest = started.jobId;
    const result = started.result.finally(() => {
      this.runningIngest = null;
    });
    result.catch(() => undefined);
    return { jobId: started.jobId, result };
  }

  private opened(dir: string): void {
    this.currentDir = dir;
    try {
      this.settings?.addRecentProject(dir);
    } catch {
      // An unwritable settings folder costs the recent list, not the project.
    }
  }

  private requireDir(method: string): string {
    if (!this.currentDir) throw new ContractError('no-project', `${method}: no project is open (open or create one first)`);
    return this.currentDir;
  }

  private async readStatus(dir: string, mode: 'open' | 'create'): Promise<ProjectStatus> {
    const { ProjectStore } = await import('../store/index');
    const store = mode === 'open' ? await ProjectStore.open(dir) : await ProjectStore.create(dir);
    try {
      return await store.status();
    } finally {
      await store.close();
    }
  }
}
