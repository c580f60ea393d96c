import { SEAT_PITCH } from '@boxoffice/seatmap';
import { describe, expect, it } from 'vitest';
import {
  blockCentre,
  blockPoint,
  type DesignModel,
  EMPTY_MODEL,
  execute,
  handleAnchor,
  historyOf,
  newAreaBlock,
  newSeatedBlock,
  normaliseAngle,
  pickSeats,
  redo,
  resizeBlock,
  resizeBySteps,
  rotateBlocks,
  setBlockRotation,
  setSeatsRemoved,
  toLayout,
  undo,
} from '../src/designer/model.ts';

function stageAndGrid(): DesignModel {
  const stage = newAreaBlock(EMPTY_MODEL, { id: 'STAGE', x: 400, y: 100, width: 200, height: 100 });
  const grid = newSeatedBlock(
    { blocks: [stage] },
    { id: 'A', name: 'Stalls', x: 400, y: 400, rows: 4, columns: 6 },
  );
  return { blocks: [stage, grid] };
}

function near(actual: { x: number; y: number }, expected: { x: number; y: number }) {
  expect(actual.x).toBeCloseTo(expected.x, 1);
  expect(actual.y).toBeCloseTo(expected.y, 1);
}

describe('rotating', () => {
  it('keeps angles in (-180, 180]', () => {
    expect(normaliseAngle(195)).toBe(-165);
    expect(normaliseAngle(-180)).toBe(180);
    expect(normaliseAngle(360)).toBe(0);
    expect(normaliseAngle(-15)).toBe(-15);
  });

  it('turns blocks around their own centres, as one undoable edit', () => {
    const model = stageAndGrid();
    const centres = model.blocks.map(blockCentre);
    let history = execute(historyOf(model), rotateBlocks(model, ['STAGE', 'A'], 15));
    expect(history.past.at(-1)?.label).toBe('Rotate');
    history.model.blocks.forEach((block, index) => {
      expect(block.rotation).toBe(15);
      near(blockCentre(block), centres[index] ?? { x: 0, y: 0 });
    });
    history = execute(history, rotateBlocks(history.model, ['A'], -30));
    expect(history.model.blocks.map((block) => block.rotation)).toEqual([15, -15]);
    history = undo(undo(history));
    expect(history.model).toEqual(model);
    history = redo(history);
    expect(history.model.blocks.map((block) => block.rotation)).toEqual([15, 15]);
  });

  it('sets an absolute angle from the handle, and a block at the edge stays on the canvas', () => {
    const corner: DesignModel = {
      blocks: [newAreaBlock(EMPTY_MODEL, { id: 'S', x: 0, y: 0, width: 200, height: 40 })],
    };
    const turned = execute(historyOf(corner), setBlockRotation(corner, 'S', 90)).model.blocks[0];
    expect(turned?.rotation).toBe(90);
    expect(turned?.x).toBeGreaterThanOrEqual(0);
    expect(turned?.y).toBeGreaterThanOrEqual(0);
    expect(setBlockRotation(corner, 'S', 0).changes).toEqual([]);
  });

  it('writes the rotation into the layout', () => {
    const model = execute(historyOf(stageAndGrid()), rotateBlocks(stageAndGrid(), ['A'], 15)).model;
    const grid = toLayout(model).blocks.find((block) => block.id === 'A');
    expect(grid?.rotation).toBe(15);
  });
});

describe('resizing', () => {
  it('drags an area corner, the opposite corner staying put', () => {
    const model = stageAndGrid();
    const stage = model.blocks[0];
    if (!stage) throw new Error('no stage');
    const fixed = blockPoint(stage, 0, 0);
    const command = resizeBlock(model, 'STAGE', 'se', { x: 700, y: 260 });
    expect(command.label).toBe('Resize');
    const after = execute(historyOf(model), command).model.blocks[0];
    expect(after?.kind === 'area' && [after.width, after.height]).toEqual([300, 160]);
    near(blockPoint(after ?? stage, 0, 0), fixed);
  });

  it('drags a west edge: the east edge stays and the corner moves', () => {
    const model = stageAndGrid();
    const after = execute(historyOf(model), resizeBlock(model, 'STAGE', 'w', { x: 350, y: 150 })).model
      .blocks[0];
    expect(after?.kind === 'area' && [after.x, after.y, after.width, after.height]).toEqual([
      350, 100, 250, 100,
    ]);
  });

  it('follows a rotated block along its own axes', () => {
    const base = stageAndGrid();
    const model = execute(historyOf(base), setBlockRotation(base, 'STAGE', 90)).model;
    const stage = model.blocks[0];
    if (!stage) throw new Error('no stage');
    const west = blockPoint(stage, 0, 0.5);
    // Turned a quarter, the block's east edge points down the page: drag it 50 further down.
    const east = blockPoint(stage, 1, 0.5);
    const after = execute(historyOf(model), resizeBlock(model, 'STAGE', 'e', { x: east.x, y: east.y + 50 }))
      .model.blocks[0];
    expect(after?.kind === 'area' && after.width).toBe(250);
    near(blockPoint(after ?? stage, 0, 0.5), west);
  });

  it('snaps a seated block to whole rows and seats and keeps overrides inside it', () => {
    let history = historyOf(stageAndGrid());
    history = execute(
      history,
      setSeatsRemoved(
        history.model,
        pickSeats([
          ['A', 0, 1],
          ['A', 3, 5],
        ]),
        true,
      ),
    );
    const grid = history.model.blocks[1];
    if (!grid) throw new Error('no grid');
    const corner = blockPoint(grid, 1, 1);
    // Half a seat and a bit less: rounds to one seat fewer each way.
    history = execute(
      history,
      resizeBlock(history.model, 'A', 'se', {
        x: corner.x - SEAT_PITCH * 0.6,
        y: corner.y - SEAT_PITCH * 1.4,
      }),
    );
    const after = history.model.blocks[1];
    expect(after?.kind === 'seated' && [after.rows, after.columns, after.removed]).toEqual([3, 5, ['0:1']]);
    history = undo(history);
    expect(history.model.blocks[1]).toEqual(grid);
  });

  it('never shrinks below one seat or 10 units, and a drag that changes nothing records nothing', () => {
    const model = stageAndGrid();
    const tiny = execute(historyOf(model), resizeBlock(model, 'A', 'se', { x: 0, y: 0 })).model.blocks[1];
    expect(tiny?.kind === 'seated' && [tiny.rows, tiny.columns]).toEqual([1, 1]);
    const flat = execute(historyOf(model), resizeBlock(model, 'STAGE', 's', { x: 500, y: 0 })).model
      .blocks[0];
    expect(flat?.kind === 'area' && flat.height).toBe(10);
    const stage = model.blocks[0];
    if (!stage) throw new Error('no stage');
    expect(resizeBlock(model, 'STAGE', 'se', blockPoint(stage, 1, 1)).changes).toEqual([]);
  });

  it('places handles on corners and edge middles', () => {
    expect(handleAnchor('nw')).toEqual({ u: 0, v: 0 });
    expect(handleAnchor('e')).toEqual({ u: 1, v: 0.5 });
    expect(handleAnchor('s')).toEqual({ u: 0.5, v: 1 });
  });

  it('resizes by whole steps from the keyboard, also when rotated', () => {
    const base = stageAndGrid();
    let history = execute(historyOf(base), rotateBlocks(base, ['A'], 30));
    const before = history.model.blocks[1];
    if (!before) throw new Error('no grid');
    history = execute(history, resizeBySteps(history.model, 'A', 1, -1));
    const grid = history.model.blocks[1];
    expect(grid?.kind === 'seated' && [grid.rows, grid.columns, grid.rotation]).toEqual([3, 7, 30]);
    near(blockPoint(grid ?? before, 0, 0), blockPoint(before, 0, 0));
    history = execute(history, resizeBySteps(history.model, 'STAGE', -2, 1));
    const stage = history.model.blocks[0];
    expect(stage?.kind === 'area' && [stage.width, stage.height]).toEqual([180, 110]);
    expect(undo(history).model.blocks[0]).toEqual(base.blocks[0]);
  });
});
