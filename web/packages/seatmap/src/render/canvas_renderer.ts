// The Canvas 2D fallback for browsers without WebGL: a full redraw of what is on screen per
// frame, culled per block, with the same levels of detail as the WebGL renderer.

import type { Camera } from '../camera.ts';
import { AREA_COLOURS, BACKGROUND_COLOUR, colourToCss, UNTIERED_COLOUR } from '../palette.ts';
import { rectsIntersect, type Scene, type SceneBlock, SEAT_SIZE } from '../scene.ts';
import type { SeatStateTable } from '../seat_state.ts';
import { drawSeatGlyph } from './glyph.ts';
import { Pulses } from './pulse.ts';
import type { Highlight, SceneRenderer } from './renderer.ts';

export class CanvasRenderer implements SceneRenderer {
  readonly kind = 'canvas2d' as const;
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private scene: Scene | null = null;
  private states: SeatStateTable | null = null;
  private tierCss: string[] = [];
  private resolution = 1;
  private readonly pulses = new Pulses();

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser has no Canvas 2D context');
    this.ctx = ctx;
  }

  setScene(scene: Scene, states: SeatStateTable): void {
    this.scene = scene;
    this.states = states;
    this.pulses.clear();
    // What is pending is already in the table this scene is drawn from.
    states.takeChanges(() => {});
    this.tierCss = scene.tiers.map((tier) => colourToCss(tier.colour));
  }

  resize(width: number, height: number, resolution: number): void {
    this.resolution = resolution;
    this.canvas.width = Math.round(width * resolution);
    this.canvas.height = Math.round(height * resolution);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
  }

  draw(camera: Camera, focus: number, highlight: Highlight, now: number): boolean {
    const { ctx, scene, states } = this;
    if (!scene || !states) return false;
    // Every frame is a full redraw: pending changes only start their pulse.
    states.takeChanges((seat) => this.pulses.add(seat, now));
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = colourToCss(BACKGROUND_COLOUR);
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    const s = camera.scale * this.resolution;
    ctx.setTransform(s, 0, 0, s, -camera.x * s, -camera.y * s);
    const view = camera.visibleRect();
    const lod = camera.levelOfDetail();
    for (const block of scene.blocks) {
      if (!rectsIntersect(block.bounds, view)) continue;
      if (block.kind !== 'seated') this.drawArea(block, lod !== 'far');
      else if (lod === 'far') this.drawFarBlock(block);
      else this.drawSeats(block, lod === 'labels');
    }
    ctx.lineWidth = 3 / camera.scale;
    ctx.strokeStyle = '#d55e00';
    for (const seat of highlight.seats) this.outlineSeat(seat, 4);
    for (const b of highlight.blocks) {
      const block = scene.blocks[b];
      if (block) this.polygon(block).stroke();
    }
    if (focus >= 0) {
      ctx.strokeStyle = '#000000';
      ctx.lineWidth = 3 / camera.scale;
      this.outlineSeat(focus, 5);
    }
    if (lod === 'far') {
      this.pulses.clear();
      return false;
    }
    ctx.lineWidth = 2 / camera.scale;
    ctx.strokeStyle = '#000000';
    this.pulses.forEach(now, (seat, strength) => {
      ctx.globalAlpha = strength * 0.8;
      this.outlineSeat(seat, 2 + (1 - strength) * (SEAT_SIZE / 2));
    });
    ctx.globalAlpha = 1;
    return this.pulses.active;
  }

  finish(): void {}

  destroy(): void {
    this.scene = null;
    this.states = null;
  }

  private drawArea(block: SceneBlock, withLabel: boolean): void {
    const { ctx, scene } = this;
    const tier = scene?.tiers[block.tierIndex];
    const colour =
      block.kind === 'standing'
        ? (tier?.colour ?? UNTIERED_COLOUR)
        : AREA_COLOURS[block.nonSellableKind ?? 'other'];
    ctx.globalAlpha = block.kind === 'standing' ? 0.55 : 1;
    ctx.fillStyle = colourToCss(colour);
    this.polygon(block).fill();
    ctx.globalAlpha = 1;
    if (!withLabel || !block.name) return;
    const centre = blockCentre(block);
    ctx.fillStyle = block.nonSellableKind === 'stage' ? '#ffffff' : '#1a1a1a';
    ctx.font = `${areaLabelSize(block)}px sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(block.name, centre.x, centre.y);
  }

  private drawFarBlock(block: SceneBlock): void {
    const { ctx, scene } = this;
    const tier = scene?.tiers[block.tierIndex];
    ctx.fillStyle = colourToCss(tier?.colour ?? UNTIERED_COLOUR);
    ctx.globalAlpha = 0.35 + 0.65 * this.availableShare(block);
    this.polygon(block).fill();
    ctx.globalAlpha = 1;
  }

  private availableShare(block: SceneBlock): number {
    const states = this.states;
    if (!states || block.seatCount === 0) return 0;
    let free = 0;
    for (let seat = block.firstSeat; seat < block.firstSeat + block.seatCount; seat += 1) {
      if (states.isSelectable(seat)) free += 1;
    }
    return free / block.seatCount;
  }

  private drawSeats(block: SceneBlock, withLabels: boolean): void {
    const { ctx, scene, states } = this;
    if (!scene || !states) return;
    const end = block.firstSeat + block.seatCount;
    for (let seat = block.firstSeat; seat < end; seat += 1) {
      const tier = scene.seatTier[seat] ?? -1;
      drawSeatGlyph(
        ctx,
        states.stateCode(seat),
        scene.seatX[seat] ?? 0,
        scene.seatY[seat] ?? 0,
        SEAT_SIZE,
        this.tierCss[tier] ?? colourToCss(UNTIERED_COLOUR),
      );
    }
    if (!withLabels) return;
    ctx.fillStyle = '#000000';
    ctx.font = `${SEAT_SIZE * 0.42}px sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let seat = block.firstSeat; seat < end; seat += 1) {
      if (!LABELLED_STATES[states.stateCode(seat)]) continue;
      const label = block.columnLabels[scene.seatColumn[seat] ?? 0] ?? '';
      ctx.fillText(label, scene.seatX[seat] ?? 0, (scene.seatY[seat] ?? 0) + 1);
    }
  }

  private outlineSeat(seat: number, grow: number): void {
    const scene = this.scene;
    if (!scene || seat < 0 || seat >= scene.seatCount) return;
    const r = SEAT_SIZE / 2 + grow;
    this.ctx.strokeRect((scene.seatX[seat] ?? 0) - r, (scene.seatY[seat] ?? 0) - r, 2 * r, 2 * r);
  }

  private polygon(block: SceneBlock): CanvasRenderingContext2D {
    const ctx = this.ctx;
    ctx.beginPath();
    const [first, ...rest] = block.corners;
    ctx.moveTo(first.x, first.y);
    for (const corner of rest) ctx.lineTo(corner.x, corner.y);
    ctx.closePath();
    return ctx;
  }
}

export function blockCentre(block: SceneBlock): { x: number; y: number } {
  const [a, , c] = block.corners;
  return { x: (a.x + c.x) / 2, y: (a.y + c.y) / 2 };
}

/** Area labels scale with their area, so they stay readable at the zoom the area is seen at. */
export function areaLabelSize(block: SceneBlock): number {
  return Math.max(8, Math.min(block.size.height * 0.3, block.size.width * 0.1, 200));
}

/**
 * Seats that get their number at close zoom, by state code: free and selected. The marks of
 * held, sold and mine seats would collide with it, and removed seats are gaps.
 */
export const LABELLED_STATES: readonly boolean[] = [true, false, false, false, true, false];
