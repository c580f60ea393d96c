// The camera: which part of the world is on screen and at what scale, and the level of
// detail that follows from it. Screen = (world - offset) * scale, in CSS pixels.

import { type Rect, SEAT_PITCH } from './scene.ts';
import type { Point, Size } from './wire.ts';

/** far: blocks as tier-coloured shapes; near: individual seats; labels: seats with their labels. */
export type LevelOfDetail = 'far' | 'near' | 'labels';

export interface CameraLimits {
  minScale: number;
  maxScale: number;
}

/** Seat pitch on screen, in CSS pixels, at which each level of detail starts. */
export const LOD_THRESHOLDS = { near: 5, labels: 26 } as const;

export class Camera {
  /** World point drawn at the screen's top-left corner. */
  x = 0;
  y = 0;
  scale = 1;
  viewport: Size;
  limits: CameraLimits;

  constructor(viewport: Size, limits: CameraLimits = { minScale: 0.005, maxScale: 8 }) {
    this.viewport = { ...viewport };
    this.limits = { ...limits };
  }

  worldToScreen(point: Point): Point {
    return { x: (point.x - this.x) * this.scale, y: (point.y - this.y) * this.scale };
  }

  screenToWorld(point: Point): Point {
    return { x: point.x / this.scale + this.x, y: point.y / this.scale + this.y };
  }

  /** The world rectangle on screen. */
  visibleRect(): Rect {
    return {
      minX: this.x,
      minY: this.y,
      maxX: this.x + this.viewport.width / this.scale,
      maxY: this.y + this.viewport.height / this.scale,
    };
  }

  /** Moves the view by a screen distance (a drag of `dx, dy` moves the world with the pointer). */
  panBy(dx: number, dy: number): void {
    this.x -= dx / this.scale;
    this.y -= dy / this.scale;
  }

  /** Zooms by `factor` keeping the world point under the screen point `at` where it is. */
  zoomAt(at: Point, factor: number): void {
    const before = this.screenToWorld(at);
    this.scale = clamp(this.scale * factor, this.limits.minScale, this.limits.maxScale);
    this.x = before.x - at.x / this.scale;
    this.y = before.y - at.y / this.scale;
  }

  /** Zooms about the middle of the screen. */
  zoomBy(factor: number): void {
    this.zoomAt({ x: this.viewport.width / 2, y: this.viewport.height / 2 }, factor);
  }

  /** Fits a world rectangle in the viewport, centred, with `padding` CSS pixels around it. */
  fit(rect: Rect, padding = 16): void {
    const width = Math.max(rect.maxX - rect.minX, 1);
    const height = Math.max(rect.maxY - rect.minY, 1);
    const room = {
      width: Math.max(this.viewport.width - 2 * padding, 1),
      height: Math.max(this.viewport.height - 2 * padding, 1),
    };
    this.scale = clamp(
      Math.min(room.width / width, room.height / height),
      this.limits.minScale,
      this.limits.maxScale,
    );
    this.x = (rect.minX + rect.maxX) / 2 - this.viewport.width / 2 / this.scale;
    this.y = (rect.minY + rect.maxY) / 2 - this.viewport.height / 2 / this.scale;
  }

  /** Pans the least distance that brings a world rectangle (a focused seat) fully on screen. */
  reveal(rect: Rect, margin = 24): void {
    const view = this.visibleRect();
    const m = margin / this.scale;
    if (rect.minX - m < view.minX) this.x = rect.minX - m;
    else if (rect.maxX + m > view.maxX) this.x = rect.maxX + m - this.viewport.width / this.scale;
    if (rect.minY - m < view.minY) this.y = rect.minY - m;
    else if (rect.maxY + m > view.maxY) this.y = rect.maxY + m - this.viewport.height / this.scale;
  }

  resize(viewport: Size): void {
    // Keep the centre where it was.
    const centre = this.screenToWorld({ x: this.viewport.width / 2, y: this.viewport.height / 2 });
    this.viewport = { ...viewport };
    this.x = centre.x - viewport.width / 2 / this.scale;
    this.y = centre.y - viewport.height / 2 / this.scale;
  }

  levelOfDetail(): LevelOfDetail {
    return levelOfDetailAt(this.scale);
  }
}

export function levelOfDetailAt(scale: number): LevelOfDetail {
  const pitch = SEAT_PITCH * scale;
  if (pitch < LOD_THRESHOLDS.near) return 'far';
  if (pitch < LOD_THRESHOLDS.labels) return 'near';
  return 'labels';
}

/** Zoom factor for one wheel event: smooth for trackpads (small deltas), a step for wheels. */
export function wheelZoomFactor(deltaY: number, deltaMode: number): number {
  // deltaMode 1 is lines, 2 pages; normalise to pixels first.
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-clamp(pixels, -120, 120) * 0.002);
}

export interface Pinch {
  a: Point;
  b: Point;
}

/** How a two-finger gesture moved: the zoom factor, and the pan of its midpoint. */
export function pinchStep(before: Pinch, after: Pinch): { factor: number; centre: Point; pan: Point } {
  const span = (p: Pinch) => Math.hypot(p.b.x - p.a.x, p.b.y - p.a.y);
  const mid = (p: Pinch) => ({ x: (p.a.x + p.b.x) / 2, y: (p.a.y + p.b.y) / 2 });
  const from = mid(before);
  const to = mid(after);
  const spanBefore = span(before);
  return {
    factor: spanBefore > 0 ? span(after) / spanBefore : 1,
    centre: to,
    pan: { x: to.x - from.x, y: to.y - from.y },
  };
}

export type CameraKeyAction =
  | { kind: 'zoom'; factor: number }
  | { kind: 'pan'; dx: number; dy: number }
  | { kind: 'fit' };

/**
 * Camera keys: `+`/`-` zoom, `0` fits, Shift+arrows pan. Plain arrows are left to seat
 * navigation (`neighbourSeat`), so a keyboard user moves between seats and the view follows.
 */
export function cameraKeyAction(key: string, shiftKey: boolean, step = 80): CameraKeyAction | null {
  switch (key) {
    case '+':
    case '=':
      return { kind: 'zoom', factor: 1.25 };
    case '-':
    case '_':
      return { kind: 'zoom', factor: 0.8 };
    case '0':
      return { kind: 'fit' };
    default:
      break;
  }
  if (!shiftKey) return null;
  switch (key) {
    case 'ArrowLeft':
      return { kind: 'pan', dx: step, dy: 0 };
    case 'ArrowRight':
      return { kind: 'pan', dx: -step, dy: 0 };
    case 'ArrowUp':
      return { kind: 'pan', dx: 0, dy: step };
    case 'ArrowDown':
      return { kind: 'pan', dx: 0, dy: -step };
    default:
      return null;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
