// Tier colours and seat-state styling. The tier palette is Okabe and Ito's set, chosen so that
// neighbouring tiers stay distinguishable with the common colour-vision deficiencies; states
// never differ by colour alone: each has its own shape mark (see `STATE_STYLES`).

import type { SeatState } from './seat_state.ts';

/** Okabe–Ito, reordered so the first tiers differ most in lightness as well as hue. */
export const DEFAULT_TIER_PALETTE: readonly number[] = [
  0x0072b2, // blue
  0xe69f00, // orange
  0x009e73, // bluish green
  0xcc79a7, // reddish purple
  0x56b4e9, // sky blue
  0xd55e00, // vermilion
  0xf0e442, // yellow
  0x999999, // grey
];

/** The colour of seats whose tier is unknown (a layout that would fail validation). */
export const UNTIERED_COLOUR = 0x7a7a7a;

/** `#rgb` or `#rrggbb` to a number; `null` for anything else. */
export function parseHexColour(text: string | null | undefined): number | null {
  if (!text) return null;
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text.trim());
  if (!match?.[1]) return null;
  const hex = match[1];
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  return Number.parseInt(full, 16);
}

export function colourToCss(colour: number): string {
  return `#${colour.toString(16).padStart(6, '0')}`;
}

/** How a seat in each state is drawn, on top of its tier colour. */
export type SeatMark = 'fill' | 'ring' | 'hatch' | 'cross' | 'check' | 'gap';

export interface StateStyle {
  /** The shape that tells the state without relying on colour. */
  mark: SeatMark;
  /** Opacity of the tier colour fill. */
  fillAlpha: number;
  /** Colour of the mark (outline, hatching, cross, check), drawn over the fill. */
  markColour: number;
  /** Words for the state, for legends and screen readers. */
  description: string;
}

export const STATE_STYLES: Readonly<Record<SeatState, StateStyle>> = {
  free: { mark: 'fill', fillAlpha: 1, markColour: 0xffffff, description: 'available' },
  held: { mark: 'hatch', fillAlpha: 0.35, markColour: 0x1a1a1a, description: 'held by someone else' },
  sold: { mark: 'cross', fillAlpha: 0.15, markColour: 0x4d4d4d, description: 'sold' },
  mine: { mark: 'check', fillAlpha: 1, markColour: 0x000000, description: 'held for you' },
  selected: { mark: 'ring', fillAlpha: 1, markColour: 0x000000, description: 'selected' },
  removed: { mark: 'gap', fillAlpha: 0, markColour: 0xb0b0b0, description: 'removed' },
};

/** Colour of non-sellable areas by kind, neutral so they never read as a tier. */
export const AREA_COLOURS = {
  stage: 0x3a3a3a,
  aisle: 0xe6e6e6,
  other: 0xcfcfcf,
} as const;

export const BACKGROUND_COLOUR = 0xfafafa;
