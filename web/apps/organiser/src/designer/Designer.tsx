// The seat-map designer: the shared seat-map view draws seats (batched, fast at 100,000), an SVG
// layer on top draws what only the designer needs (block outlines, selection, the marquee and
// problems). Edits go through the model's commands, so undo/redo covers every one of them.
import { ApiError } from '@boxoffice/api';
import { useAuth } from '@boxoffice/auth';
import {
  buildScene,
  cameraKeyAction,
  type HitIndex,
  type Layout,
  type Scene,
  SEAT_PITCH,
  SeatMapView,
  SeatStateTable,
  wheelZoomFactor,
} from '@boxoffice/seatmap';
import { ApiErrorState, Button, Dialog, LoadingState, useRemote, useToast } from '@boxoffice/ui';
import {
  type KeyboardEvent,
  type PointerEvent,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useNavigate } from 'react-router';
import type { EventRecord, Tier } from '../lib.ts';
import {
  addBlocks,
  assignTier,
  blockBounds,
  blockCentre,
  blockCornersOf,
  blockPoint,
  blockSize,
  type Command,
  capacityOf,
  type DesignBlock,
  type DesignModel,
  deleteBlocks,
  displayName,
  duplicateBlocks,
  editBlock,
  execute,
  fromLayout,
  type History,
  handleAnchor,
  historyOf,
  marquee,
  moveBlocks,
  newAreaBlock,
  newSeatedBlock,
  newStandingBlock,
  type Problem,
  positionKey,
  RESIZE_HANDLES,
  type ResizeHandle,
  redo,
  replaceBlocks,
  resizeBlock,
  resizeBySteps,
  resizedBlock,
  rotateBlocks,
  rotatedBlock,
  type SeatedBlock,
  type SeatPick,
  seatIdOf,
  seatsByLabel,
  setBlockRotation,
  setSeatsRemoved,
  toLayout,
  undo,
  validate,
} from './model.ts';
import { SaveTemplateDialog, StartFromTemplateDialog } from './TemplateDialogs.tsx';

interface Selection {
  blocks: Set<string>;
  seats: SeatPick;
}

const NOTHING: Selection = { blocks: new Set(), seats: new Map() };

function seatCount(pick: SeatPick): number {
  let n = 0;
  for (const set of pick.values()) n += set.size;
  return n;
}

/** The view asks for a hit index; the designer hit-tests its own model, so it hands over a stub. */
const NO_HITS: HitIndex = { seatAt: () => -1, seatsIn: () => [], blockAt: () => -1, blocksIn: () => [] };

type Point = { x: number; y: number };

/** The seat (row, column) of a seated block under a world point, if any. */
function seatAt(block: SeatedBlock, world: Point): [number, number] | null {
  const r = (-block.rotation * Math.PI) / 180;
  const dx = world.x - block.x;
  const dy = world.y - block.y;
  const lx = dx * Math.cos(r) - dy * Math.sin(r);
  const ly = dx * Math.sin(r) + dy * Math.cos(r);
  const column = Math.floor(lx / SEAT_PITCH);
  const row = Math.floor(ly / SEAT_PITCH);
  if (row < 0 || column < 0 || row >= block.rows || column >= block.columns) return null;
  return [row, column];
}

function blockAt(model: DesignModel, world: Point): DesignBlock | undefined {
  for (let i = model.blocks.length - 1; i >= 0; i -= 1) {
    const block = model.blocks[i];
    if (!block) continue;
    const { width, height } = blockSize(block);
    const r = (-block.rotation * Math.PI) / 180;
    const dx = world.x - block.x;
    const dy = world.y - block.y;
    const lx = dx * Math.cos(r) - dy * Math.sin(r);
    const ly = dx * Math.sin(r) + dy * Math.cos(r);
    if (lx >= 0 && ly >= 0 && lx <= width && ly <= height) return block;
  }
  return undefined;
}

type Drag =
  | {
      kind: 'move';
      from: Point;
      to: Point;
      moved: boolean;
      additive: boolean;
      block: string;
      seat: [number, number] | null;
    }
  | { kind: 'marquee'; from: Point; to: Point; additive: boolean }
  | { kind: 'pan'; last: Point }
  | { kind: 'resize'; block: string; handle: ResizeHandle; to: Point }
  | { kind: 'rotate'; block: string; angle: number };

/** Screen pixels between a block's top edge and its rotate handle. */
const ROTATE_HANDLE_OFFSET = 28;
/** How close (screen pixels) a press must be to a handle to take it. */
const HANDLE_REACH = 9;
const HANDLE_CURSORS: Record<ResizeHandle, string> = {
  n: 'ns-resize',
  s: 'ns-resize',
  e: 'ew-resize',
  w: 'ew-resize',
  ne: 'nesw-resize',
  sw: 'nesw-resize',
  nw: 'nwse-resize',
  se: 'nwse-resize',
};

/** The angle (degrees, clockwise from up) from a block's centre to a point: what the rotate handle points at. */
function angleTowards(centre: Point, point: Point): number {
  return (Math.atan2(point.y - centre.y, point.x - centre.x) * 180) / Math.PI + 90;
}

export function SeatMapStep({ event, next }: { event: EventRecord; next: string }) {
  const auth = useAuth();
  const data = useRemote(
    async (signal) => {
      const path = { id: event.event_id };
      const [tiers, stored, sessions] = await Promise.all([
        auth.api.manage.get('/api/manage/events/{id}/tiers', { path, signal }),
        auth.api.manage.get('/api/manage/events/{id}/layout', { path, signal }).catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 404) return null;
          throw error;
        }),
        auth.api.manage.get('/api/manage/events/{id}/sessions', { path, signal }),
      ]);
      return { tiers, layout: (stored?.layout ?? null) as unknown as Layout | null, sessions };
    },
    [auth.api, event.event_id],
  );
  if (data.status === 'loading') return <LoadingState label="Loading the seat map…" />;
  if (data.status === 'error')
    return <ApiErrorState error={data.error} onRetry={data.reload} what="the seat map" />;
  return (
    <Designer
      eventId={event.event_id}
      organisationId={event.organisation_id}
      offerTemplates
      tiers={data.data.tiers}
      initial={fromLayout(data.data.layout)}
      sessionsWithoutMap={data.data.sessions
        .filter((session) => session.status === 'SCHEDULED' && session.capacity === 0)
        .map((session) => session.session_id)}
      next={next}
    />
  );
}

export function Designer({
  eventId,
  sessionId,
  continueLabel = 'Save and continue',
  onSaved,
  organisationId,
  offerTemplates = false,
  tiers,
  initial,
  sessionsWithoutMap = [],
  next,
}: {
  eventId: string;
  /** Edits this session's own map instead of the event's. */
  sessionId?: string;
  continueLabel?: string;
  onSaved?: () => void;
  /** Where "Save as template" saves to; without it the designer offers no templates. */
  organisationId?: string;
  /** Whether the map may be replaced by one of the organisation's templates. */
  offerTemplates?: boolean;
  tiers: Tier[];
  initial: DesignModel;
  sessionsWithoutMap?: string[];
  next: string;
}) {
  const auth = useAuth();
  const toast = useToast();
  const navigate = useNavigate();
  const [history, setHistory] = useState<History>(() => historyOf(initial));
  const [saved, setSaved] = useState<DesignModel>(initial);
  const [selection, setSelection] = useState<Selection>(NOTHING);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [, setCameraVersion] = useState(0);
  const [tierChoice, setTierChoice] = useState(tiers[0]?.tier_id ?? '');
  const [helpOpen, setHelpOpen] = useState(false);
  const [templateDialog, setTemplateDialog] = useState<'save' | 'start' | null>(null);
  const [saving, setSaving] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const container = useRef<HTMLDivElement>(null);
  // Set when a whole new map arrives, so the next drawn scene is fitted to the view.
  const fitWhenDrawn = useRef(false);
  const view = useRef<SeatMapView | null>(null);
  const sceneRef = useRef<Scene | null>(null);
  const model = history.model;
  const tierSet = useMemo(() => new Set(tiers.map((tier) => tier.tier_id)), [tiers]);
  const dirty = model !== saved;
  const tierName = (id: string | null) => tiers.find((tier) => tier.tier_id === id)?.name ?? 'No tier';

  const run = useCallback(
    (make: (model: DesignModel) => Command, select?: (command: Command) => Selection) => {
      setHistory((current) => {
        const command = make(current.model);
        const after = execute(current, command);
        if (after !== current) {
          setAnnouncement(command.label);
          if (select) setSelection(select(command));
        }
        return after;
      });
    },
    [],
  );

  const doUndo = useCallback(() => {
    setHistory((current) => {
      const command = current.past.at(-1);
      if (command) setAnnouncement(`Undid ${command.label.toLowerCase()}`);
      return undo(current);
    });
    setSelection(NOTHING);
  }, []);
  const doRedo = useCallback(() => {
    setHistory((current) => {
      const command = current.future[0];
      if (command) setAnnouncement(`Redid ${command.label.toLowerCase()}`);
      return redo(current);
    });
    setSelection(NOTHING);
  }, []);

  // --- the canvas: built once, given a new scene after each edit
  const sceneTiers = useMemo(
    () =>
      tiers.map((tier) => ({
        tier_id: tier.tier_id,
        name: tier.name,
        colour: tier.colour,
        price_minor: tier.price_minor,
        currency: tier.currency,
      })),
    [tiers],
  );
  useEffect(() => {
    const layout = toLayout(model, { includeRemoved: true });
    const scene = buildScene(layout, sceneTiers);
    const states = new SeatStateTable(scene);
    const removed: string[] = [];
    const selected: string[] = [];
    for (const block of model.blocks) {
      if (block.kind !== 'seated') continue;
      for (const key of block.removed) {
        const [row = 0, column = 0] = key.split(':').map(Number);
        removed.push(seatIdOf(block, row, column));
      }
      for (const key of selection.seats.get(block.id) ?? []) {
        const [row = 0, column = 0] = key.split(':').map(Number);
        selected.push(seatIdOf(block, row, column));
      }
    }
    states.setRemoved(removed, true);
    states.setSelected(selected, true);
    sceneRef.current = scene;
    const problemBlocks = problems.map((p) => scene.blockIndex(p.blockId)).filter((i) => i >= 0);
    const problemSeats: number[] = [];
    for (const problem of problems) {
      const block = model.blocks.find((b) => b.id === problem.blockId);
      if (block?.kind !== 'seated') continue;
      for (const key of problem.seats ?? []) {
        const [row = 0, column = 0] = key.split(':').map(Number);
        const seat = scene.seatIndex(seatIdOf(block, row, column));
        if (seat >= 0) problemSeats.push(seat);
      }
    }
    if (view.current) {
      view.current.setScene(scene, states, NO_HITS);
      view.current.setHighlight({ seats: problemSeats, blocks: problemBlocks });
      if (fitWhenDrawn.current && model.blocks.length) {
        fitWhenDrawn.current = false;
        view.current.camera.fit(scene.bounds, 40);
        setCameraVersion((n) => n + 1);
      }
      return;
    }
    let cancelled = false;
    const element = container.current;
    if (!element) return;
    void SeatMapView.create({ container: element, scene, states, hitIndex: NO_HITS, gestures: false }).then(
      (created) => {
        if (cancelled) {
          created.destroy();
          return;
        }
        view.current = created;
        created.canvas.setAttribute('aria-hidden', 'true');
        if (model.blocks.length) created.camera.fit(scene.bounds, 40);
        else created.camera.fit({ minX: 0, minY: 0, maxX: 1200, maxY: 700 });
        created.setHighlight({ seats: problemSeats, blocks: problemBlocks });
        created.invalidate();
        setCameraVersion((n) => n + 1);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [model, selection, problems, sceneTiers]);
  useEffect(
    () => () => {
      view.current?.destroy();
      view.current = null;
    },
    [],
  );

  // Problems are worked out again as the map changes, once someone has asked for them.
  const [checked, setChecked] = useState(false);
  useEffect(() => {
    if (checked) setProblems(validate(model, tierSet));
  }, [checked, model, tierSet]);

  const camera = view.current?.camera;
  const toWorld = (event: { clientX: number; clientY: number }): Point => {
    const box = container.current?.getBoundingClientRect();
    const screen = { x: event.clientX - (box?.left ?? 0), y: event.clientY - (box?.top ?? 0) };
    return camera ? camera.screenToWorld(screen) : screen;
  };
  const toScreen = (point: Point): Point => (camera ? camera.worldToScreen(point) : point);
  const only = selection.blocks.size === 1 ? model.blocks.find((b) => selection.blocks.has(b.id)) : undefined;
  // A block being resized or rotated is drawn as it will be when the pointer is let go.
  const transformed = (block: DesignBlock): DesignBlock => {
    if (drag?.kind === 'resize' && drag.block === block.id) return resizedBlock(block, drag.handle, drag.to);
    if (drag?.kind === 'rotate' && drag.block === block.id) return rotatedBlock(block, drag.angle);
    return block;
  };
  const handlePoints = (block: DesignBlock): { handle: ResizeHandle | 'rotate'; at: Point }[] => {
    const corners = blockCornersOf(block).map(toScreen);
    const [a = { x: 0, y: 0 }, b = a, , d = a] = corners;
    // Edge handles only where the block is big enough on screen to grab them apart from it.
    const roomy = Math.hypot(b.x - a.x, b.y - a.y) >= 40 && Math.hypot(d.x - a.x, d.y - a.y) >= 40;
    const points: { handle: ResizeHandle | 'rotate'; at: Point }[] = roomy
      ? RESIZE_HANDLES.map((handle) => {
          const { u, v } = handleAnchor(handle);
          return { handle, at: toScreen(blockPoint(block, u, v)) };
        })
      : [];
    const top = toScreen(blockPoint(block, 0.5, 0));
    const r = (block.rotation * Math.PI) / 180;
    points.push({
      handle: 'rotate',
      at: { x: top.x + Math.sin(r) * ROTATE_HANDLE_OFFSET, y: top.y - Math.cos(r) * ROTATE_HANDLE_OFFSET },
    });
    return points;
  };
  const handleAtScreen = (block: DesignBlock, screen: Point): ResizeHandle | 'rotate' | null => {
    let best: { handle: ResizeHandle | 'rotate'; distance: number } | null = null;
    for (const { handle, at } of handlePoints(block)) {
      const distance = Math.hypot(at.x - screen.x, at.y - screen.y);
      if (distance <= HANDLE_REACH && (!best || distance < best.distance)) best = { handle, distance };
    }
    return best?.handle ?? null;
  };
  const redraw = () => {
    view.current?.invalidate();
    setCameraVersion((n) => n + 1);
  };

  const fit = () => {
    const scene = sceneRef.current;
    if (!view.current || !scene) return;
    if (model.blocks.length) view.current.camera.fit(scene.bounds, 40);
    redraw();
  };
  const zoom = (factor: number) => {
    view.current?.camera.zoomBy(factor);
    redraw();
  };

  // --- pointer
  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    container.current?.focus({ preventScroll: true });
    const world = toWorld(event);
    if (event.button === 1 || event.button === 2 || spaceHeld.current) {
      setDrag({ kind: 'pan', last: { x: event.clientX, y: event.clientY } });
      return;
    }
    const handle = only ? handleAtScreen(only, toScreen(world)) : null;
    if (only && handle) {
      if (handle === 'rotate') {
        setDrag({ kind: 'rotate', block: only.id, angle: only.rotation });
      } else {
        setDrag({ kind: 'resize', block: only.id, handle, to: world });
      }
      return;
    }
    const block = blockAt(model, world);
    if (block) {
      setDrag({
        kind: 'move',
        from: world,
        to: world,
        moved: false,
        additive: event.shiftKey,
        block: block.id,
        seat: block.kind === 'seated' ? seatAt(block, world) : null,
      });
    } else {
      setDrag({ kind: 'marquee', from: world, to: world, additive: event.shiftKey });
    }
  };
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    if (!drag) return;
    if (drag.kind === 'pan') {
      view.current?.camera.panBy(event.clientX - drag.last.x, event.clientY - drag.last.y);
      setDrag({ kind: 'pan', last: { x: event.clientX, y: event.clientY } });
      redraw();
      return;
    }
    const world = toWorld(event);
    if (drag.kind === 'resize') {
      setDrag({ ...drag, to: world });
      return;
    }
    if (drag.kind === 'rotate') {
      const block = model.blocks.find((b) => b.id === drag.block);
      if (!block) return;
      const raw = angleTowards(blockCentre(block), world);
      // Shift snaps to 15° steps, as [ and ] turn; otherwise whole degrees.
      setDrag({ ...drag, angle: event.shiftKey ? Math.round(raw / 15) * 15 : Math.round(raw) });
      return;
    }
    const scale = camera?.scale ?? 1;
    const moved =
      drag.kind === 'move' &&
      (drag.moved || Math.hypot(world.x - drag.from.x, world.y - drag.from.y) * scale > 4);
    setDrag(drag.kind === 'move' ? { ...drag, to: world, moved } : { ...drag, to: world });
  };
  const onPointerUp = () => {
    const current = drag;
    setDrag(null);
    if (!current || current.kind === 'pan') return;
    if (current.kind === 'resize') {
      run((m) => resizeBlock(m, current.block, current.handle, current.to));
      return;
    }
    if (current.kind === 'rotate') {
      run((m) => setBlockRotation(m, current.block, current.angle));
      return;
    }
    if (current.kind === 'marquee') {
      const rect = {
        minX: Math.min(current.from.x, current.to.x),
        minY: Math.min(current.from.y, current.to.y),
        maxX: Math.max(current.from.x, current.to.x),
        maxY: Math.max(current.from.y, current.to.y),
      };
      if (rect.maxX - rect.minX < 2 && rect.maxY - rect.minY < 2) {
        if (!current.additive) setSelection(NOTHING);
        return;
      }
      const found = marquee(model, rect);
      // A seated block wholly inside the rectangle is taken as a block.
      const blocks = new Set(found.blocks);
      const seats: SeatPick = new Map();
      for (const [id, set] of found.seats) {
        const block = model.blocks.find((b) => b.id === id);
        const bounds = block ? blockBounds(block) : null;
        if (
          bounds &&
          bounds.minX >= rect.minX &&
          bounds.maxX <= rect.maxX &&
          bounds.minY >= rect.minY &&
          bounds.maxY <= rect.maxY
        )
          blocks.add(id);
        else seats.set(id, set);
      }
      setSelection((before) => (current.additive ? merge(before, { blocks, seats }) : { blocks, seats }));
      return;
    }
    const block = model.blocks.find((b) => b.id === current.block);
    if (!block) return;
    if (current.moved) {
      const ids = selection.blocks.has(block.id) ? [...selection.blocks] : [block.id];
      run((m) => moveBlocks(m, ids, current.to.x - current.from.x, current.to.y - current.from.y));
      if (!selection.blocks.has(block.id)) setSelection({ blocks: new Set([block.id]), seats: new Map() });
      return;
    }
    // A click: a block first, then (clicking again inside it) its seat.
    const blockSelected = selection.blocks.has(block.id) || selection.seats.has(block.id);
    if (block.kind === 'seated' && current.seat && blockSelected) {
      const key = positionKey(current.seat[0], current.seat[1]);
      const seats: SeatPick = current.additive ? cloneSeats(selection.seats) : new Map();
      const set = seats.get(block.id) ?? new Set<string>();
      if (set.has(key)) set.delete(key);
      else set.add(key);
      seats.set(block.id, set);
      setSelection({ blocks: current.additive ? new Set(selection.blocks) : new Set(), seats });
      return;
    }
    if (current.additive) {
      const blocks = new Set(selection.blocks);
      if (blocks.has(block.id)) blocks.delete(block.id);
      else blocks.add(block.id);
      setSelection({ blocks, seats: selection.seats });
    } else {
      setSelection({ blocks: new Set([block.id]), seats: new Map() });
    }
  };
  const onWheel = (event: React.WheelEvent<SVGSVGElement>) => {
    const cam = view.current?.camera;
    if (!cam) return;
    const box = container.current?.getBoundingClientRect();
    const at = { x: event.clientX - (box?.left ?? 0), y: event.clientY - (box?.top ?? 0) };
    if (event.ctrlKey || event.deltaMode !== 0 || Math.abs(event.deltaX) < 1)
      cam.zoomAt(at, wheelZoomFactor(event.deltaY, event.deltaMode));
    else cam.panBy(-event.deltaX, -event.deltaY);
    redraw();
  };
  // Wheel must not scroll the page while over the map (React's wheel listener is passive).
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const stop = (e: WheelEvent) => e.preventDefault();
    element.addEventListener('wheel', stop, { passive: false });
    return () => element.removeEventListener('wheel', stop);
  }, []);

  const spaceHeld = useRef(false);

  // --- actions on the selection
  const selectedBlocks = [...selection.blocks];
  const selectedSeatCount = seatCount(selection.seats);
  const hasSelection = selectedBlocks.length > 0 || selectedSeatCount > 0;
  const deleteSelection = () => {
    if (!selectedBlocks.length) return;
    run(
      (m) => deleteBlocks(m, selectedBlocks),
      () => NOTHING,
    );
  };
  const duplicateSelection = () => {
    if (!selectedBlocks.length) return;
    run(
      (m) => duplicateBlocks(m, selectedBlocks),
      (command) => ({ blocks: new Set(command.changes.map((c) => c.id)), seats: new Map() }),
    );
  };
  const assignSelection = () => {
    if (!tierChoice || !hasSelection) return;
    run((m) => assignTier(m, tierChoice, selectedBlocks, selection.seats));
  };
  const removeSeats = (removed: boolean) => {
    if (!selectedSeatCount) return;
    run((m) => setSeatsRemoved(m, selection.seats, removed));
    if (removed) setSelection({ blocks: selection.blocks, seats: new Map() });
  };
  const add = (kind: 'seated' | 'standing' | 'area') => {
    run(
      (m) => {
        const block =
          kind === 'seated'
            ? newSeatedBlock(m, { tierId: tiers[0]?.tier_id ?? null })
            : kind === 'standing'
              ? newStandingBlock(m, { tierId: tiers[0]?.tier_id ?? null })
              : newAreaBlock(m);
        return addBlocks(
          m,
          [block],
          kind === 'seated' ? 'Add seated block' : kind === 'standing' ? 'Add standing area' : 'Add area',
        );
      },
      (command) => ({ blocks: new Set(command.changes.map((c) => c.id)), seats: new Map() }),
    );
    requestAnimationFrame(() => fit());
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (
      target.closest('input, select, textarea, button, [role="dialog"]') &&
      !(target === container.current)
    ) {
      if (!(event.ctrlKey || event.metaKey) || target.tagName !== 'BUTTON') return;
    }
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (mod && key === 'z') {
      event.preventDefault();
      if (event.shiftKey) doRedo();
      else doUndo();
      return;
    }
    if (mod && key === 'y') {
      event.preventDefault();
      doRedo();
      return;
    }
    if (mod && key === 'd') {
      event.preventDefault();
      duplicateSelection();
      return;
    }
    if (mod && key === 'a') {
      event.preventDefault();
      setSelection({ blocks: new Set(model.blocks.map((b) => b.id)), seats: new Map() });
      return;
    }
    if (target !== container.current) return;
    if (event.key === ' ') {
      spaceHeld.current = true;
      event.preventDefault();
      return;
    }
    if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      if (selectedSeatCount) removeSeats(true);
      else deleteSelection();
      return;
    }
    if (event.key === 'Escape') {
      setSelection(NOTHING);
      return;
    }
    if (key === 't' && hasSelection) {
      assignSelection();
      return;
    }
    if (key === '?') {
      setHelpOpen(true);
      return;
    }
    // [ and ] turn by 15°; with Shift ({ and } on most layouts) by 1°.
    const turn = { '[': -15, ']': 15, '{': -1, '}': 1 }[event.key];
    if (turn !== undefined && selectedBlocks.length) {
      event.preventDefault();
      run((m) =>
        rotateBlocks(m, selectedBlocks, event.shiftKey && Math.abs(turn) === 15 ? Math.sign(turn) : turn),
      );
      return;
    }
    const arrows: Record<string, Point> = {
      ArrowLeft: { x: -1, y: 0 },
      ArrowRight: { x: 1, y: 0 },
      ArrowUp: { x: 0, y: -1 },
      ArrowDown: { x: 0, y: 1 },
    };
    const arrow = arrows[event.key];
    // Alt + Shift + arrows resize the one selected block by a seat (or 10 units) right and down.
    if (arrow && only && event.altKey && event.shiftKey) {
      event.preventDefault();
      const id = only.id;
      run((m) => resizeBySteps(m, id, arrow.x, arrow.y));
      return;
    }
    if (arrow && selectedBlocks.length && !event.altKey) {
      event.preventDefault();
      const step = event.shiftKey ? SEAT_PITCH * 5 : SEAT_PITCH / 3;
      run((m) => moveBlocks(m, selectedBlocks, arrow.x * step, arrow.y * step));
      return;
    }
    const action = cameraKeyAction(event.key, event.shiftKey || event.altKey);
    if (!action || !view.current) return;
    event.preventDefault();
    if (action.kind === 'zoom') view.current.camera.zoomBy(action.factor);
    else if (action.kind === 'pan') view.current.camera.panBy(action.dx, action.dy);
    else fit();
    redraw();
  };
  const onKeyUp = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === ' ') spaceHeld.current = false;
  };

  // --- saving
  const [saveError, setSaveError] = useState<string>();
  const save = async (thenContinue: boolean) => {
    setChecked(true);
    const found = validate(model, tierSet);
    setProblems(found);
    setSaveError(undefined);
    if (found.length) {
      setSelection({ blocks: new Set(found.map((p) => p.blockId)), seats: new Map() });
      setAnnouncement(`${found.length} problem${found.length === 1 ? '' : 's'} to fix before saving`);
      return;
    }
    setSaving(true);
    const layout = toLayout(model);
    try {
      const body = layout as unknown as Record<string, never>;
      if (sessionId)
        await auth.api.manage.put('/api/manage/sessions/{id}/layout', { path: { id: sessionId }, body });
      else await auth.api.manage.put('/api/manage/events/{id}/layout', { path: { id: eventId }, body });
      // Sessions added before there was a map (through the API; the wizard waits for the map) have
      // none: give them this one. They keep that copy from then on, as the API treats a session
      // with a map of its own, so later saves only reach sessions that still have none.
      if (!sessionId && sessionsWithoutMap.length && eventId !== 'bench') {
        const sessions = await auth.api.manage.get('/api/manage/events/{id}/sessions', {
          path: { id: eventId },
        });
        for (const session of sessions)
          if (session.status === 'SCHEDULED' && session.capacity === 0)
            await auth.api.manage.put('/api/manage/sessions/{id}/layout', {
              path: { id: session.session_id },
              body,
            });
      }
      setSaved(model);
      onSaved?.();
      toast.show(sessionId ? "The session's seat map is saved" : 'Seat map saved', 'success');
      if (thenContinue) navigate(next);
    } catch (caught) {
      const error = caught instanceof ApiError ? caught : undefined;
      const errors = error?.detail.errors;
      if (Array.isArray(errors)) {
        const mapped: Problem[] = errors.map((item: { pointer?: string; message?: string }) => {
          const index = Number(/^\/blocks\/(\d+)/.exec(item.pointer ?? '')?.[1] ?? -1);
          return { blockId: model.blocks[index]?.id ?? '', message: item.message ?? 'invalid' };
        });
        setProblems(mapped);
      }
      setSaveError(caught instanceof Error ? caught.message : 'The seat map could not be saved.');
    } finally {
      setSaving(false);
    }
  };

  // Leaving with unsaved edits asks first: closing the tab, and the app's own links (they
  // look for a link inside the app's frame; the router itself has no blocker outside a data router).
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    const ask = (e: MouseEvent) => {
      const link = (e.target as Element | null)?.closest?.('a[href]');
      if (!link || link.closest('.designer')) return;
      if (!window.confirm('The seat map has unsaved changes. Leave without saving them?')) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener('beforeunload', warn);
    document.addEventListener('click', ask, true);
    return () => {
      window.removeEventListener('beforeunload', warn);
      document.removeEventListener('click', ask, true);
    };
  }, [dirty]);

  // --- overlay geometry
  const offset =
    drag?.kind === 'move' && drag.moved ? { x: drag.to.x - drag.from.x, y: drag.to.y - drag.from.y } : null;
  const movingIds =
    drag?.kind === 'move' && drag.moved
      ? selection.blocks.has(drag.block)
        ? selection.blocks
        : new Set([drag.block])
      : new Set<string>();
  const problemIds = new Set(problems.map((p) => p.blockId));
  const capacity = capacityOf(model);
  const marqueeRect =
    drag?.kind === 'marquee'
      ? (() => {
          const a = toScreen(drag.from);
          const b = toScreen(drag.to);
          return {
            x: Math.min(a.x, b.x),
            y: Math.min(a.y, b.y),
            width: Math.abs(a.x - b.x),
            height: Math.abs(a.y - b.y),
          };
        })()
      : null;
  const helpId = useId();

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: keyboard shortcuts for the whole designer; every action also has a button
    <div className="designer" onKeyDown={onKeyDown} onKeyUp={onKeyUp}>
      <div className="designer__toolbar" role="toolbar" aria-label="Seat map tools">
        <Button variant="secondary" onClick={() => add('seated')}>
          + Seated block
        </Button>
        <Button variant="secondary" onClick={() => add('standing')}>
          + Standing area
        </Button>
        <Button variant="secondary" onClick={() => add('area')}>
          + Stage or other area
        </Button>
        <span className="designer__sep" />
        <Button
          variant="ghost"
          onClick={doUndo}
          disabled={!history.past.length}
          aria-keyshortcuts="Control+Z"
        >
          Undo
        </Button>
        <Button
          variant="ghost"
          onClick={doRedo}
          disabled={!history.future.length}
          aria-keyshortcuts="Control+Shift+Z"
        >
          Redo
        </Button>
        <span className="designer__sep" />
        <Button variant="ghost" onClick={() => zoom(1.25)} aria-label="Zoom in">
          +
        </Button>
        <Button variant="ghost" onClick={() => zoom(0.8)} aria-label="Zoom out">
          −
        </Button>
        <Button variant="ghost" onClick={fit}>
          Fit
        </Button>
        <Button variant="ghost" onClick={() => setHelpOpen(true)} aria-haspopup="dialog">
          Shortcuts
        </Button>
        {organisationId ? (
          <>
            <span className="designer__sep" />
            {offerTemplates ? (
              <Button variant="ghost" onClick={() => setTemplateDialog('start')} aria-haspopup="dialog">
                Start from a template…
              </Button>
            ) : null}
            <Button
              variant="ghost"
              onClick={() => setTemplateDialog('save')}
              aria-haspopup="dialog"
              disabled={model.blocks.length === 0}
              title={model.blocks.length === 0 ? 'Draw something first' : undefined}
            >
              Save as template…
            </Button>
          </>
        ) : null}
      </div>
      <div className="designer__main">
        <div
          ref={container}
          className="designer__canvas"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the map takes focus for its keyboard shortcuts
          tabIndex={0}
          role="application"
          aria-roledescription="seat map designer"
          aria-label={`Seat map: ${model.blocks.length} blocks, ${capacity.seats} seats, ${capacity.standing} standing places. Arrow keys move the selection, plus and minus zoom, question mark lists shortcuts.`}
          aria-describedby={helpId}
        >
          <svg
            className="designer__overlay"
            aria-hidden="true"
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={() => setDrag(null)}
            onWheel={onWheel}
            onContextMenu={(e) => e.preventDefault()}
          >
            {model.blocks.map((original, index) => {
              const block = transformed(original);
              const moving = (offset && movingIds.has(block.id)) || block !== original;
              const corners = blockCornersOf(block).map((c) =>
                toScreen(offset && movingIds.has(block.id) ? { x: c.x + offset.x, y: c.y + offset.y } : c),
              );
              const selected = selection.blocks.has(block.id);
              const partly = selection.seats.has(block.id);
              const top = corners[0] ?? { x: 0, y: 0 };
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: codes may clash while being edited, so keys add the place
                <g key={`${index}:${block.id}`} data-block-id={block.id}>
                  <polygon
                    points={corners.map((c) => `${c.x},${c.y}`).join(' ')}
                    className={`outline${selected ? ' outline--selected' : ''}${partly ? ' outline--partly' : ''}${problemIds.has(block.id) ? ' outline--problem' : ''}${moving ? ' outline--moving' : ''}`}
                  />
                  <text x={top.x} y={top.y - 6} className="outline__label">
                    {displayName(block)}
                    {block.kind === 'seated'
                      ? ` · ${block.rows * block.columns - block.removed.length} seats`
                      : ''}
                    {block.kind === 'standing' ? ` · ${block.capacity} standing` : ''}
                  </text>
                </g>
              );
            })}
            {only && (!drag || drag.kind === 'resize' || drag.kind === 'rotate')
              ? (() => {
                  const shown = transformed(only);
                  const points = handlePoints(shown);
                  const top = toScreen(blockPoint(shown, 0.5, 0));
                  const knob = points.find((point) => point.handle === 'rotate')?.at ?? top;
                  return (
                    <g className="handles">
                      <line x1={top.x} y1={top.y} x2={knob.x} y2={knob.y} className="handles__stem" />
                      {points.map(({ handle, at }) =>
                        handle === 'rotate' ? (
                          <circle
                            key={handle}
                            cx={at.x}
                            cy={at.y}
                            r={6}
                            className="handles__rotate"
                            data-handle="rotate"
                          />
                        ) : (
                          <rect
                            key={handle}
                            x={at.x - 5}
                            y={at.y - 5}
                            width={10}
                            height={10}
                            className="handles__resize"
                            data-handle={handle}
                            style={{ cursor: HANDLE_CURSORS[handle] }}
                          />
                        ),
                      )}
                      {drag?.kind === 'rotate' ? (
                        <text x={knob.x + 10} y={knob.y - 8} className="outline__label">
                          {shown.rotation}°
                        </text>
                      ) : null}
                    </g>
                  );
                })()
              : null}
            {marqueeRect ? <rect className="marquee" {...marqueeRect} /> : null}
          </svg>
          {model.blocks.length === 0 ? (
            <div className="designer__empty">
              <p>
                <strong>An empty map.</strong> Start with a seated block, a standing area or the stage from
                the toolbar.
              </p>
            </div>
          ) : null}
        </div>
        <aside className="designer__panel" aria-label="Selection and blocks">
          <SelectionPanel
            model={model}
            selection={selection}
            only={only}
            tiers={tiers}
            tierChoice={tierChoice}
            setTierChoice={setTierChoice}
            tierName={tierName}
            onAssign={assignSelection}
            onRemoveSeats={() => removeSeats(true)}
            onRestoreSeats={() => removeSeats(false)}
            onDelete={deleteSelection}
            onDuplicate={duplicateSelection}
            onRotate={(by) => {
              if (selectedBlocks.length) run((m) => rotateBlocks(m, selectedBlocks, by));
            }}
            onEdit={(id, patch) => {
              const keys = Object.keys(patch);
              if (keys.length === 1 && patch.rotation !== undefined) {
                const rotation = patch.rotation;
                run((m) => setBlockRotation(m, id, rotation));
                return;
              }
              run((m) => editBlock(m, id, patch));
              if (patch.id && patch.id !== id)
                setSelection({ blocks: new Set([patch.id]), seats: new Map() });
            }}
            onSelectSeats={(block, text) => {
              const { pick, unknown } = seatsByLabel(block, text);
              setSelection({ blocks: new Set(), seats: pick });
              return unknown;
            }}
          />
          <section aria-labelledby="blocks-title" className="designer__blocks">
            <h3 id="blocks-title">Blocks</h3>
            {model.blocks.length === 0 ? <p className="empty-line">None yet.</p> : null}
            <ul>
              {model.blocks.map((block, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: codes may clash while being edited, so keys add the place
                <li key={`${index}:${block.id}`}>
                  <button
                    type="button"
                    className="block-item"
                    aria-pressed={selection.blocks.has(block.id)}
                    onClick={(e) =>
                      setSelection((before) => {
                        if (!e.shiftKey) return { blocks: new Set([block.id]), seats: new Map() };
                        const blocks = new Set(before.blocks);
                        if (blocks.has(block.id)) blocks.delete(block.id);
                        else blocks.add(block.id);
                        return { blocks, seats: before.seats };
                      })
                    }
                  >
                    <span>{displayName(block)}</span>
                    <span className="block-item__meta">
                      {block.kind === 'seated'
                        ? `${block.rows} × ${block.columns}${block.removed.length ? `, ${block.removed.length} removed` : ''}`
                        : block.kind === 'standing'
                          ? `standing, ${block.capacity}`
                          : block.areaKind}
                      {problemIds.has(block.id) ? ' · needs attention' : ''}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        </aside>
      </div>
      <p id={helpId} className="visually-hidden">
        Click a block to select it, click a seat of a selected block to select the seat, shift-click to add,
        drag on empty space to select with a rectangle, drag a block to move it.
      </p>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {problems.length ? (
        <section className="designer__problems" aria-labelledby="problems-title">
          <div role="alert">
            <h3 id="problems-title">Fix these before saving</h3>
            <ul>
              {problems.map((problem, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity beyond their place
                <li key={index}>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => setSelection({ blocks: new Set([problem.blockId]), seats: new Map() })}
                  >
                    {problem.message}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        </section>
      ) : null}
      {saveError ? (
        <p className="bx-form-alert" role="alert">
          {saveError}
        </p>
      ) : null}
      <div className="wizard__actions">
        <span className="designer__status" aria-live="polite">
          {capacity.seats.toLocaleString()} seats · {capacity.standing.toLocaleString()} standing ·{' '}
          {dirty ? 'unsaved changes' : 'saved'}
        </span>
        <Button variant="secondary" busy={saving} onClick={() => save(false)}>
          Save seat map
        </Button>
        <Button busy={saving} onClick={() => save(true)}>
          {continueLabel}
        </Button>
      </div>
      {organisationId ? (
        <>
          {/* Mounted only while open, so their text (capacities) is not on the page twice. */}
          {templateDialog === 'save' ? (
            <SaveTemplateDialog
              open
              organisationId={organisationId}
              model={model}
              onClose={() => setTemplateDialog(null)}
            />
          ) : null}
          {offerTemplates && templateDialog === 'start' ? (
            <StartFromTemplateDialog
              open
              organisationId={organisationId}
              tiers={tiers}
              current={model}
              onClose={() => setTemplateDialog(null)}
              onApply={(next, template) => {
                run(
                  (m) => replaceBlocks(m, next, `Start from “${template.name}”`),
                  () => NOTHING,
                );
                setChecked(true);
                fitWhenDrawn.current = true;
              }}
            />
          ) : null}
        </>
      ) : null}
      <Dialog open={helpOpen} title="Keyboard shortcuts" onClose={() => setHelpOpen(false)}>
        <dl className="shortcuts">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys}>
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </Dialog>
    </div>
  );
}

const SHORTCUTS: [string, string][] = [
  ['Ctrl + Z', 'Undo'],
  ['Ctrl + Shift + Z, Ctrl + Y', 'Redo'],
  ['Ctrl + D', 'Duplicate the selected blocks'],
  ['Ctrl + A', 'Select every block'],
  ['Delete', 'Remove the selected seats, or delete the selected blocks'],
  ['T', 'Give the selection the chosen tier'],
  [
    'Alt + Shift + arrow keys',
    'Resize the selected block: a seat (or 10 units) wider, narrower, deeper or shallower',
  ],
  ['[ / ]', 'Rotate the selected blocks 15° left / right around their centres (Shift: 1°)'],
  [
    'Drag a handle',
    'Resize the selected block from that edge or corner; the round handle above it rotates (Shift: 15° steps)',
  ],
  ['Arrow keys', 'Move the selected blocks (Shift: further); with nothing selected, pan'],
  ['Alt + arrow keys', 'Pan the map'],
  ['+ / −', 'Zoom in / out'],
  ['0', 'Fit the whole map'],
  ['Space + drag, right-drag', 'Pan with the mouse'],
  ['Mouse wheel, pinch', 'Zoom; two-finger scroll pans'],
  ['Shift + click', 'Add to the selection'],
  ['Drag on empty space', 'Select with a rectangle'],
  ['Escape', 'Clear the selection'],
];

function merge(a: Selection, b: Selection): Selection {
  const seats = cloneSeats(a.seats);
  for (const [id, set] of b.seats) seats.set(id, new Set([...(seats.get(id) ?? []), ...set]));
  return { blocks: new Set([...a.blocks, ...b.blocks]), seats };
}

function cloneSeats(pick: SeatPick): SeatPick {
  return new Map([...pick].map(([id, set]) => [id, new Set(set)]));
}

// --- the side panel

function NumberField({
  label,
  value,
  min,
  max,
  onCommit,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  onCommit: (value: number) => void;
}) {
  const id = useId();
  const [text, setText] = useState(String(value));
  const [error, setError] = useState<string>();
  useEffect(() => setText(String(value)), [value]);
  const commit = () => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || n > max) {
      setError(`${min} to ${max}`);
      return;
    }
    setError(undefined);
    if (n !== value) onCommit(n);
  };
  return (
    <div className="bx-field bx-field--compact">
      <label className="bx-field__label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="bx-field__control"
        inputMode="decimal"
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit();
          }
        }}
      />
      {error ? (
        <span className="bx-field__error" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

function TextInput({
  label,
  value,
  onCommit,
}: {
  label: string;
  value: string;
  onCommit: (value: string) => void;
}) {
  const id = useId();
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const commit = () => {
    if (text !== value) onCommit(text);
  };
  return (
    <div className="bx-field bx-field--compact">
      <label className="bx-field__label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="bx-field__control"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit();
          }
        }}
      />
    </div>
  );
}

function Choice<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChange: (value: T) => void;
}) {
  const id = useId();
  return (
    <div className="bx-field bx-field--compact">
      <label className="bx-field__label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        className="bx-field__control"
        value={value}
        onChange={(e) => onChange(e.target.value as T)}
      >
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function SelectionPanel({
  model,
  selection,
  only,
  tiers,
  tierChoice,
  setTierChoice,
  tierName,
  onAssign,
  onRemoveSeats,
  onRestoreSeats,
  onDelete,
  onDuplicate,
  onRotate,
  onEdit,
  onSelectSeats,
}: {
  model: DesignModel;
  selection: Selection;
  only: DesignBlock | undefined;
  tiers: Tier[];
  tierChoice: string;
  setTierChoice: (id: string) => void;
  tierName: (id: string | null) => string;
  onAssign: () => void;
  onRemoveSeats: () => void;
  onRestoreSeats: () => void;
  onDelete: () => void;
  onDuplicate: () => void;
  onRotate: (by: number) => void;
  onEdit: (id: string, patch: Partial<DesignBlock>) => void;
  onSelectSeats: (block: SeatedBlock, text: string) => string[];
}) {
  const tierId = useId();
  const seatsId = useId();
  const [seatText, setSeatText] = useState('');
  const [seatError, setSeatError] = useState<string>();
  const blocks = selection.blocks.size;
  // Stages, aisles and bars are never sold, so a selection of only those has no tier to take.
  const sellable =
    seatCount(selection.seats) > 0 ||
    [...selection.blocks].some((id) => model.blocks.find((b) => b.id === id)?.kind !== 'area');
  const seats = seatCount(selection.seats);
  const seatBlock =
    only?.kind === 'seated'
      ? only
      : selection.seats.size === 1
        ? (model.blocks.find((b) => b.id === [...selection.seats.keys()][0]) as SeatedBlock | undefined)
        : undefined;
  const summary =
    blocks || seats
      ? [
          blocks ? `${blocks} block${blocks === 1 ? '' : 's'}` : '',
          seats ? `${seats} seat${seats === 1 ? '' : 's'}` : '',
        ]
          .filter(Boolean)
          .join(' and ')
      : 'Nothing';
  return (
    <section aria-labelledby="selection-title" className="designer__selection">
      <h3 id="selection-title">{summary} selected</h3>
      {sellable ? (
        <div className="designer__assign">
          <div className="bx-field bx-field--compact">
            <label className="bx-field__label" htmlFor={tierId}>
              Tier
            </label>
            <select
              id={tierId}
              className="bx-field__control"
              value={tierChoice}
              onChange={(e) => setTierChoice(e.target.value)}
            >
              {tiers.map((tier) => (
                <option key={tier.tier_id} value={tier.tier_id}>
                  {tier.name}
                </option>
              ))}
            </select>
          </div>
          <Button variant="secondary" onClick={onAssign} disabled={!tierChoice} aria-keyshortcuts="T">
            Assign tier
          </Button>
        </div>
      ) : blocks ? null : (
        <p className="empty-line">Click a block or drag a rectangle over seats.</p>
      )}
      {seats ? (
        <div className="designer__row">
          <Button variant="secondary" onClick={onRemoveSeats}>
            Remove seats
          </Button>
          <Button variant="ghost" onClick={onRestoreSeats}>
            Restore seats
          </Button>
        </div>
      ) : null}
      {seatBlock ? (
        <form
          className="designer__row designer__seat-search"
          onSubmit={(e) => {
            e.preventDefault();
            const unknown = onSelectSeats(seatBlock, seatText);
            setSeatError(unknown.length ? `Not in ${seatBlock.name}: ${unknown.join(', ')}` : undefined);
          }}
        >
          <div className="bx-field bx-field--compact">
            <label className="bx-field__label" htmlFor={seatsId}>
              Select seats by label
            </label>
            <input
              id={seatsId}
              className="bx-field__control"
              placeholder="A1-A4, C7"
              value={seatText}
              aria-describedby={seatError ? `${seatsId}-error` : undefined}
              onChange={(e) => setSeatText(e.target.value)}
            />
            {seatError ? (
              <span className="bx-field__error" id={`${seatsId}-error`}>
                {seatError}
              </span>
            ) : null}
          </div>
          <Button type="submit" variant="secondary">
            Select
          </Button>
        </form>
      ) : null}
      {blocks ? (
        <div className="designer__row">
          <Button variant="secondary" onClick={onDuplicate} aria-keyshortcuts="Control+D">
            Duplicate
          </Button>
          <Button variant="danger" onClick={onDelete} aria-keyshortcuts="Delete">
            Delete
          </Button>
        </div>
      ) : null}
      {blocks ? (
        <div className="designer__row">
          <Button variant="secondary" onClick={() => onRotate(-15)} aria-keyshortcuts="[">
            Rotate 15° left
          </Button>
          <Button variant="secondary" onClick={() => onRotate(15)} aria-keyshortcuts="]">
            Rotate 15° right
          </Button>
        </div>
      ) : null}
      {only ? (
        <BlockProperties
          key={only.id}
          block={only}
          tierName={tierName}
          onEdit={(patch) => onEdit(only.id, patch)}
        />
      ) : null}
    </section>
  );
}

function BlockProperties({
  block,
  tierName,
  onEdit,
}: {
  block: DesignBlock;
  tierName: (id: string | null) => string;
  onEdit: (patch: Partial<DesignBlock>) => void;
}) {
  return (
    <div className="designer__properties">
      <h4>
        {block.kind === 'seated' ? 'Seated block' : block.kind === 'standing' ? 'Standing area' : 'Area'} “
        {displayName(block)}”
      </h4>
      {block.kind !== 'area' ? (
        <>
          <TextInput label="Name" value={block.name} onCommit={(name) => onEdit({ name })} />
          <p className="choice__meta">Tier: {tierName(block.tierId)}</p>
        </>
      ) : (
        <>
          <Choice
            label="Kind"
            value={block.areaKind}
            options={[
              ['stage', 'Stage'],
              ['aisle', 'Aisle'],
              ['other', 'Other (bar, desk…)'],
            ]}
            onChange={(areaKind) => onEdit({ areaKind })}
          />
          <TextInput label="Label" value={block.label} onCommit={(label) => onEdit({ label })} />
        </>
      )}
      <TextInput label="Code (starts every seat id)" value={block.id} onCommit={(id) => onEdit({ id })} />
      {block.kind === 'seated' ? (
        <>
          <div className="form-row form-row--tight">
            <NumberField
              label="Rows"
              value={block.rows}
              min={1}
              max={1000}
              onCommit={(rows) => onEdit({ rows })}
            />
            <NumberField
              label="Seats per row"
              value={block.columns}
              min={1}
              max={1000}
              onCommit={(columns) => onEdit({ columns })}
            />
          </div>
          <Choice
            label="Row labels"
            value={block.rowScheme === 'numbers' ? 'numbers' : block.skipIO ? 'letters-skip' : 'letters'}
            options={[
              ['letters-skip', 'A, B, C… without I and O'],
              ['letters', 'A, B, C… every letter'],
              ['numbers', '1, 2, 3…'],
            ]}
            onChange={(value) =>
              onEdit(
                value === 'numbers'
                  ? { rowScheme: 'numbers' }
                  : { rowScheme: 'letters', skipIO: value === 'letters-skip' },
              )
            }
          />
          <Choice
            label="Seat numbers"
            value={block.direction}
            options={[
              ['left-to-right', '1 on the left'],
              ['right-to-left', '1 on the right'],
            ]}
            onChange={(direction) => onEdit({ direction })}
          />
        </>
      ) : (
        <div className="form-row form-row--tight">
          <NumberField
            label="Width"
            value={block.width}
            min={10}
            max={100000}
            onCommit={(width) => onEdit({ width })}
          />
          <NumberField
            label="Depth"
            value={block.height}
            min={10}
            max={100000}
            onCommit={(height) => onEdit({ height })}
          />
        </div>
      )}
      {block.kind === 'standing' ? (
        <NumberField
          label="Capacity"
          value={block.capacity}
          min={1}
          max={1000000}
          onCommit={(capacity) => onEdit({ capacity })}
        />
      ) : null}
      <NumberField
        label="Rotation (degrees)"
        value={block.rotation}
        min={-360}
        max={360}
        onCommit={(rotation) => onEdit({ rotation })}
      />
    </div>
  );
}
