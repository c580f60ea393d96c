import { describe, expect, it } from 'vitest';
import { PULSE_MS, Pulses } from '../src/render/pulse.ts';

describe('state-change pulses', () => {
  it('fade from full strength to nothing over the pulse time, then end', () => {
    const pulses = new Pulses();
    pulses.add(7, 1_000);
    const seen: [number, number][] = [];
    pulses.forEach(1_000 + PULSE_MS / 2, (seat, strength) => seen.push([seat, strength]));
    expect(seen).toEqual([[7, 0.5]]);
    expect(pulses.active).toBe(true);
    pulses.forEach(1_000 + PULSE_MS, () => {
      throw new Error('a finished pulse is not drawn');
    });
    expect(pulses.active).toBe(false);
  });

  it('are capped so a huge burst costs a bounded overlay', () => {
    const pulses = new Pulses();
    for (let seat = 0; seat < 10_000; seat += 1) pulses.add(seat, 0);
    let drawn = 0;
    pulses.forEach(1, () => {
      drawn += 1;
    });
    expect(drawn).toBe(2_000);
  });
});
