/**
 * The Project screen's state: the open project, its saved session, the recent projects, a running
 * ingest's live progress, and the last ingest summary. One instance per app (the header shows the
 * project name from it too).
 */
import type { IngestSummary, JobDoneEvent, ProjectStatus } from '../../../shared/contract';
import type { RecentProject, SavedSession } from '../../../shared/session';
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
  /** The open project's saved session (null: none, or unreadable: see sessionProblem). */
  session = $state.raw<SavedSession | null>(null);
  /** Why the saved session could not be restored, naming the file and the problem. */
  sessionProblem = $state<string | null>(null);
  /** Counts project openings, so screens restore the session once per opening (reopening included). */
  opening = $state(0);
  /** Projects opened before, newest first. */
  recent = $state<RecentProject[]>([]);
  /** Run before another project is opened (e.g. the map saving its pending session changes). */
  private readonly beforeSwitch = new Set<() => Promise<void>>();

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
    if (info.projectDir) {
      await this.run(async () => this.opened(await this.client.call('project.status', {})));
    }
    await this.loadRecent();
  }

  /** Opens the project in `dir`, creating it when it does not exist yet. */
  async open(dir: string): Promise<void> {
    await this.switchTo('project.create', dir);
  }

  /** Opens an existing project (a recent one): fails, saying so, when the folder holds none. */
  async openExisting(dir: string): Promise<void> {
    await this.switchTo('project.open', dir);
  }

  /** Registers work to finish before another project is opened; returns the unregister function. */
  onBeforeSwitch(action: () => Promise<void>): () => void {
    this.beforeSwitch.add(action);
    return () => this.beforeSwitch.delete(action);
  }

  private async switchTo(method: 'project.open' | 'project.create', dir: string): Promise<void> {
    await this.run(async () => {
      await Promise.all([...this.beforeSwitch].map((f) => f()));
      await this.opened(await this.client.call(method, { dir: dir.trim() }));
      this.summary = null;
    });
    await this.loadRecent();
  }

  /**
   * Shows a newly opened project with its saved session (a damaged file is reported, and the
   * project stays open). Status, session and the opening count change together, so screens
   * never see the new project with the previous one's session.
   */
  private async opened(status: ProjectStatus): Promise<void> {
    const r = await this.client.call('session.load', {});
    this.status = status;
    this.session = r.session;
    this.sessionProblem = r.problem;
    this.opening++;
  }

  private async loadRecent(): Promise<void> {
    try {
      this.recent = (await this.client.call('app.recentProjects', {})).projects;
    } catch {
      this.recent = []; // a host without settings; the list is a convenience
    }
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
