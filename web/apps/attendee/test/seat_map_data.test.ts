import { ApiError } from '@boxoffice/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSeatMap, unavailableSeats } from '../src/seat_map_data.ts';

const snapshot = { session_id: 's1', event_id: 'e1', seats: {}, layout: { blocks: [] } };

afterEach(() => vi.unstubAllGlobals());

describe('loading a seat map', () => {
  it('sends the ETag it was given and reuses the map on 304', async () => {
    const seen: (string | null)[] = [];
    const fetch = vi.fn(async (_url: string, init: RequestInit) => {
      const tag = new Headers(init.headers).get('If-None-Match');
      seen.push(tag);
      return tag === '"v1"'
        ? new Response(null, { status: 304 })
        : new Response(JSON.stringify(snapshot), { status: 200, headers: { ETag: '"v1"' } });
    });
    vi.stubGlobal('fetch', fetch);
    const first = await loadSeatMap('etag-session');
    const second = await loadSeatMap('etag-session');
    expect(seen).toEqual([null, '"v1"']);
    expect(second).toBe(first);
  });

  it('turns an error answer into an ApiError', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify({ error: { code: 'not_found', message: 'no such session' } }), {
            status: 404,
          }),
      ),
    );
    await expect(loadSeatMap('missing')).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('a hold refused with 409', () => {
  it('names the places that were taken', () => {
    const error = new ApiError(
      409,
      { code: 'unavailable', message: 'taken', unavailable: ['a-1', 'a-2'] },
      'POST',
      '/holds',
    );
    expect(unavailableSeats(error)).toEqual(['a-1', 'a-2']);
    expect(unavailableSeats(new Error('x'))).toEqual([]);
  });
});
