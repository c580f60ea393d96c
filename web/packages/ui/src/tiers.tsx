// Price-tier colours that stay apart for people with colour-vision deficiencies: the Okabe–Ito
// palette (chosen for deuteranopia, protanopia and tritanopia), each colour paired with a shape
// so a tier is never told by colour alone. Beyond eight tiers the shapes repeat with outlines.

export interface TierStyle {
  colour: string;
  /** A glyph drawn on or beside the swatch. */
  shape: string;
  /** Text colour readable on `colour` (contrast at least 4.5:1). */
  ink: string;
  name: string;
}

export const TIER_PALETTE: readonly TierStyle[] = [
  { name: 'blue', colour: '#0072B2', shape: '●', ink: '#ffffff' },
  { name: 'orange', colour: '#E69F00', shape: '▲', ink: '#000000' },
  { name: 'bluish green', colour: '#009E73', shape: '■', ink: '#000000' },
  { name: 'vermillion', colour: '#D55E00', shape: '◆', ink: '#000000' },
  { name: 'sky blue', colour: '#56B4E9', shape: '★', ink: '#000000' },
  { name: 'reddish purple', colour: '#CC79A7', shape: '✚', ink: '#000000' },
  { name: 'yellow', colour: '#F0E442', shape: '▼', ink: '#000000' },
  { name: 'black', colour: '#000000', shape: '⬟', ink: '#ffffff' },
];

/** The style of the tier at `index` in an event's tier order. */
export function tierStyle(index: number): TierStyle {
  const palette = TIER_PALETTE;
  const style = palette[((index % palette.length) + palette.length) % palette.length] as TierStyle;
  return style;
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const value = hex.replace('#', '');
  const channel = (offset: number) => {
    const c = Number.parseInt(value.slice(offset, offset + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

export function TierSwatch({ index, label }: { index: number; label: string }) {
  const style = tierStyle(index);
  return (
    <span className="bx-tier">
      <span
        className="bx-tier__swatch"
        style={{ background: style.colour, color: style.ink }}
        aria-hidden="true"
      >
        {style.shape}
      </span>
      <span>{label}</span>
    </span>
  );
}
