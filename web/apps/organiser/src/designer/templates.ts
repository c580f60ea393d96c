// Seat-map templates carry the tier ids of the event they were saved from; tiers belong to one
// event, so starting another event's map from a template maps those tiers onto its own.
import { type DesignModel, rowLabel, type SeatedBlock } from './model.ts';

export interface TierUse {
  tierId: string;
  seats: number;
  standing: number;
  /** Where on the map it sells, in map order: "Floor", "Stalls" (every row), "Stalls rows A, B". */
  where: string[];
}

function rowsText(block: SeatedBlock, rows: number[]): string {
  const name = block.name || block.id;
  if (rows.length === block.rows) return name;
  const labels = rows.map((row) => rowLabel(row, block.rowScheme, block.skipIO));
  const shown = labels.length > 4 ? [...labels.slice(0, 3), '…', labels.at(-1)] : labels;
  return `${name} ${labels.length === 1 ? 'row' : 'rows'} ${shown.join(', ')}`;
}

/** The tiers a map uses, in the order they first appear, with what and where each one sells. */
export function tiersUsed(model: DesignModel): TierUse[] {
  const uses = new Map<string, TierUse>();
  const use = (tierId: string) => {
    let found = uses.get(tierId);
    if (!found) {
      found = { tierId, seats: 0, standing: 0, where: [] };
      uses.set(tierId, found);
    }
    return found;
  };
  for (const block of model.blocks) {
    if (block.kind === 'standing') {
      if (!block.tierId) continue;
      const found = use(block.tierId);
      found.standing += block.capacity;
      found.where.push(block.name || block.id);
      continue;
    }
    if (block.kind !== 'seated') continue;
    const removed = new Set(block.removed);
    const rowsByTier = new Map<string, number[]>();
    for (let row = 0; row < block.rows; row += 1)
      for (let column = 0; column < block.columns; column += 1) {
        const key = `${row}:${column}`;
        if (removed.has(key)) continue;
        const tierId = block.seatTiers[key] ?? block.tierId;
        if (!tierId) continue;
        use(tierId).seats += 1;
        const rows = rowsByTier.get(tierId) ?? [];
        if (rows.at(-1) !== row) rows.push(row);
        rowsByTier.set(tierId, rows);
      }
    for (const [tierId, rows] of rowsByTier) use(tierId).where.push(rowsText(block, rows));
  }
  return [...uses.values()];
}

/**
 * A first guess at which of the event's tiers each template tier becomes: a tier the event
 * already has stays itself (a template saved from this very event); the others take the
 * event's tiers in order, so a template's first tier becomes the event's first, and so on.
 */
export function proposeTierMapping(
  used: readonly TierUse[],
  eventTierIds: readonly string[],
): Record<string, string> {
  const mapping: Record<string, string> = {};
  const known = new Set(eventTierIds);
  const free = eventTierIds.filter((id) => !used.some((use) => use.tierId === id));
  let next = 0;
  for (const use of used) {
    if (known.has(use.tierId)) mapping[use.tierId] = use.tierId;
    else {
      const target = free[next] ?? eventTierIds[eventTierIds.length - 1];
      next += 1;
      if (target) mapping[use.tierId] = target;
    }
  }
  return mapping;
}

/** Whether every tier of a template already belongs to the event, so no question need be asked. */
export function needsTierMapping(used: readonly TierUse[], eventTierIds: readonly string[]): boolean {
  const known = new Set(eventTierIds);
  return used.some((use) => !known.has(use.tierId));
}

/** The map with each tier replaced by its mapped tier; a tier with no mapping is left without one. */
export function remapTiers(model: DesignModel, mapping: Readonly<Record<string, string>>): DesignModel {
  const map = (tierId: string | null) => (tierId === null ? null : (mapping[tierId] ?? null));
  return {
    blocks: model.blocks.map((block) => {
      if (block.kind === 'area') return block;
      if (block.kind === 'standing') return { ...block, tierId: map(block.tierId) };
      const seatTiers: Record<string, string> = {};
      const tierId = map(block.tierId);
      for (const [key, seatTier] of Object.entries(block.seatTiers)) {
        const mapped = map(seatTier);
        // An override that now matches the block's own tier says nothing more.
        if (mapped && mapped !== tierId) seatTiers[key] = mapped;
      }
      return { ...block, tierId, seatTiers };
    }),
  };
}
