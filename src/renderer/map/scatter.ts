/**
 * The map canvas: deck.gl's ScatterplotLayer in an OrthographicView (data coordinates, y up) fed
 * with binary attributes (interleaved float32 positions, RGBA bytes), so a million points cost
 * two typed arrays and no per-point objects. Zoom with the wheel, pan by dragging. Clicks are
 * resolved on the CPU (`nearest`), not by GPU picking: a scan of the positions costs a few ms
 * even at a million points and behaves the same under software WebGL.
 */
import { Deck, OrthographicView, type OrthographicViewState } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';

/** What the map shows: the data point at the canvas centre and the zoom (log2 pixels per data unit). */
export interface MapView {
  target: [number, number];
  zoom: number;
}

export interface ScatterOptions {
  /** Called after every drawn frame with the number of points drawn. */
  onRendered?: (points: number) => void;
  /** Called when the view changes (pan, zoom, fit, setView). */
  onViewChange?: (view: MapView) => void;
}

export class ScatterMap {
  private readonly deck: Deck<OrthographicView>;
  private positions: Float32Array = new Float32Array(0);
  private colours: Uint8Array = new Uint8Array(0);
  private n = 0;
  private version = 0;
  private radius = 3;
  private current: MapView = { target: [0, 0], zoom: 0 };

  constructor(private readonly parent: HTMLDivElement, private readonly options: ScatterOptions = {}) {
    this.deck = new Deck<OrthographicView>({
      parent,
      views: new OrthographicView({ id: 'map', flipY: false }),
      initialViewState: { target: [0, 0, 0], zoom: 0 } satisfies OrthographicViewState,
      controller: { doubleClickZoom: false, dragRotate: false } as never,
      layers: [],
      getCursor: ({ isDragging }) => (isDragging ? 'grabbing' : 'crosshair'),
      onAfterRender: () => this.options.onRendered?.(this.n),
      onViewStateChange: ({ viewState }) => {
        const v = viewState as OrthographicViewState;
        const [x, y] = (v.target ?? [0, 0]) as number[];
        this.viewChanged({ target: [x, y], zoom: typeof v.zoom === 'number' ? v.zoom : 0 });
      },
    });
  }

  /** The current view. */
  get view(): MapView {
    return { target: [...this.current.target], zoom: this.current.zoom };
  }

  /** Shows `view` (a saved view being restored). */
  setView(view: MapView): void {
    this.deck.setProps({ initialViewState: { target: [view.target[0], view.target[1], 0], zoom: view.zoom } });
    this.viewChanged(view);
  }

  /** New coordinates (a new layout), shown in `view` or else fitted into view. */
  setPoints(x: Float32Array, y: Float32Array, view?: MapView): void {
    this.n = x.length;
    this.positions = new Float32Array(this.n * 2);
    for (let i = 0; i < this.n; i++) {
      this.positions[i * 2] = x[i];
      this.positions[i * 2 + 1] = y[i];
    }
    // Smaller points as maps grow, so dense regions read as density rather than a blot.
    this.radius = this.n > 200_000 ? 1 : this.n > 20_000 ? 1.8 : 3.2;
    if (view) this.setView(view);
    else this.fit(x, y);
    this.update();
  }

  /** New colours (RGBA bytes per point). */
  setColours(colours: Uint8Array): void {
    this.colours = colours;
    this.update();
  }

  /** Zooms and pans so every point is in view with a margin. */
  fit(x: Float32Array, y: Float32Array): void {
    let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
      xMin = Math.min(xMin, x[i]); xMax = Math.max(xMax, x[i]);
      yMin = Math.min(yMin, y[i]); yMax = Math.max(yMax, y[i]);
    }
    if (!Number.isFinite(xMin)) return;
    const { width, height } = this.parent.getBoundingClientRect();
    const scale = 0.9 * Math.min(width / Math.max(xMax - xMin, 1e-9), height / Math.max(yMax - yMin, 1e-9));
    this.setView({ target: [(xMin + xMax) / 2, (yMin + yMax) / 2], zoom: Math.log2(scale) });
  }

  /** Canvas pixel (relative to the canvas' top-left) → data coordinates. */
  unproject(px: number, py: number): [number, number] {
    const [x, y] = this.viewport().unproject([px, py]);
    return [x, y];
  }

  /** Data coordinates → canvas pixel (relative to the canvas' top-left). */
  project(x: number, y: number): [number, number] {
    const [px, py] = this.viewport().project([x, y]);
    return [px, py];
  }

  /** The row drawn nearest to canvas pixel (px, py), if one lies within `maxPixels`; else null. */
  nearest(px: number, py: number, maxPixels = 6): number | null {
    const [x, y] = this.unproject(px, py);
    const [ex] = this.unproject(px + maxPixels, py);
    const limit = (ex - x) ** 2;
    let best: number | null = null;
    let bestD = limit;
    for (let i = 0; i < this.n; i++) {
      const d = (this.positions[i * 2] - x) ** 2 + (this.positions[i * 2 + 1] - y) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  /** Turns drag-to-pan on (pan mode) or off (while drawing a lasso or rectangle). */
  setPanning(on: boolean): void {
    this.deck.setProps({ controller: on ? ({ doubleClickZoom: false, dragRotate: false } as never) : false });
  }

  destroy(): void {
    this.deck.finalize();
  }

  private viewChanged(view: MapView): void {
    this.current = { target: [view.target[0], view.target[1]], zoom: view.zoom };
    this.options.onViewChange?.(this.view);
  }

  private viewport() {
    const viewport = this.deck.getViewports()[0];
    if (!viewport) throw new Error('the map has not been drawn yet');
    return viewport;
  }

  private update(): void {
    if (this.colours.length !== this.n * 4) return;
    this.version++;
    this.deck.setProps({
      layers: [
        new ScatterplotLayer({
          id: 'points',
          data: {
            length: this.n,
            attributes: {
              getPosition: { value: this.positions, size: 2 },
              getFillColor: { value: this.colours, size: 4, normalized: true },
            },
          },
          radiusUnits: 'pixels',
          getRadius: this.radius,
          radiusMinPixels: 1,
          pickable: false,
          stroked: false,
          updateTriggers: { getFillColor: this.version, getPosition: this.version },
        } as never),
      ],
    });
  }
}
