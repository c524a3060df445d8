/** The map's selection worker: send the points once, then ask for the rows inside a lasso or rectangle. */
import type { Rect } from '../../main/map/select';

export type SelectionShape = { kind: 'lasso'; polygon: number[] } | { kind: 'rect'; rect: Rect };

export type SelectionRequest =
  | { type: 'points'; x: Float32Array; y: Float32Array }
  | { type: 'select'; id: number; shape: SelectionShape };

export interface SelectionReply {
  id: number;
  rows: Uint32Array;
  error: string | null;
}

export class SelectionWorker {
  private readonly worker = new Worker(new URL('./selection.worker.ts', import.meta.url), { type: 'module' });
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (rows: Uint32Array) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker.onmessage = (event: MessageEvent<SelectionReply>) => {
      const w = this.waiting.get(event.data.id);
      if (!w) return;
      this.waiting.delete(event.data.id);
      if (event.data.error) w.reject(new Error(event.data.error));
      else w.resolve(event.data.rows);
    };
  }

  /** Hands the layout's coordinates to the worker (copies, so the map keeps its own). */
  setPoints(x: Float32Array, y: Float32Array): void {
    this.worker.postMessage({ type: 'points', x: x.slice(), y: y.slice() } satisfies SelectionRequest);
  }

  /** Rows inside `shape` (sorted, no duplicates). */
  select(shape: SelectionShape): Promise<Uint32Array> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'select', id, shape } satisfies SelectionRequest);
    });
  }

  dispose(): void {
    this.worker.terminate();
  }
}
