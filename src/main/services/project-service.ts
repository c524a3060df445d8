/**
 * The open project: which directory it is, its status, and the ingest jobs that fill it.
 *
 * The store is opened for the duration of one request and closed again (the store shares one
 * DuckDB instance per file inside the process, so a status read during ingest sees what ingest has
 * committed so far). One ingest at a time per session: the store has a single writer.
 *
 * The store (DuckDB, native) and ingest are imported on first use, so hosts and CLI commands that
 * never touch a project start without loading them.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ContractError, type IngestSummary, type ProjectStatus } from '../../shared/contract';
import type { JobRegistry } from '../jobs/registry';

export class ProjectSession {
  private currentDir: string | null = null;
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
