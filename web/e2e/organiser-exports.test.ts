// The dashboard's exports: orders and attendees as CSV from order-service, fetched with the
// organiser's token and saved as files, with a buyer whose name would be a spreadsheet formula.

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { call, createOrganisation } from './api.ts';
import { closeBrowser, expectAccessible, keepScreenshot, ORIGIN, openPage, signIn } from './browser.ts';

afterAll(closeBrowser);

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** A published event with one session on sale now and a 1 × 4 row. */
async function eventOnSale() {
  const organisation = await createOrganisation('Export House', ['organiser@boxoffice.test']);
  const title = `Export Night ${randomUUID().slice(0, 6)}`;
  const venue = await call<{ venue_id: string }>('POST', '/api/manage/venues', {
    organisation_id: organisation.id,
    name: 'Export Hall',
    address_line: '4 Test Street',
    city: 'Hull',
    country: 'GB',
    latitude: 53.74,
    longitude: -0.33,
    timezone: 'Europe/London',
  });
  const { event_id } = await call<{ event_id: string }>('POST', '/api/manage/events', {
    organisation_id: organisation.id,
    title,
    category_id: 'music',
  });
  const tier = await call<{ tier_id: string }>('POST', `/api/manage/events/${event_id}/tiers`, {
    name: 'Stalls',
    colour: '#0072B2',
    price_minor: 2500,
    currency: 'GBP',
  });
  await call('PUT', `/api/manage/events/${event_id}/layout`, {
    canvas: { width: 400, height: 100 },
    blocks: [
      {
        type: 'seated_grid',
        id: 'row',
        name: 'Row',
        position: { x: 20, y: 20 },
        rows: 1,
        columns: 4,
        tier_id: tier.tier_id,
        seats: [1, 2, 3, 4].map((n) => ({ id: `row-${n}`, row: 0, column: n - 1, label: `A${n}` })),
      },
    ],
  });
  const { session_id } = await call<{ session_id: string }>(
    'POST',
    `/api/manage/events/${event_id}/sessions`,
    {
      venue_id: venue.venue_id,
      mode: 'physical',
      starts_at: '2030-07-11T19:30:00Z',
      ends_at: '2030-07-11T22:30:00Z',
      sales_start_at: new Date(Date.now() - 60_000).toISOString(),
      sales_end_at: '2030-07-11T19:00:00Z',
    },
  );
  await call('POST', `/api/manage/events/${event_id}/publish`, {});
  await call('POST', `/api/manage/sessions/${session_id}/status`, { status: 'ON_SALE' }).catch(
    () => undefined,
  );
  return { orgName: organisation.name, eventId: event_id, sessionId: session_id, title };
}

async function buy(sessionId: string, seats: string[], name: string, email: string): Promise<string> {
  const buyer = `export-${randomUUID()}`;
  // The session reaches order-service shortly after it goes on sale: retry the hold until then.
  const hold = await until('a hold on the session', async () => {
    const answer = await post(`/api/sales/sessions/${sessionId}/holds`, { seats, buyer_id: buyer });
    if (answer.status === 201) return answer.body;
    if (answer.status >= 500 || [404, 409, 429].includes(answer.status)) return undefined;
    throw new Error(`hold answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  });
  const order = await post(
    '/api/sales/orders',
    { hold_token: hold.hold_token, buyer: { name, email } },
    { 'Idempotency-Key': buyer },
  );
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  const paid = await post(
    `/api/sales/orders/${order.body.order_id}/pay`,
    { payment_method: '4242 4242 4242 4242' },
    { 'Order-Access-Token': String(order.body.access_token) },
  );
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  return String(order.body.order_id);
}

describe('exports', () => {
  it('downloads the orders and the attendee list as CSV from the dashboard', async () => {
    const event = await eventOnSale();
    const orderId = await buy(event.sessionId, ['row-1', 'row-2'], '=SUM(1,2)', 'formula@example.com');

    const { page } = await openPage('dashboard exports');
    await page.goto('/manage/');
    await signIn(page, 'organiser@boxoffice.test');
    await page.getByRole('heading', { name: event.orgName, exact: true }).waitFor();
    await page.getByLabel('Organisation', { exact: true }).selectOption({ label: event.orgName });
    await page.goto(`/manage/events/${event.eventId}/sales`);
    await page.getByRole('heading', { name: `Live sales: ${event.title}` }).waitFor();
    const exports = page.getByRole('group', { name: 'Exports' });
    await exports.getByRole('button', { name: 'Export orders (CSV)' }).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-dashboard-exports');

    const [orders] = await Promise.all([
      page.waitForEvent('download'),
      exports.getByRole('button', { name: 'Export orders (CSV)' }).click(),
    ]);
    expect(orders.suggestedFilename()).toBe(`${event.title.replace(/ /g, '-')}-orders.csv`);
    const ordersCsv = fs.readFileSync((await orders.path()) ?? '', 'utf8');
    expect(ordersCsv).toContain(`${orderId},`);
    // The formula arrives as text, quoted because of its comma.
    expect(ordersCsv).toContain(`"'=SUM(1,2)",formula@example.com,ticketed,2,GBP,50.00,0.00,50.00`);

    const [attendees] = await Promise.all([
      page.waitForEvent('download'),
      exports.getByRole('button', { name: 'Export attendees (CSV)' }).click(),
    ]);
    const attendeesCsv = fs.readFileSync((await attendees.path()) ?? '', 'utf8');
    const rows = attendeesCsv
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(rows[0]).toMatch(
      /^order_id,ticket_id,session_starts_at,buyer_name,buyer_email,ticket_holder,seat,/,
    );
    // One row per ticket; the buyer's name (a comma inside) is one quoted cell.
    expect(rows.slice(1).map((row) => /,(A\d),row,Stalls,25\.00,GBP,valid,no,/.exec(row)?.[1])).toEqual([
      'A1',
      'A2',
    ]);
    expect(rows[1]).toContain(`${orderId},`);

    await page.setViewportSize({ width: 390, height: 844 });
    await exports.getByRole('button', { name: 'Export attendees (CSV)' }).waitFor();
    await keepScreenshot(page, 'organiser-dashboard-exports-phone');
  }, 120_000);
});
