import { describe, expect, it } from 'vitest';
import { bodyOf, clearsIn, formatWait, formOf } from '../src/waiting_room_model.ts';

describe('the waiting room form', () => {
  const settings = { enabled: false, admit_per_minute: 500, opens_minutes_before_sale: 30, pass_minutes: 10 };

  it('round-trips the settings into the request body', () => {
    const form = { ...formOf(settings), enabled: true, admit_per_minute: ' 1200 ' };
    expect(bodyOf(form)).toEqual({
      ok: true,
      body: { enabled: true, admit_per_minute: 1200, opens_minutes_before_sale: 30, pass_minutes: 10 },
    });
  });

  it('names every field out of its range, as the API would', () => {
    const result = bodyOf({
      enabled: true,
      admit_per_minute: '0',
      opens_minutes_before_sale: '1441',
      pass_minutes: '2.5',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual([
      'admit_per_minute',
      'opens_minutes_before_sale',
      'pass_minutes',
    ]);
    expect(result.errors.admit_per_minute).toBe('Enter a whole number from 1 to 100,000.');
    expect(bodyOf({ ...formOf(settings), pass_minutes: '' }).ok).toBe(false);
    expect(bodyOf({ ...formOf(settings), opens_minutes_before_sale: '0' }).ok).toBe(true);
  });

  it('words waits and how long the queue takes to clear', () => {
    expect(formatWait(null)).toBe('—');
    expect(formatWait(42.4)).toBe('42 s');
    expect(formatWait(150)).toBe('3 min');
    expect(formatWait(3900)).toBe('1 h 5 min');
    expect(clearsIn({ waiting: 0, admit_per_minute: 100 })).toBe('nobody waiting');
    expect(clearsIn({ waiting: 1000, admit_per_minute: 100 })).toBe('10 min');
  });
});
