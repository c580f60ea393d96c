import { describe, expect, it } from 'vitest';
import { countAdmission } from '../src/gate-context.tsx';
import { formatScanTime } from '../src/verdict.tsx';

describe('what the gate shows', () => {
  it('writes a time of today with seconds, another day with its date', () => {
    const now = new Date('2026-12-04T20:00:00');
    expect(formatScanTime('2026-12-04T19:02:11', now)).toMatch(/19:02:11|7:02:11/);
    const yesterday = formatScanTime('2026-12-03T19:02:11', now);
    expect(yesterday).toMatch(/3/);
    expect(yesterday).not.toMatch(/:11/);
  });

  it('counts an admission at a known gate and at a new one', () => {
    const summary = {
      session_id: 's',
      event_id: 'e',
      generated_at: '',
      expected: 10,
      admitted: 2,
      gates: [{ gate: 'North', admitted: 2 }],
    };
    expect(countAdmission(summary, 'North')).toMatchObject({
      admitted: 3,
      gates: [{ gate: 'North', admitted: 3 }],
    });
    expect(countAdmission(summary, 'South').gates).toEqual([
      { gate: 'North', admitted: 2 },
      { gate: 'South', admitted: 1 },
    ]);
  });
});
