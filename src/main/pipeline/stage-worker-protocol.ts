/** Messages between StageWorker (the thread owning the project store) and stage.worker.ts. */
import type { MessagePort } from 'node:worker_threads';
import type { TrainConfig, TrainingStage, TrainStepReport } from '../../shared/training';
import type { ErrorJson } from '../jobs/rpc';
import type { BackendChoice } from '../model/backend/select';
import type { ModelSize } from '../model/configs';
import type { PipelineLabels } from './stages';

/** What the worker is started with (`workerData`). */
export interface StageWorkerData {
  /** Backends to probe, in order; absent = the full probe (or DESA_BACKEND). */
  backends?: BackendChoice[];
}

/**
 * The backend a worker runs: its name (e.g. 'cpu-native'), the tfjs backend under it, the probe's
 * one-line description and every probe's outcome (what the GUI and CLI show).
 */
export interface WorkerBackend {
  active: string;
  tfBackend: string;
  description: string;
  probes: { name: string; ok: boolean; detail: string }[];
}

/** One job: train a stage, or embed every star. */
export type StageJob = { kind: 'train'; stage: TrainingStage; config: TrainConfig } | { kind: 'embed' };

export type HostMessage =
  | {
      type: 'run';
      id: number;
      job: StageJob;
      context: { projectDir: string; size: ModelSize; labels: PipelineLabels };
      /** The store stand-in's channel (served by the host with serveMethods). */
      store: MessagePort;
    }
  | { type: 'cancel'; id: number; reason: string };

export type WorkerMessage =
  /** Sent once, when tfjs and the backend are initialised. */
  | { type: 'ready'; backend: WorkerBackend }
  | { type: 'step'; id: number; stage: string; report: TrainStepReport }
  | { type: 'done'; id: number; value: unknown }
  | { type: 'failed'; id: number; error: ErrorJson };
