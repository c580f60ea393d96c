// One seat drawn in 2D: its tier colour as a fill and its state as a shape mark, so held,
// sold, mine and selected read apart without colour. The Canvas 2D renderer draws seats with
// it directly; the WebGL renderer draws each state once in white into a texture atlas and
// tints it per seat.

import { STATE_STYLES } from '../palette.ts';
import { SEAT_STATES } from '../seat_state.ts';

export function drawSeatGlyph(
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D,
  stateCode: number,
  cx: number,
  cy: number,
  size: number,
  fill: string,
  markColour?: string,
): void {
  const state = SEAT_STATES[stateCode] ?? 'free';
  const style = STATE_STYLES[state];
  const r = size / 2;
  const mark = markColour ?? `#${style.markColour.toString(16).padStart(6, '0')}`;
  const line = Math.max(1, size / 10);
  ctx.save();
  roundedSquare(ctx, cx - r, cy - r, size, size * 0.28);
  if (style.fillAlpha > 0) {
    ctx.globalAlpha = style.fillAlpha;
    ctx.fillStyle = fill;
    ctx.fill();
    ctx.globalAlpha = 1;
  }
  ctx.strokeStyle = mark;
  ctx.lineWidth = line;
  switch (style.mark) {
    case 'hatch': {
      ctx.save();
      ctx.clip();
      ctx.beginPath();
      for (let d = -size; d <= size; d += size / 4) {
        ctx.moveTo(cx - r + d, cy + r);
        ctx.lineTo(cx + r + d, cy - r);
      }
      ctx.stroke();
      ctx.restore();
      ctx.lineWidth = line;
      roundedSquare(ctx, cx - r + line / 2, cy - r + line / 2, size - line, size * 0.28);
      ctx.stroke();
      break;
    }
    case 'cross': {
      const k = r * 0.55;
      ctx.beginPath();
      ctx.moveTo(cx - k, cy - k);
      ctx.lineTo(cx + k, cy + k);
      ctx.moveTo(cx + k, cy - k);
      ctx.lineTo(cx - k, cy + k);
      ctx.lineWidth = line * 1.5;
      ctx.stroke();
      break;
    }
    case 'check': {
      ctx.beginPath();
      ctx.moveTo(cx - r * 0.5, cy);
      ctx.lineTo(cx - r * 0.1, cy + r * 0.4);
      ctx.lineTo(cx + r * 0.55, cy - r * 0.45);
      ctx.lineWidth = line * 1.8;
      ctx.stroke();
      break;
    }
    case 'ring': {
      ctx.lineWidth = line * 2;
      roundedSquare(ctx, cx - r + line, cy - r + line, size - 2 * line, size * 0.24);
      ctx.stroke();
      break;
    }
    case 'gap': {
      ctx.setLineDash([line * 2, line * 2]);
      roundedSquare(ctx, cx - r + line / 2, cy - r + line / 2, size - line, size * 0.28);
      ctx.stroke();
      break;
    }
    case 'fill':
      break;
  }
  ctx.restore();
}

function roundedSquare(
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D,
  x: number,
  y: number,
  size: number,
  radius: number,
): void {
  ctx.beginPath();
  ctx.roundRect(x, y, size, size, radius);
}
