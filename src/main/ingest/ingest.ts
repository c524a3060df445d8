/**
 * Ingest: scan folders, parse new or changed files on every core, and stream the results to the
 * project store's single writer in batches.
 *
 * Memory stays bounded: the pool yields results in scan order and never runs more than
 * 2 x cores + one batch of files ahead of the writer (back-pressure through the async generator),
 * so at most about two batches of parsed arrays are held at once. Each batch is one transaction, so a crash or a cancel keeps every batch
 * already written and the next ingest continues from there (unchanged files are not read again).
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CancelledError, type JobProgress } from '../../shared/jobs';
import type { IngestSummary } from '../../shared/project';
import { isCancelled, throwIfCancelled } from '../jobs/cancel';
import { WorkerPool } from '../jobs/pool';
import { ProgressTracker } from '../jobs/progress';
import { workerUrl } from '../jobs/worker-url';
import { ProjectStore, type FileOutcome, type FileRecord, type FileWrite } from '../store/index';
import type { ReadResult, ReadTask } from './read-file';
import { scanForFits, type ScannedFile } from './scan';

export interface IngestOptions {
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
  /** Job id used in progress events and provenance (default: a fresh UUID). */
  jobId?: string;
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Files per store transaction (default 16). */
  batchSize?: number;
  /** Recorded in provenance. */
  appVersion?: string;
  /** Spectrum-to-star position match radius, arcsec (default 3). */
  matchRadiusArcsec?: number;
}

/** Thrown when ingest is cancelled; what was committed before stays, described by `summary`. */
export class IngestCancelledError extends CancelledError {
  constructor(readonly summary: IngestSummary) {
    super('ingest cancelled');
  }
}

/**
 * Ingests every LAMOST/Kepler/K2 file under `dirs` into the project at `projectDir` (created if
 * needed). Unchanged files since the last ingest are not read again; bad files are skipped with a
 * reason naming the file. Rejects with IngestCancelledError when `opts.signal` aborts.
 */
export async function ingest(dirs: string[], projectDir: string, opts: IngestOptions = {}): Promise<IngestSummary> {
  const store = await ProjectStore.create(projectDir);
  try {
    return await ingestInto(store, dirs, opts);
  } finally {
    await store.close();
  }
}

/** Same as ingest(), into an already open store. */
export async function ingestInto(store: ProjectStore, dirs: string[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const started = new Date();
  const jobId = opts.jobId ?? randomUUID();
  const tracker = new ProgressTracker({ jobId, kind: 'ingest', unit: 'files', phase: 'scanning', onProgress: opts.onProgress });
  const run = { filesSeen: 0, filesRead: 0, filesUnchanged: 0, spectraRead: 0, lightCurvesRead: 0, filesSkipped: 0 };

  tracker.flush();
  const scanned = scanForFits(dirs, [store.dir]);
  run.filesSeen = scanned.length;
  const known = await store.fileRecords();
  const toRead = scanned.filter((f) => !sameStat(known.get(f.path), f));
  run.filesUnchanged = scanned.length - toRead.length;

  let cancelled = false;
  tracker.setPhase('reading files', { total: toRead.length });
  if (toRead.length > 0) {
    const pool = new WorkerPool<ReadTask, ReadResult>(workerUrl(import.meta.url, './parse'), { size: opts.workers });
    const batchSize = Math.max(1, opts.batchSize ?? 16);
    let batch: FileWrite[] = [];
    const writeBatch = async (): Promise<void> => {
      if (batch.length === 0) return;
      const results = await store.writeBatch(batch);
      batch = [];
      for (const r of results) {
        if (r.status === 'skipped') run.filesSkipped++;
        if (r.status === 'unchanged') run.filesUnchanged++;
      }
    };
    const byPath = new Map(toRead.map((f) => [f.path, f]));
    const tasks = toRead.map((f): ReadTask => ({ path: f.path, knownSha256: known.get(f.path)?.sha256 ?? null }));
    try {
      // Enough look-ahead that workers parse the next batch while this one is written.
      const concurrency = pool.size * 2 + batchSize;
      for await (const settled of pool.mapOrdered(tasks, { signal: opts.signal, concurrency })) {
        const stat = byPath.get(settled.input.path) as ScannedFile;
        const result: ReadResult = settled.ok
          ? settled.value
          : { path: stat.path, sha256: null, unchanged: false, record: null, error: `${stat.path}: could not be read (${settled.error.message})` };
        const outcome = toOutcome(result);
        if (outcome.kind !== 'unchanged') run.filesRead++;
        if (outcome.kind === 'spectrum') run.spectraRead++;
        if (outcome.kind === 'lightcurve') run.lightCurvesRead++;
        // A worker that died (not the file's fault) is reported, but with a stat that never matches,
        // so the next ingest tries the file again.
        const mtimeMs = settled.ok ? stat.mtimeMs : -1;
        batch.push({ path: stat.path, size: stat.size, mtimeMs, sha256: result.sha256, outcome });
        tracker.tick(1, path.basename(stat.path));
        if (batch.length >= batchSize) await writeBatch();
        throwIfCancelled(opts.signal);
      }
    } catch (err) {
      if (!isCancelled(err)) throw err;
      cancelled = true;
    } finally {
      await pool.close();
    }
    // Files parsed before the cancel are complete: keep them.
    await writeBatch();
  }

  tracker.setPhase('matching stars', { total: null, unit: 'stars' });
  await store.rebuildStars(opts.matchRadiusArcsec ?? 3);

  const status = await store.status();
  const summary: IngestSummary = {
    projectDir: store.dir,
    dirs: dirs.map((d) => path.resolve(d)),
    ...run,
    skipped: status.skipped,
    recognised: status.recognised,
    totals: status.counts,
    cancelled,
    elapsedSeconds: (Date.now() - started.getTime()) / 1000,
  };
  await store.recordProvenance({
    jobId, kind: 'ingest', startedAt: started, endedAt: new Date(), appVersion: opts.appVersion ?? 'dev',
    params: { dirs: summary.dirs, matchRadiusArcsec: opts.matchRadiusArcsec ?? 3 },
    result: { ...run, cancelled, totals: summary.totals },
  });
  tracker.setPhase(cancelled ? 'cancelled' : 'done', { total: run.filesSeen, unit: 'files', done: cancelled ? run.filesRead + run.filesUnchanged : run.filesSeen });
  if (cancelled) throw new IngestCancelledError(summary);
  return summary;
}

/** Same path, size and modification time as last time: not read again. */
function sameStat(rec: FileRecord | undefined, f: ScannedFile): boolean {
  return rec !== undefined && rec.size === f.size && rec.mtimeMs === f.mtimeMs;
}

function toOutcome(r: ReadResult): FileOutcome {
  // Touched but byte-identical (e.g. copied again): keep what the store holds.
  if (r.unchanged) return { kind: 'unchanged' };
  if (r.error !== null || r.record === null) return { kind: 'skipped', reason: r.error ?? `${r.path}: no record` };
  switch (r.record.kind) {
    case 'spectrum':
      return { kind: 'spectrum', spectrum: r.record };
    case 'lightcurve':
      return { kind: 'lightcurve', lightCurve: r.record };
    default:
      return { kind: 'other', product: r.record.product, reason: r.record.reason };
  }
}
