// What the view asks of a renderer, whichever technology draws.

import type { Camera } from '../camera.ts';
import type { Scene } from '../scene.ts';
import type { SeatStateTable } from '../seat_state.ts';

export type RendererKind = 'webgl' | 'canvas2d';

/**
 * How the WebGL renderer batches seats: `particles` keeps one instanced particle per seat in
 * one container per block (a state change swaps a texture frame and re-uploads that block);
 * `graphics` keeps one Graphics per block and state (a change rebuilds two of them).
 */
export type SeatBatching = 'particles' | 'graphics';

/** Seats and blocks the app wants drawn with an emphasis ring (validation errors, search hits). */
export interface Highlight {
  seats: readonly number[];
  blocks: readonly number[];
}

export interface SceneRenderer {
  readonly kind: RendererKind;
  readonly canvas: HTMLCanvasElement;
  setScene(scene: Scene, states: SeatStateTable): void;
  /**
   * Draws a frame; applies the state table's pending changes first. Returns whether an
   * animation (a state-change pulse) wants another frame.
   */
  draw(camera: Camera, focus: number, highlight: Highlight, now: number): boolean;
  resize(width: number, height: number, resolution: number): void;
  /** Waits until the GPU has finished the frames submitted (for measurements only). */
  finish(): void;
  destroy(): void;
}
