import { describe, expect, it } from 'vitest';
import {
  assignTier,
  type DesignModel,
  EMPTY_MODEL,
  execute,
  historyOf,
  newAreaBlock,
  newSeatedBlock,
  newStandingBlock,
  pickSeats,
  redo,
  replaceBlocks,
  setSeatsRemoved,
  undo,
  validate,
} from '../src/designer/model.ts';
import { needsTierMapping, proposeTierMapping, remapTiers, tiersUsed } from '../src/designer/templates.ts';

const OLD_STALLS = 'old-stalls';
const OLD_BOX = 'old-box';
const OLD_FLOOR = 'old-floor';

/** A template as saved from another event: a 2 × 3 block with one seat removed and one box seat, and a floor. */
function template(): DesignModel {
  const stalls = newSeatedBlock(EMPTY_MODEL, {
    id: 'S',
    name: 'Stalls',
    x: 0,
    y: 0,
    rows: 2,
    columns: 3,
    tierId: OLD_STALLS,
  });
  let model: DesignModel = { blocks: [stalls] };
  const floor = newStandingBlock(model, { id: 'F', name: 'Floor', tierId: OLD_FLOOR, capacity: 50 });
  model = { blocks: [stalls, floor, newAreaBlock({ blocks: [stalls, floor] }, { id: 'STAGE' })] };
  let history = historyOf(model);
  history = execute(history, setSeatsRemoved(history.model, pickSeats([['S', 0, 0]]), true));
  history = execute(history, assignTier(history.model, OLD_BOX, [], pickSeats([['S', 1, 2]])));
  return history.model;
}

describe('templates', () => {
  it('lists the tiers a map uses with what each sells', () => {
    expect(tiersUsed(template())).toEqual([
      { tierId: OLD_STALLS, seats: 4, standing: 0, where: ['Stalls'] },
      { tierId: OLD_BOX, seats: 1, standing: 0, where: ['Stalls row B'] },
      { tierId: OLD_FLOOR, seats: 0, standing: 50, where: ['Floor'] },
    ]);
  });

  it("maps another event's tiers onto this event's in order, and keeps this event's own", () => {
    const used = tiersUsed(template());
    expect(needsTierMapping(used, ['a', 'b', 'c'])).toBe(true);
    expect(proposeTierMapping(used, ['a', 'b', 'c'])).toEqual({
      [OLD_STALLS]: 'a',
      [OLD_BOX]: 'b',
      [OLD_FLOOR]: 'c',
    });
    // Fewer tiers here: the rest take the last one until someone chooses otherwise.
    expect(proposeTierMapping(used, ['a'])).toEqual({ [OLD_STALLS]: 'a', [OLD_BOX]: 'a', [OLD_FLOOR]: 'a' });
    // Saved from this very event: nothing to ask.
    const own = [OLD_STALLS, OLD_BOX, OLD_FLOOR, 'extra'];
    expect(needsTierMapping(used, own)).toBe(false);
    expect(proposeTierMapping(used, own)).toEqual({
      [OLD_STALLS]: OLD_STALLS,
      [OLD_BOX]: OLD_BOX,
      [OLD_FLOOR]: OLD_FLOOR,
    });
  });

  it('rewrites every tier and drops overrides that become the block tier', () => {
    const remapped = remapTiers(template(), { [OLD_STALLS]: 'a', [OLD_BOX]: 'b', [OLD_FLOOR]: 'c' });
    const [stalls, floor, stage] = remapped.blocks;
    expect(stalls?.kind === 'seated' && [stalls.tierId, stalls.seatTiers, stalls.removed]).toEqual([
      'a',
      { '1:2': 'b' },
      ['0:0'],
    ]);
    expect(floor?.kind === 'standing' && floor.tierId).toBe('c');
    expect(stage?.kind).toBe('area');
    expect(validate(remapped, new Set(['a', 'b', 'c']))).toEqual([]);

    const merged = remapTiers(template(), { [OLD_STALLS]: 'a', [OLD_BOX]: 'a', [OLD_FLOOR]: 'c' });
    expect(merged.blocks[0]?.kind === 'seated' && merged.blocks[0].seatTiers).toEqual({});
  });

  it('leaves a tier with no counterpart empty, which validation then asks for', () => {
    const remapped = remapTiers(template(), { [OLD_STALLS]: 'a' });
    expect(validate(remapped, new Set(['a'])).length).toBeGreaterThan(0);
  });

  it('replaces the whole draft as one undoable edit', () => {
    const draft: DesignModel = {
      blocks: [
        newSeatedBlock(EMPTY_MODEL, { id: 'S', name: 'Old stalls', rows: 1, columns: 2 }),
        newSeatedBlock(EMPTY_MODEL, { id: 'X', name: 'Old extra', y: 300, rows: 1, columns: 2 }),
      ],
    };
    const next = template();
    let history = execute(historyOf(draft), replaceBlocks(draft, next, 'Start from “Hall”'));
    expect(history.model.blocks).toEqual(next.blocks);
    expect(history.past.at(-1)?.label).toBe('Start from “Hall”');
    history = undo(history);
    expect(history.model.blocks).toEqual(draft.blocks);
    history = redo(history);
    expect(history.model.blocks).toEqual(next.blocks);
  });
});
