/**
 * Lasso and rectangle selection off the UI thread, on data coordinates (src/main/map/select.ts
 * is pure typed-array code, so the same functions run here). The points arrive once; each
 * request then sends only the shape, and the selected rows come back transferred.
 */
import { PointGrid, selectLasso, selectRectangle } from '../../main/map/select';
import type { SelectionRequest, SelectionReply } from './selection';

let x: Float32Array = new Float32Array(0);
let y: Float32Array = new Float32Array(0);
// Built lazily on the first lasso of a layout (~80 ms at 1M points), then reused: a lasso then tests
// only the points in grid cells its edges cross.
let grid: PointGrid | null = null;

self.onmessage = (event: MessageEvent<SelectionRequest>) => {
  const msg = event.data;
  if (msg.type === 'points') {
    x = msg.x;
    y = msg.y;
    grid = null;
    return;
  }
  let reply: SelectionReply;
  try {
    const rows = msg.shape.kind === 'lasso' ? selectLasso(x, y, msg.shape.polygon, (grid ??= PointGrid.build(x, y))) : selectRectangle(x, y, msg.shape.rect);
    reply = { id: msg.id, rows, error: null };
  } catch (err) {
    reply = { id: msg.id, rows: new Uint32Array(0), error: err instanceof Error ? err.message : String(err) };
  }
  (self as unknown as Worker).postMessage(reply, [reply.rows.buffer]);
};
