// The WebGL renderer, on PixiJS 8. Seats are batched per block (one particle container, or one
// Graphics per state) so 100,000 seats are a few hundred display objects, blocks off screen
// are culled whole, and a state change touches only the blocks it lands in.

import {
  autoDetectRenderer,
  BitmapFont,
  BitmapText,
  Container,
  Graphics,
  Particle,
  ParticleContainer,
  Rectangle,
  type Renderer,
  Text,
  Texture,
} from 'pixi.js';
import type { Camera } from '../camera.ts';
import { AREA_COLOURS, BACKGROUND_COLOUR, STATE_STYLES, UNTIERED_COLOUR } from '../palette.ts';
import { type Rect, rectsIntersect, type Scene, type SceneBlock, SEAT_SIZE } from '../scene.ts';
import { SEAT_STATES, type SeatStateTable } from '../seat_state.ts';
import { areaLabelSize, blockCentre, LABELLED_STATES } from './canvas_renderer.ts';
import { drawSeatGlyph } from './glyph.ts';
import { Pulses } from './pulse.ts';
import type { Highlight, SceneRenderer, SeatBatching } from './renderer.ts';

const FRAME = 64;
const GLYPH = 56;
const LABEL_FONT = 'boxoffice-seat-labels';
/** Labels are only drawn at close zoom, where a screen holds a few thousand seats at most. */
const MAX_LABELS = 6000;

interface BlockBatch {
  block: SceneBlock;
  container: Container;
  particles: Particle[];
  /** Graphics batching: one Graphics per state code. */
  byState: Graphics[];
  dirtyStates: Set<number>;
  dirty: boolean;
}

export class PixiRenderer implements SceneRenderer {
  readonly kind = 'webgl' as const;
  readonly canvas: HTMLCanvasElement;
  private readonly renderer: Renderer;
  private readonly batching: SeatBatching;
  private readonly stage = new Container();
  private readonly world = new Container();
  private readonly areas = new Graphics();
  private readonly areaLabels = new Container();
  private readonly far = new Graphics();
  private readonly seats = new Container();
  private readonly labels = new Container();
  private readonly overlay = new Graphics();
  private readonly frames: Texture[];
  private scene: Scene | null = null;
  private states: SeatStateTable | null = null;
  private batches: BlockBatch[] = [];
  /** State each seat was last drawn in, to know which Graphics batch it left. */
  private drawn = new Uint8Array(0);
  private farDirty = true;
  private labelPool: BitmapText[] = [];
  private labelsKey = '';
  private labelsDirty = true;
  private readonly pulses = new Pulses();
  /** Pulse rings as particles: a burst of 1,000 rings as Graphics strokes costs ~100 ms a frame. */
  private readonly pulseLayer = new ParticleContainer({
    dynamicProperties: { position: true, vertex: true, rotation: false, uvs: false, color: true },
  });
  private pulseParticles: Particle[] = [];

  static async create(canvas: HTMLCanvasElement, batching: SeatBatching): Promise<PixiRenderer> {
    const renderer = await autoDetectRenderer({
      canvas,
      preference: ['webgl'],
      background: BACKGROUND_COLOUR,
      // Seats are axis-aligned squares; multisampling mostly costs fill rate, ruinous in software GL.
      antialias: false,
      width: canvas.clientWidth || 300,
      height: canvas.clientHeight || 150,
    });
    return new PixiRenderer(canvas, renderer, batching);
  }

  private constructor(canvas: HTMLCanvasElement, renderer: Renderer, batching: SeatBatching) {
    this.canvas = canvas;
    this.renderer = renderer;
    this.batching = batching;
    this.frames = stateFrames();
    this.world.addChild(
      this.areas,
      this.far,
      this.seats,
      this.areaLabels,
      this.labels,
      this.pulseLayer,
      this.overlay,
    );
    this.stage.addChild(this.world);
    BitmapFont.install({
      name: LABEL_FONT,
      style: { fontFamily: 'sans-serif', fontSize: 40, fill: '#000000' },
      chars: [['0', '9'], ['A', 'Z'], ['a', 'z'], '-'],
    });
  }

  setScene(scene: Scene, states: SeatStateTable): void {
    this.clearScene();
    this.pulses.clear();
    this.scene = scene;
    this.states = states;
    this.drawn = new Uint8Array(scene.seatCount);
    // The table's pending changes predate this scene's batches, which are built from it.
    states.takeChanges(() => {});
    this.drawAreas(scene);
    // Labels belong to the old scene's seats even where the view has not moved.
    this.labelsDirty = true;
    // Seat batches are built when a block is first seen at seat zoom: a 100,000-seat map
    // opens at the far level, where none are needed yet.
    this.farDirty = true;
  }

  resize(width: number, height: number, resolution: number): void {
    this.renderer.resize(width, height, resolution);
  }

  draw(camera: Camera, focus: number, highlight: Highlight, now: number): boolean {
    const { scene, states } = this;
    if (!scene || !states) return false;
    this.applyChanges(states, now);
    this.world.position.set(-camera.x * camera.scale, -camera.y * camera.scale);
    this.world.scale.set(camera.scale);
    const view = camera.visibleRect();
    const lod = camera.levelOfDetail();
    this.far.visible = lod === 'far';
    this.seats.visible = lod !== 'far';
    this.areaLabels.visible = lod !== 'far';
    if (lod === 'far' && this.farDirty) this.drawFar(scene, states);
    if (lod !== 'far') {
      for (const block of scene.blocks) {
        if (block.kind !== 'seated' || block.seatCount === 0) continue;
        const visible = rectsIntersect(block.bounds, view);
        let batch = this.batches[block.index];
        if (!batch) {
          if (!visible) continue;
          batch = this.batching === 'particles' ? this.particleBatch(block) : this.graphicsBatch(block);
          this.batches[block.index] = batch;
          this.seats.addChild(batch.container);
        }
        batch.container.visible = visible;
        if (visible && batch.dirty) this.refreshBatch(batch, states);
      }
    }
    this.labels.visible = lod === 'labels';
    if (lod === 'labels') this.drawLabels(scene, states, view);
    this.drawOverlay(scene, camera, focus, highlight);
    this.drawPulses(scene, lod !== 'far', now);
    this.renderer.render(this.stage);
    return this.pulses.active;
  }

  private drawPulses(scene: Scene, visible: boolean, now: number): void {
    const layer = this.pulseLayer;
    if (!visible) this.pulses.clear();
    const ring = this.frames[SEAT_STATES.length] ?? Texture.EMPTY;
    let used = 0;
    this.pulses.forEach(now, (seat, strength) => {
      let particle = this.pulseParticles[used];
      if (!particle) {
        particle = new Particle({ texture: ring, anchorX: 0.5, anchorY: 0.5 });
        this.pulseParticles[used] = particle;
      }
      const scale = (SEAT_SIZE / GLYPH) * (1.15 + (1 - strength));
      particle.x = scene.seatX[seat] ?? 0;
      particle.y = scene.seatY[seat] ?? 0;
      particle.scaleX = scale;
      particle.scaleY = scale;
      particle.alpha = strength * 0.8;
      used += 1;
    });
    if (used !== layer.particleChildren.length) {
      layer.removeParticles();
      if (used > 0) layer.addParticle(...this.pulseParticles.slice(0, used));
    }
    layer.visible = used > 0;
  }

  finish(): void {
    const gl = (this.renderer as unknown as { gl?: WebGLRenderingContext }).gl;
    // Reading a pixel back waits for the GPU, unlike gl.finish() in some drivers.
    gl?.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  }

  destroy(): void {
    this.clearScene();
    this.stage.destroy({ children: true });
    this.renderer.destroy();
  }

  private clearScene(): void {
    for (const batch of this.batches) batch?.container.destroy({ children: true });
    this.batches = [];
    this.seats.removeChildren();
    for (const label of this.areaLabels.removeChildren()) label.destroy();
  }

  private applyChanges(states: SeatStateTable, now: number): void {
    const scene = this.scene;
    if (!scene) return;
    const count = states.takeChanges((seat, state) => {
      this.pulses.add(seat, now);
      const batch = this.batches[scene.seatBlock[seat] ?? 0];
      if (!batch) return;
      batch.dirty = true;
      if (this.batching === 'particles') {
        const particle = batch.particles[seat - batch.block.firstSeat];
        if (particle) particle.texture = this.frames[state] ?? Texture.EMPTY;
      } else {
        batch.dirtyStates.add(this.drawn[seat] ?? 0);
        batch.dirtyStates.add(state);
      }
      this.drawn[seat] = state;
    });
    if (count > 0) {
      this.farDirty = true;
      this.labelsDirty = true;
    }
  }

  private refreshBatch(batch: BlockBatch, states: SeatStateTable): void {
    batch.dirty = false;
    if (this.batching === 'particles') {
      (batch.container as ParticleContainer).update();
      return;
    }
    for (const state of batch.dirtyStates) {
      const graphics = batch.byState[state];
      if (graphics) this.drawStateGraphics(graphics, batch.block, state, states);
    }
    batch.dirtyStates.clear();
  }

  private particleBatch(block: SceneBlock): BlockBatch {
    const scene = this.scene;
    const states = this.states;
    if (!scene || !states) throw new Error('no scene');
    const base = this.frames[0] ?? Texture.EMPTY;
    const container = new ParticleContainer({
      texture: base,
      dynamicProperties: { position: false, vertex: false, rotation: false, uvs: false, color: false },
    });
    const particles: Particle[] = new Array(block.seatCount);
    const scale = SEAT_SIZE / GLYPH;
    const rotation = (block.rotation * Math.PI) / 180;
    for (let i = 0; i < block.seatCount; i += 1) {
      const seat = block.firstSeat + i;
      const state = states.stateCode(seat);
      this.drawn[seat] = state;
      const tier = scene.tiers[scene.seatTier[seat] ?? -1];
      const particle = new Particle({
        texture: this.frames[state] ?? base,
        x: scene.seatX[seat] ?? 0,
        y: scene.seatY[seat] ?? 0,
        anchorX: 0.5,
        anchorY: 0.5,
        scaleX: scale,
        scaleY: scale,
        rotation,
        tint: tier?.colour ?? UNTIERED_COLOUR,
      });
      particles[i] = particle;
    }
    container.addParticle(...particles);
    const { minX, minY, maxX, maxY } = block.bounds;
    container.boundsArea = new Rectangle(minX, minY, maxX - minX, maxY - minY);
    return { block, container, particles, byState: [], dirtyStates: new Set(), dirty: false };
  }

  private graphicsBatch(block: SceneBlock): BlockBatch {
    const states = this.states;
    if (!states) throw new Error('no scene');
    const container = new Container();
    const byState = SEAT_STATES.map(() => new Graphics());
    container.addChild(...byState);
    for (let seat = block.firstSeat; seat < block.firstSeat + block.seatCount; seat += 1) {
      this.drawn[seat] = states.stateCode(seat);
    }
    byState.forEach((graphics, state) => {
      this.drawStateGraphics(graphics, block, state, states);
    });
    return { block, container, particles: [], byState, dirtyStates: new Set(), dirty: false };
  }

  /** Every seat of `block` in `state`, as plain geometry: squares plus the state's mark. */
  private drawStateGraphics(
    graphics: Graphics,
    block: SceneBlock,
    state: number,
    states: SeatStateTable,
  ): void {
    const scene = this.scene;
    if (!scene) return;
    graphics.clear();
    const style = STATE_STYLES[SEAT_STATES[state] ?? 'free'];
    const r = SEAT_SIZE / 2;
    let any = false;
    for (let seat = block.firstSeat; seat < block.firstSeat + block.seatCount; seat += 1) {
      if (states.stateCode(seat) !== state) continue;
      any = true;
      const x = scene.seatX[seat] ?? 0;
      const y = scene.seatY[seat] ?? 0;
      const colour = scene.tiers[scene.seatTier[seat] ?? -1]?.colour ?? UNTIERED_COLOUR;
      if (style.fillAlpha > 0)
        graphics.rect(x - r, y - r, SEAT_SIZE, SEAT_SIZE).fill({ color: colour, alpha: style.fillAlpha });
      switch (style.mark) {
        case 'cross':
          graphics.moveTo(x - r / 2, y - r / 2).lineTo(x + r / 2, y + r / 2);
          graphics.moveTo(x + r / 2, y - r / 2).lineTo(x - r / 2, y + r / 2);
          break;
        case 'hatch':
          graphics.moveTo(x - r, y + r).lineTo(x + r, y - r);
          graphics.moveTo(x - r, y).lineTo(x, y - r);
          graphics.moveTo(x, y + r).lineTo(x + r, y);
          graphics.rect(x - r, y - r, SEAT_SIZE, SEAT_SIZE);
          break;
        case 'check':
          graphics
            .moveTo(x - r / 2, y)
            .lineTo(x - r / 8, y + r / 2.5)
            .lineTo(x + r / 2, y - r / 2);
          break;
        case 'ring':
        case 'gap':
          graphics.rect(x - r + 2, y - r + 2, SEAT_SIZE - 4, SEAT_SIZE - 4);
          break;
        case 'fill':
          break;
      }
    }
    if (any && style.mark !== 'fill')
      graphics.stroke({ color: style.markColour, width: style.mark === 'ring' ? 4 : 2.5 });
  }

  private drawAreas(scene: Scene): void {
    this.areas.clear();
    for (const block of scene.blocks) {
      if (block.kind === 'seated') continue;
      const colour =
        block.kind === 'standing'
          ? (scene.tiers[block.tierIndex]?.colour ?? UNTIERED_COLOUR)
          : AREA_COLOURS[block.nonSellableKind ?? 'other'];
      this.areas.poly(block.corners.flatMap((corner) => [corner.x, corner.y])).fill({
        color: colour,
        alpha: block.kind === 'standing' ? 0.55 : 1,
      });
      if (!block.name) continue;
      const label = new Text({
        text: block.name,
        style: {
          fontFamily: 'sans-serif',
          fontSize: areaLabelSize(block),
          fill: block.nonSellableKind === 'stage' ? '#ffffff' : '#1a1a1a',
        },
      });
      label.anchor.set(0.5);
      const centre = blockCentre(block);
      label.position.set(centre.x, centre.y);
      this.areaLabels.addChild(label);
    }
  }

  /** Far away each block is one shape in its tier colour, fainter as it sells out. */
  private drawFar(scene: Scene, states: SeatStateTable): void {
    this.farDirty = false;
    this.far.clear();
    for (const block of scene.blocks) {
      if (block.kind !== 'seated' || block.seatCount === 0) continue;
      let free = 0;
      for (let seat = block.firstSeat; seat < block.firstSeat + block.seatCount; seat += 1) {
        if (states.isSelectable(seat)) free += 1;
      }
      this.far.poly(block.corners.flatMap((corner) => [corner.x, corner.y])).fill({
        color: scene.tiers[block.tierIndex]?.colour ?? UNTIERED_COLOUR,
        alpha: 0.35 + (0.65 * free) / block.seatCount,
      });
    }
  }

  private drawLabels(scene: Scene, states: SeatStateTable, view: Rect): void {
    const key = `${Math.round(view.minX)}:${Math.round(view.minY)}:${Math.round(view.maxX)}:${Math.round(view.maxY)}`;
    if (key === this.labelsKey && !this.labelsDirty) return;
    this.labelsDirty = false;
    this.labelsKey = key;
    let used = 0;
    for (const block of scene.blocks) {
      if (block.kind !== 'seated' || !rectsIntersect(block.bounds, view)) continue;
      for (
        let seat = block.firstSeat;
        seat < block.firstSeat + block.seatCount && used < MAX_LABELS;
        seat += 1
      ) {
        const x = scene.seatX[seat] ?? 0;
        const y = scene.seatY[seat] ?? 0;
        if (x < view.minX || x > view.maxX || y < view.minY || y > view.maxY) continue;
        if (!LABELLED_STATES[states.stateCode(seat)]) continue;
        const label = this.label(used);
        label.text = block.columnLabels[scene.seatColumn[seat] ?? 0] ?? '';
        label.position.set(x, y);
        label.visible = true;
        used += 1;
      }
    }
    for (let i = used; i < this.labelPool.length; i += 1) {
      const label = this.labelPool[i];
      if (label) label.visible = false;
    }
  }

  private label(index: number): BitmapText {
    let label = this.labelPool[index];
    if (!label) {
      label = new BitmapText({ text: '', style: { fontFamily: LABEL_FONT, fontSize: SEAT_SIZE * 0.42 } });
      label.anchor.set(0.5);
      this.labelPool[index] = label;
      this.labels.addChild(label);
    }
    return label;
  }

  private drawOverlay(scene: Scene, camera: Camera, focus: number, highlight: Highlight): void {
    const overlay = this.overlay;
    overlay.clear();
    const width = 3 / camera.scale;
    for (const seat of highlight.seats) {
      const box = scene.seatBounds(seat);
      overlay.rect(box.minX - 4, box.minY - 4, box.maxX - box.minX + 8, box.maxY - box.minY + 8);
    }
    for (const b of highlight.blocks) {
      const block = scene.blocks[b];
      if (block) overlay.poly(block.corners.flatMap((corner) => [corner.x, corner.y]));
    }
    if (highlight.seats.length > 0 || highlight.blocks.length > 0) overlay.stroke({ color: 0xd55e00, width });
    if (focus >= 0 && focus < scene.seatCount) {
      const box = scene.seatBounds(focus);
      overlay.rect(box.minX - 5, box.minY - 5, box.maxX - box.minX + 10, box.maxY - box.minY + 10);
      overlay.stroke({ color: 0x000000, width });
    }
  }
}

/** One frame per seat state, drawn white so a particle's tint becomes its tier colour, then the pulse ring. */
function stateFrames(): Texture[] {
  const canvas = document.createElement('canvas');
  canvas.width = FRAME * (SEAT_STATES.length + 1);
  canvas.height = FRAME;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D context for the seat atlas');
  SEAT_STATES.forEach((_, code) => {
    drawSeatGlyph(ctx, code, code * FRAME + FRAME / 2, FRAME / 2, GLYPH, '#ffffff');
  });
  // The last frame is the pulse ring.
  ctx.strokeStyle = '#000000';
  ctx.lineWidth = 5;
  ctx.strokeRect(SEAT_STATES.length * FRAME + 4, 4, FRAME - 8, FRAME - 8);
  const base = Texture.from(canvas);
  return [...SEAT_STATES, 'pulse'].map(
    (_, code) => new Texture({ source: base.source, frame: new Rectangle(code * FRAME, 0, FRAME, FRAME) }),
  );
}
