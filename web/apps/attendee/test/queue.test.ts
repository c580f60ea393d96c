import { describe, expect, it } from 'vitest';
import { makeI18n } from '../src/i18n.tsx';
import {
  forgetPlace,
  isQueueRefusal,
  livePass,
  placeFrom,
  progressPercent,
  readPlace,
  roomStandsBefore,
  savePlace,
} from '../src/queue.ts';
import { waitText } from '../src/waiting_room.tsx';

class MemoryStorage implements Storage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

describe('the place in a waiting room', () => {
  it('is kept per session and survives a reload (a fresh read of the same storage)', () => {
    const store = new MemoryStorage();
    savePlace('s-1', { visitorId: 'v-1', firstPosition: 40 }, store);
    expect(readPlace('s-1', store)).toEqual({ visitorId: 'v-1', firstPosition: 40 });
    expect(readPlace('s-2', store)).toBeUndefined();
    store.setItem('boxoffice.queue.s-3', '{not json');
    expect(readPlace('s-3', store)).toBeUndefined();
    forgetPlace('s-1', store);
    expect(readPlace('s-1', store)).toBeUndefined();
  });

  it('remembers the first position seen and the pass with its expiry', () => {
    const before = placeFrom(undefined, { visitor_id: 'v', state: 'waiting', position: null });
    expect(before).toEqual({ visitorId: 'v' });
    const first = placeFrom(before, { visitor_id: 'v', state: 'waiting', position: 120 });
    expect(first.firstPosition).toBe(120);
    const later = placeFrom(first, { visitor_id: 'v', state: 'waiting', position: 30 });
    expect(later.firstPosition).toBe(120);
    const admitted = placeFrom(later, {
      visitor_id: 'v',
      state: 'admitted',
      pass: 'p.sig',
      pass_expires_at: '2030-01-01T00:10:00Z',
    });
    expect(admitted).toMatchObject({ pass: 'p.sig', passExpiresAt: '2030-01-01T00:10:00Z' });
    // A position event after admission carries no pass; the one kept stays.
    expect(placeFrom(admitted, { visitor_id: 'v', state: 'admitted' }).pass).toBe('p.sig');
    // Another visitor (a new place) starts afresh.
    expect(placeFrom(admitted, { visitor_id: 'w', state: 'waiting', position: 7 })).toEqual({
      visitorId: 'w',
      firstPosition: 7,
    });
  });

  it('offers the pass only while it lasts', () => {
    const place = { visitorId: 'v', pass: 'p', passExpiresAt: '2030-01-01T00:10:00Z' };
    expect(livePass(place, Date.parse('2030-01-01T00:09:59Z'))).toBe('p');
    expect(livePass(place, Date.parse('2030-01-01T00:10:00Z'))).toBeUndefined();
    expect(livePass({ visitorId: 'v' })).toBeUndefined();
  });

  it('measures progress from the first position seen to the front', () => {
    expect(progressPercent(101, 101)).toBe(0);
    expect(progressPercent(101, 51)).toBe(50);
    expect(progressPercent(101, 1)).toBe(100);
    expect(progressPercent(undefined, 10)).toBe(0);
    expect(progressPercent(5, null)).toBe(0);
    expect(progressPercent(1, 1)).toBe(100);
    // A later position further back than the first (never expected) reads as no progress.
    expect(progressPercent(10, 20)).toBe(0);
  });

  it('words the estimated wait', () => {
    const en = makeI18n('en', 'en-GB', () => {});
    expect(waitText(en, 20)).toBe('less than a minute');
    expect(waitText(en, 60)).toBe('about 1 min');
    expect(waitText(en, 150)).toBe('about 3 min');
    expect(waitText(en, 3 * 3600)).toBe('about 3 h');
  });

  it('stands before the map while active, or on and opening later', () => {
    const now = Date.parse('2030-01-01T10:00:00Z');
    expect(roomStandsBefore({ active: true }, now)).toBe(true);
    const later = {
      active: false,
      enabled: true,
      opens_at: '2030-01-01T11:00:00Z',
      sales_end_at: '2030-02-01T00:00:00Z',
    };
    expect(roomStandsBefore(later, now)).toBe(true);
    expect(roomStandsBefore({ ...later, enabled: false }, now)).toBe(false);
    // Opened and not active any more: sales are over.
    expect(roomStandsBefore({ ...later, opens_at: '2030-01-01T09:00:00Z' }, now)).toBe(false);
    expect(roomStandsBefore({ active: false }, now)).toBe(false);
  });

  it('recognises a hold refused for want of a pass', () => {
    expect(isQueueRefusal({ status: 403, detail: { code: 'admission_required', message: 'm' } })).toBe(true);
    expect(
      isQueueRefusal({
        status: 403,
        detail: { code: 'forbidden', message: 'm', queue: '/api/sales/sessions/s/queue' },
      }),
    ).toBe(true);
    expect(isQueueRefusal({ status: 403, detail: { code: 'forbidden', message: 'm' } })).toBe(false);
    expect(isQueueRefusal({ status: 409, detail: { code: 'queue', message: 'm' } })).toBe(false);
    expect(isQueueRefusal(new Error('x'))).toBe(false);
  });
});
