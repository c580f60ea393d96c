import { SEAT_PITCH } from '@boxoffice/seatmap';
import { describe, expect, it } from 'vitest';
import {
  addBlocks,
  assignTier,
  type DesignModel,
  deleteBlocks,
  duplicateBlocks,
  EMPTY_MODEL,
  editBlock,
  execute,
  fromLayout,
  historyOf,
  marquee,
  moveBlocks,
  newAreaBlock,
  newSeatedBlock,
  newStandingBlock,
  pickSeats,
  redo,
  rowLabel,
  type SeatedBlock,
  seatsByLabel,
  setSeatsRemoved,
  toLayout,
  undo,
  validate,
} from '../src/designer/model.ts';

const STALLS = 'tier-stalls';
const CIRCLE = 'tier-circle';

function twoBlocks(): DesignModel {
  const a = newSeatedBlock(EMPTY_MODEL, { id: 'A', name: 'Stalls', x: 0, y: 0, rows: 3, columns: 4 });
  const b = newSeatedBlock({ blocks: [a] }, { id: 'B', name: 'Circle', x: 0, y: 200, rows: 2, columns: 3 });
  return { blocks: [a, b] };
}

function seated(model: DesignModel, id: string): SeatedBlock {
  const block = model.blocks.find((item) => item.id === id);
  if (block?.kind !== 'seated') throw new Error(`no seated block ${id}`);
  return block;
}

describe('labels', () => {
  it('letters rows skipping I and O, or numbers them', () => {
    const letters = Array.from({ length: 10 }, (_, row) => rowLabel(row, 'letters', true)).join('');
    expect(letters).toBe('ABCDEFGHJK');
    expect(rowLabel(13, 'letters', true)).toBe('P');
    expect(rowLabel(24, 'letters', true)).toBe('AA');
    expect(rowLabel(8, 'letters', false)).toBe('I');
    expect(rowLabel(4, 'numbers', true)).toBe('5');
  });

  it('numbers seats in either direction', () => {
    const block = newSeatedBlock(EMPTY_MODEL, { id: 'X', rows: 1, columns: 3, direction: 'right-to-left' });
    const layout = toLayout({ blocks: [block] });
    const grid = layout.blocks[0];
    expect(grid?.type === 'seated_grid' && grid.seats.map((seat) => seat.label)).toEqual(['A3', 'A2', 'A1']);
  });
});

describe('undo and redo', () => {
  it('walks every kind of edit back and forward again', () => {
    let history = historyOf(EMPTY_MODEL);
    const steps: DesignModel[] = [history.model];
    const stalls = newSeatedBlock(history.model, { id: 'A', rows: 2, columns: 2 });
    history = execute(history, addBlocks(history.model, [stalls]));
    steps.push(history.model);
    history = execute(history, addBlocks(history.model, [newAreaBlock(history.model, { id: 'stage' })]));
    steps.push(history.model);
    history = execute(history, moveBlocks(history.model, ['A'], 30, 60));
    steps.push(history.model);
    history = execute(history, assignTier(history.model, STALLS, ['A']));
    steps.push(history.model);
    history = execute(history, setSeatsRemoved(history.model, pickSeats([['A', 0, 0]]), true));
    steps.push(history.model);
    history = execute(history, duplicateBlocks(history.model, ['A']));
    steps.push(history.model);
    history = execute(history, deleteBlocks(history.model, ['stage', 'A']));
    steps.push(history.model);
    expect(history.model.blocks.map((block) => block.id)).toEqual(['block-1']);

    for (let i = steps.length - 2; i >= 0; i -= 1) {
      history = undo(history);
      expect(history.model).toEqual(steps[i]);
    }
    expect(undo(history)).toBe(history); // nothing left to undo
    for (let i = 1; i < steps.length; i += 1) {
      history = redo(history);
      expect(history.model).toEqual(steps[i]);
    }
    expect(redo(history)).toBe(history);
  });

  it('forgets the redo branch after a new edit, and records nothing for an edit that changes nothing', () => {
    let history = execute(historyOf(twoBlocks()), moveBlocks(twoBlocks(), ['A'], 10, 0));
    history = undo(history);
    expect(history.future).toHaveLength(1);
    history = execute(history, editBlock(history.model, 'B', { name: 'Upper circle' }));
    expect(history.future).toHaveLength(0);
    const unchanged = execute(history, moveBlocks(history.model, ['nope'], 10, 0));
    expect(unchanged).toBe(history);
  });

  it('undoes an id edit that clashed with another block without touching that block', () => {
    const model = twoBlocks();
    let history = execute(historyOf(model), editBlock(model, 'B', { id: 'A' }));
    expect(history.model.blocks.map((b) => b.id)).toEqual(['A', 'A']);
    history = undo(history);
    expect(history.model).toEqual(model);
    history = redo(history);
    expect(history.model.blocks.map((b) => (b.kind === 'area' ? '' : b.name))).toEqual(['Stalls', 'Circle']);
  });

  it('undoes a delete of blocks from the middle back into their places', () => {
    const model = twoBlocks();
    const three = { blocks: [...model.blocks, newStandingBlock(model, { id: 'S' })] };
    let history = execute(historyOf(three), deleteBlocks(three, ['A', 'S']));
    expect(history.model.blocks.map((b) => b.id)).toEqual(['B']);
    history = undo(history);
    expect(history.model.blocks.map((b) => b.id)).toEqual(['A', 'B', 'S']);
  });
});

describe('marquee tier assignment', () => {
  it('gives the seats inside the rectangle a tier of their own, and undo takes it back', () => {
    let history = historyOf(twoBlocks());
    history = execute(history, assignTier(history.model, STALLS, ['A', 'B']));
    // The first two seats of rows A and B of block A, and nothing of block B further down.
    const rect = { minX: 0, minY: 0, maxX: 2 * SEAT_PITCH - 1, maxY: 2 * SEAT_PITCH - 1 };
    const picked = marquee(history.model, rect);
    expect([...(picked.seats.get('A') ?? [])].sort()).toEqual(['0:0', '0:1', '1:0', '1:1']);
    expect(picked.seats.has('B')).toBe(false);
    history = execute(history, assignTier(history.model, CIRCLE, [], picked.seats));

    const grid = toLayout(history.model).blocks[0];
    if (grid?.type !== 'seated_grid') throw new Error('expected a grid');
    const tiers = Object.fromEntries(grid.seats.map((seat) => [seat.label, seat.tier_id ?? grid.tier_id]));
    expect(tiers).toMatchObject({ A1: CIRCLE, A2: CIRCLE, B1: CIRCLE, B2: CIRCLE, A3: STALLS, C1: STALLS });
    expect(validate(history.model, new Set([STALLS, CIRCLE]))).toEqual([]);

    history = undo(history);
    const back = toLayout(history.model).blocks[0];
    expect(back?.type === 'seated_grid' && back.seats.every((seat) => !seat.tier_id)).toBe(true);
  });

  it('skips removed seats, and picks whole standing and stage areas it touches', () => {
    let model = twoBlocks();
    model = { blocks: [...model.blocks, newStandingBlock(model, { id: 'S', x: 300, y: 0 })] };
    const history = execute(historyOf(model), setSeatsRemoved(model, pickSeats([['A', 0, 0]]), true));
    const picked = marquee(history.model, { minX: 0, minY: 0, maxX: 400, maxY: 20 });
    expect([...(picked.seats.get('A') ?? [])].sort()).toEqual(['0:1', '0:2', '0:3']);
    expect(picked.blocks).toEqual(['S']);
  });
});

describe('seat removal', () => {
  it('leaves removed seats out of the layout and restores them', () => {
    let history = historyOf(twoBlocks());
    history = execute(history, assignTier(history.model, STALLS, ['A', 'B']));
    const { pick, unknown } = seatsByLabel(seated(history.model, 'A'), 'A1-A2, C4, Z9');
    expect(unknown).toEqual(['Z9']);
    history = execute(history, setSeatsRemoved(history.model, pick, true));
    const grid = toLayout(history.model).blocks[0];
    if (grid?.type !== 'seated_grid') throw new Error('expected a grid');
    expect(grid.seats).toHaveLength(12 - 3);
    expect(grid.seats.map((seat) => seat.label)).not.toContain('A1');
    expect(grid.seats.map((seat) => seat.label)).not.toContain('C4');
    // Reading the stored layout back finds the same gaps.
    expect(seated(fromLayout(toLayout(history.model)), 'A').removed).toEqual(['0:0', '0:1', '2:3']);

    history = execute(
      history,
      setSeatsRemoved(history.model, seatsByLabel(seated(history.model, 'A'), 'A1').pick, false),
    );
    expect(seated(history.model, 'A').removed).toEqual(['0:1', '2:3']);
    history = undo(undo(history));
    expect(seated(history.model, 'A').removed).toEqual([]);
  });
});

describe('validation', () => {
  it('names seats without a tier, duplicate ids and overlapping blocks', () => {
    let model = twoBlocks();
    model = { blocks: [...model.blocks, newSeatedBlock(model, { id: 'A', name: 'Again', x: 10, y: 10 })] };
    const problems = validate(model, new Set([STALLS]));
    expect(problems.some((p) => p.message.includes('used twice'))).toBe(true);
    expect(problems.find((p) => p.blockId === 'B' && p.seats)?.seats).toHaveLength(6);
    expect(problems.some((p) => p.message.includes('overlaps'))).toBe(true);
  });

  it('round-trips a layout through the model', () => {
    let history = historyOf(twoBlocks());
    history = execute(history, assignTier(history.model, STALLS, ['A', 'B']));
    history = execute(
      history,
      addBlocks(history.model, [newAreaBlock(history.model, { label: 'Bar', areaKind: 'other' })]),
    );
    const layout = toLayout(history.model);
    expect(toLayout(fromLayout(layout))).toEqual(layout);
  });
});
