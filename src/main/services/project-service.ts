/**
 * The open project: which directory it is, its status, and the ingest jobs that fill it.
 *
 * The store is opened for the duration of one request and closed again, because ingest opens the
 * same store as the single writer; a request that arrives while ingest runs on this project gets
 * the status ingest reports when it finishes (the last known status until then).
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ContractError, type IngestSummary, type ProjectStatus } from '../../shared/contract';
import { ingest } from '../ingest/index';
import type { JobRegistry } from '../jobs/registry';
import { ProjectStore } from '../store/index';

export class ProjectSession {
  private currentDir: string | null = null;
  private lastStatus: ProjectStatus | null = null;
  private runningIngest: string | null = null;

  constructor(private readonly jobs: JobRegistry) {}

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
    this.currentDir = abs;
    return status;
  }

  /** Creates a project in `dir` (an existing one is opened as is). */
  async create(dir: string): Promise<ProjectStatus> {
    const abs = resolve(dir);
    const status = await this.readStatus(abs, 'create');
    this.currentDir = abs;
    return status;
  }

  /** Status of the open project. */
  async status(): Promise<ProjectStatus> {
    const dir = this.requireDir('project.status');
    if (this.runningIngest && this.lastStatus) return this.lastStatus;
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
    const started = this.jobs.start('ingest', (ctx) =>
      ingest(dirs.map((d) => resolve(d)), projectDir, { signal: ctx.signal, onProgress: ctx.onProgress }),
    );
    this.runningIngest = started.jobId;
    const result = started.result.finally(() => {
      this.runningIngest = null;
    });
    result.catch(() => undefined);
    return { jobId: started.jobId, result };
  }

  private requireDir(method: string): string {
    if (!this.currentDir) throw new ContractError('no-project', `${method}: no project is open (open or create one first)`);
    return this.currentDir;
  }

  private async readStatus(dir: string, mode: 'open' | 'create'): Promise<ProjectStatus> {
    const store = mode === 'open' ? await ProjectStore.open(dir) : await ProjectStore.create(dir);
    try {
      this.lastStatus = await store.status();
      return this.lastStatus;
    } finally {
      await store.close();
    }
  }
}
