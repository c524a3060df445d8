/**
 * The Project screen's state: the open project, a running ingest's live progress, and the last
 * ingest summary. One instance per app (the header shows the project name from it too).
 */
import type { IngestSummary, JobDoneEvent, ProjectStatus } from '../../../shared/contract';
import type { JobProgress } from '../../../shared/jobs';
import type { DesaClient } from '../../client/index';

export class ProjectState {
  status = $state<ProjectStatus | null>(null);
  progress = $state<JobProgress | null>(null);
  summary = $state<IngestSummary | null>(null);
  jobId = $state<string | null>(null);
  cancelling = $state(false);
  busy = $state(false);
  error = $state<string | null>(null);
  /** True in the desktop app, where folders can be chosen with the native dialog. */
  canPickDirectories = $state(false);

  /** The project folder's last path component, for the header. */
  readonly name = $derived(this.status ? (this.status.projectDir.split(/[\\/]/).filter(Boolean).pop() ?? '') : null);

  constructor(private readonly client: DesaClient) {
    client.on('job.progress', (p) => {
      if (p.jobId === this.jobId) this.progress = p;
    });
    client.on('job.done', (event) => void this.onJobDone(event));
  }

  /** Picks up the project the host opened at start-up, if any. */
  async init(): Promise<void> {
    const info = await this.client.call('app.info', {});
    this.canPickDirectories = info.canPickDirectories;
    if (info.projectDir) await this.run(async () => (this.status = await this.client.call('project.status', {})));
  }

  /** Opens the project in `dir`, creating it when it does not exist yet. */
  async open(dir: string): Promise<void> {
    await this.run(async () => {
      this.status = await this.client.call('project.create', { dir: dir.trim() });
      this.summary = null;
    });
  }

  /** Starts ingesting the given folders into the open project. */
  async startIngest(dirs: string[]): Promise<void> {
    await this.run(async () => {
      this.summary = null;
      this.progress = null;
      this.cancelling = false;
      const { jobId } = await this.client.call('ingest.start', { dirs });
      this.jobId = jobId;
    });
  }

  /** Asks the desktop's folder dialog for folders; empty when cancelled or unavailable. */
  async pickDirectories(title: string): Promise<string[]> {
    let paths: string[] = [];
    await this.run(async () => (paths = (await this.client.call('app.pickDirectories', { title })).paths));
    return paths;
  }

  async cancel(): Promise<void> {
    if (!this.jobId) return;
    this.cancelling = true;
    await this.run(async () => void (await this.client.call('jobs.cancel', { jobId: this.jobId! })));
  }

  private async onJobDone(event: JobDoneEvent): Promise<void> {
    if (event.jobId !== this.jobId) return;
    this.jobId = null;
    this.progress = null;
    this.cancelling = false;
    if (event.state === 'failed') this.error = event.error ?? 'ingest failed';
    if (event.result) this.summary = event.result as IngestSummary;
    await this.run(async () => (this.status = await this.client.call('project.status', {})));
  }

  /** Runs a request, showing its error (a message naming the file and the problem) if it fails. */
  private async run(action: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      await action();
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.busy = false;
    }
  }
}
