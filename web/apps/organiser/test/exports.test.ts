import { ApiError } from '@boxoffice/api';
import { describe, expect, it } from 'vitest';
import { csvCell, exportErrorMessage, fetchReport, reportFileName, reportUrl } from '../src/exports.ts';

describe('exports', () => {
  it('names the file after the event', () => {
    expect(reportFileName('The Midnight Orchestra — Live', 'orders')).toBe(
      'The-Midnight-Orchestra-Live-orders.csv',
    );
    expect(reportFileName('Café & Co.', 'attendees')).toBe('Cafe-Co-attendees.csv');
    expect(reportFileName('———', 'orders')).toBe('event-orders.csv');
  });

  it('asks order-service for CSV with the bearer token', async () => {
    let asked: { url: string; headers: Record<string, string> } | undefined;
    const fetcher = (async (url: string, init: RequestInit) => {
      asked = { url, headers: init.headers as Record<string, string> };
      return new Response('\ufefforder_id\r\n', { status: 200, headers: { 'Content-Type': 'text/csv' } });
    }) as unknown as typeof fetch;
    const blob = await fetchReport('e/1', 'attendees', 'token-1', fetcher);
    expect(asked).toEqual({
      url: reportUrl('e/1', 'attendees'),
      headers: { Accept: 'text/csv', Authorization: 'Bearer token-1' },
    });
    expect(asked?.url).toBe('/api/sales/events/e%2F1/attendees');
    expect(await blob.text()).toContain('order_id');
  });

  it("turns the service's refusal into an ApiError and words it", async () => {
    const fetcher = (async () =>
      new Response(JSON.stringify({ error: { code: 'forbidden', message: 'no' } }), {
        status: 403,
        headers: { 'Content-Type': 'application/json' },
      })) as unknown as typeof fetch;
    const failure = await fetchReport('e1', 'orders', 'token', fetcher).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(exportErrorMessage(failure, 'orders')).toBe(
      "The orders can only be exported by the event's organisers.",
    );
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const lost = await fetchReport('e1', 'attendees', 'token', offline).catch((error: unknown) => error);
    expect(exportErrorMessage(lost, 'attendees')).toMatch(/^The attendee list could not be fetched/);
  });

  it("defuses formulas in the dashboard's own CSV", () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('Stalls, front')).toBe('"Stalls, front"');
    expect(csvCell('-Balcony')).toBe("'-Balcony");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  });
});
