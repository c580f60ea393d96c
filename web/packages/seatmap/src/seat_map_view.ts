// The mounted seat map: a canvas in the app's element, a renderer (WebGL, else Canvas 2D),
// the camera and its gestures, seat focus for the keyboard, and frames drawn only when
// something changed. Apps keep the scene, state table and hit index; the view draws them.

import { Camera, cameraKeyAction, pinchStep, wheelZoomFactor } from './camera.ts';
import { type HitIndex, StaticHitIndex } from './hit_index.ts';
import { type Direction, neighbourSeat } from './navigation.ts';
import { CanvasRenderer } from './render/canvas_renderer.ts';
import type { Highlight, RendererKind, SceneRenderer, SeatBatching } from './render/renderer.ts';
import type { Scene } from './scene.ts';
import type { SeatStateTable } from './seat_state.ts';
import type { Point } from './wire.ts';

export interface SeatMapViewOptions {
  /** The element the canvas fills; it is given `tabindex=0` for keyboard use. */
  container: HTMLElement;
  scene: Scene;
  states: SeatStateTable;
  /** Defaults to a static (Flatbush) index; the designer passes its editable one. */
  hitIndex?: HitIndex;
  /** `auto` tries WebGL and falls back to Canvas 2D. */
  renderer?: 'auto' | RendererKind;
  batching?: SeatBatching;
  /** Attach wheel, drag, pinch and keyboard handling (off for a designer with its own tools). */
  gestures?: boolean;
  /** A click or tap on a seat (or Enter / Space on the focused seat). */
  onSeatActivate?: (seat: number) => void;
  /** A click on a block where no seat is: standing areas, and blocks at far zoom. */
  onBlockActivate?: (block: number, world: Point) => void;
  /** The seat under the pointer changed (-1 when none): tooltips. */
  onHover?: (seat: number, screen: Point) => void;
  /** The keyboard focus moved to a seat: announce it, show its tooltip. */
  onFocus?: (seat: number) => void;
}

export class SeatMapView {
  readonly camera: Camera;
  hitIndex: HitIndex;
  private readonly container: HTMLElement;
  private readonly renderer: SceneRenderer;
  private readonly options: SeatMapViewOptions;
  private scene: Scene;
  private states: SeatStateTable;
  private focus = -1;
  private highlight: Highlight = { seats: [], blocks: [] };
  private frame = 0;
  private readonly detach: (() => void)[] = [];

  static async create(options: SeatMapViewOptions): Promise<SeatMapView> {
    const canvas = document.createElement('canvas');
    canvas.style.display = 'block';
    canvas.style.touchAction = 'none';
    options.container.appendChild(canvas);
    let renderer: SceneRenderer | null = null;
    if ((options.renderer ?? 'auto') !== 'canvas2d' && webglAvailable()) {
      try {
        const { PixiRenderer } = await import('./render/pixi_renderer.ts');
        renderer = await PixiRenderer.create(canvas, options.batching ?? 'particles');
      } catch (error) {
        if (options.renderer === 'webgl') throw error;
      }
    }
    if (!renderer) {
      // A canvas that once asked for WebGL cannot give a 2D context.
      const fresh = document.createElement('canvas');
      fresh.style.cssText = canvas.style.cssText;
      canvas.replaceWith(fresh);
      renderer = new CanvasRenderer(fresh);
    }
    return new SeatMapView(options, renderer);
  }

  private constructor(options: SeatMapViewOptions, renderer: SceneRenderer) {
    this.options = options;
    this.container = options.container;
    this.renderer = renderer;
    this.scene = options.scene;
    this.states = options.states;
    this.hitIndex = options.hitIndex ?? new StaticHitIndex(options.scene);
    const { width, height } = this.size();
    this.camera = new Camera({ width, height });
    this.renderer.resize(width, height, devicePixelRatio || 1);
    this.renderer.setScene(this.scene, this.states);
    this.camera.fit(this.scene.bounds);
    this.detach.push(this.states.subscribe(() => this.invalidate()));
    if (options.gestures ?? true) this.attachGestures();
    const observer = new ResizeObserver(() => this.resize());
    observer.observe(this.container);
    this.detach.push(() => observer.disconnect());
  }

  get rendererKind(): RendererKind {
    return this.renderer.kind;
  }

  get canvas(): HTMLCanvasElement {
    return this.renderer.canvas;
  }

  /** Swaps in a new scene (a new layout, or the designer's edit) with its state table. */
  setScene(scene: Scene, states: SeatStateTable, hitIndex?: HitIndex): void {
    this.detach.shift()?.();
    this.scene = scene;
    this.states = states;
    this.hitIndex = hitIndex ?? new StaticHitIndex(scene);
    this.detach.unshift(states.subscribe(() => this.invalidate()));
    this.renderer.setScene(scene, states);
    if (this.focus >= scene.seatCount) this.focus = -1;
    this.invalidate();
  }

  setHighlight(highlight: Highlight): void {
    this.highlight = highlight;
    this.invalidate();
  }

  /** Moves the keyboard focus to a seat (or -1), bringing it on screen. */
  setFocus(seat: number): void {
    this.focus = seat;
    if (seat >= 0) this.camera.reveal(this.scene.seatBounds(seat));
    this.invalidate();
    if (seat >= 0) this.options.onFocus?.(seat);
  }

  get focusedSeat(): number {
    return this.focus;
  }

  fit(): void {
    this.camera.fit(this.scene.bounds);
    this.invalidate();
  }

  /** Asks for a frame on the next animation frame; many calls make one frame. */
  invalidate(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderNow();
    });
  }

  /** Draws now (benchmarks, tests); apps use `invalidate`. */
  renderNow(): void {
    if (this.renderer.draw(this.camera, this.focus, this.highlight, performance.now())) this.invalidate();
  }

  /** Waits for the GPU to finish the frames drawn so far (benchmarks only). */
  finish(): void {
    this.renderer.finish();
  }

  /** The seat at a point in the container's CSS pixels, or -1. */
  seatAtScreen(point: Point): number {
    const world = this.camera.screenToWorld(point);
    return this.hitIndex.seatAt(world.x, world.y);
  }

  destroy(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    for (const undo of this.detach) undo();
    this.renderer.destroy();
    this.renderer.canvas.remove();
  }

  private size(): { width: number; height: number } {
    return { width: this.container.clientWidth || 300, height: this.container.clientHeight || 150 };
  }

  private resize(): void {
    const { width, height } = this.size();
    if (width === this.camera.viewport.width && height === this.camera.viewport.height) return;
    this.camera.resize({ width, height });
    this.renderer.resize(width, height, devicePixelRatio || 1);
    this.invalidate();
  }

  private attachGestures(): void {
    const element = this.renderer.canvas;
    const container = this.container;
    if (!container.hasAttribute('tabindex')) container.tabIndex = 0;
    const pointers = new Map<number, Point>();
    let moved = 0;
    const local = (event: PointerEvent | WheelEvent): Point => {
      const box = element.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    };
    const on = <K extends keyof HTMLElementEventMap>(
      target: HTMLElement,
      type: K,
      handler: (event: HTMLElementEventMap[K]) => void,
      passive = true,
    ) => {
      target.addEventListener(type, handler, { passive });
      this.detach.push(() => target.removeEventListener(type, handler));
    };
    on(
      element,
      'wheel',
      (event) => {
        event.preventDefault();
        // Trackpad pinches arrive as wheel events with ctrlKey; plain two-finger scrolls pan.
        if (event.ctrlKey || event.deltaMode !== 0 || Math.abs(event.deltaX) < 1) {
          this.camera.zoomAt(local(event), wheelZoomFactor(event.deltaY, event.deltaMode));
        } else {
          this.camera.panBy(-event.deltaX, -event.deltaY);
        }
        this.invalidate();
      },
      false,
    );
    on(element, 'pointerdown', (event) => {
      element.setPointerCapture(event.pointerId);
      pointers.set(event.pointerId, local(event));
      moved = 0;
    });
    on(element, 'pointermove', (event) => {
      const point = local(event);
      const previous = pointers.get(event.pointerId);
      if (!previous) {
        this.options.onHover?.(this.seatAtScreen(point), point);
        return;
      }
      if (pointers.size === 2) {
        const [a, b] = [...pointers.entries()];
        if (!a || !b) return;
        const before = { a: a[1], b: b[1] };
        pointers.set(event.pointerId, point);
        const after = { a: pointers.get(a[0]) ?? a[1], b: pointers.get(b[0]) ?? b[1] };
        const step = pinchStep(before, after);
        this.camera.panBy(step.pan.x, step.pan.y);
        this.camera.zoomAt(step.centre, step.factor);
        moved += 10;
      } else {
        this.camera.panBy(point.x - previous.x, point.y - previous.y);
        moved += Math.abs(point.x - previous.x) + Math.abs(point.y - previous.y);
        pointers.set(event.pointerId, point);
      }
      this.invalidate();
    });
    const release = (event: PointerEvent) => {
      const wasTap = pointers.size === 1 && moved < 5;
      pointers.delete(event.pointerId);
      if (wasTap && event.type === 'pointerup') this.activateAt(local(event));
    };
    on(element, 'pointerup', release);
    on(element, 'pointercancel', release);
    on(
      container,
      'keydown',
      (event) => {
        const arrow = ARROWS[event.key];
        if (arrow && !event.shiftKey) {
          event.preventDefault();
          const from = this.focus >= 0 ? this.focus : this.firstVisibleSeat();
          const next = this.focus >= 0 ? neighbourSeat(this.scene, from, arrow) : from;
          if (next >= 0) this.setFocus(next);
          return;
        }
        if ((event.key === 'Enter' || event.key === ' ') && this.focus >= 0) {
          event.preventDefault();
          this.options.onSeatActivate?.(this.focus);
          return;
        }
        const action = cameraKeyAction(event.key, event.shiftKey);
        if (!action) return;
        event.preventDefault();
        if (action.kind === 'zoom') this.camera.zoomBy(action.factor);
        else if (action.kind === 'pan') this.camera.panBy(action.dx, action.dy);
        else this.camera.fit(this.scene.bounds);
        this.invalidate();
      },
      false,
    );
  }

  private activateAt(point: Point): void {
    const seat = this.camera.levelOfDetail() === 'far' ? -1 : this.seatAtScreen(point);
    if (seat >= 0) {
      this.options.onSeatActivate?.(seat);
      return;
    }
    const world = this.camera.screenToWorld(point);
    const block = this.hitIndex.blockAt(world.x, world.y);
    if (block >= 0) this.options.onBlockActivate?.(block, world);
  }

  private firstVisibleSeat(): number {
    const seats = this.hitIndex.seatsIn(this.camera.visibleRect());
    return seats[0] ?? (this.scene.seatCount > 0 ? 0 : -1);
  }
}

const ARROWS: Record<string, Direction> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
};

function webglAvailable(): boolean {
  try {
    const probe = document.createElement('canvas');
    return !!(probe.getContext('webgl2') ?? probe.getContext('webgl'));
  } catch {
    return false;
  }
}
