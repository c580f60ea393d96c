// Running an event: a session put on sale from the event page (with the confirmation that says
// what happens), and the live sales dashboard picking up a purchase made through the sales API.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { call, createOrganisation } from './api.ts';
import {
  closeBrowser,
  expectAccessible,
  keepScreenshot,
  ORIGIN,
  openPage,
  signIn,
  type Viewport,
} from './browser.ts';

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

/** A published event with one scheduled session and a 2 × 5 block, made through the API. */
async function publishedEvent(): Promise<{
  orgName: string;
  eventId: string;
  sessionId: string;
  title: string;
}> {
  const organisation = await createOrganisation('Sales Room', ['organiser@boxoffice.test']);
  const title = `Dashboard Night ${randomUUID().slice(0, 6)}`;
  const venue = await call<{ venue_id: string }>('POST', '/api/manage/venues', {
    organisation_id: organisation.id,
    name: 'Sales Room Hall',
    address_line: '2 Test Street',
    city: 'Leeds',
    country: 'GB',
    latitude: 53.8,
    longitude: -1.55,
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
  const seats = [];
  for (const [row, label] of ['A', 'B'].entries())
    for (let column = 0; column < 5; column += 1)
      seats.push({ id: `main-${label}-${column + 1}`, row, column, label: `${label}${column + 1}` });
  await call('PUT', `/api/manage/events/${event_id}/layout`, {
    canvas: { width: 400, height: 200 },
    blocks: [
      {
        type: 'seated_grid',
        id: 'main',
        name: 'Main',
        position: { x: 20, y: 20 },
        rows: 2,
        columns: 5,
        tier_id: tier.tier_id,
        seats,
      },
    ],
  });
  const { session_id } = await call<{ session_id: string }>(
    'POST',
    `/api/manage/events/${event_id}/sessions`,
    {
      venue_id: venue.venue_id,
      mode: 'physical',
      starts_at: '2030-06-11T19:30:00Z',
      ends_at: '2030-06-11T22:30:00Z',
      // Sales open in the future, so the scheduler leaves the session for the organiser to open.
      sales_start_at: '2029-01-01T09:00:00Z',
      sales_end_at: '2030-06-11T19:00:00Z',
    },
  );
  await call('POST', `/api/manage/events/${event_id}/publish`, {});
  return { orgName: organisation.name, eventId: event_id, sessionId: session_id, title };
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

/** Buys seats as a guest with the sandbox card that approves. */
async function buy(sessionId: string, seats: string[]): Promise<void> {
  const buyer = `dash-${randomUUID()}`;
  // The session reaches order-service shortly after it goes on sale: retry the hold until then.
  const hold = await until('a hold on the session', async () => {
    const answer = await post(`/api/sales/sessions/${sessionId}/holds`, { seats, buyer_id: buyer });
    if (answer.status === 201) return answer.body;
    if (answer.status >= 500 || [404, 409, 429].includes(answer.status)) return undefined;
    throw new Error(`hold answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  });
  const order = await post(
    '/api/sales/orders',
    { hold_token: hold.hold_token, buyer: { name: 'Dash Buyer', email: `${buyer}@example.com` } },
    { 'Idempotency-Key': buyer },
  );
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  const paid = await post(
    `/api/sales/orders/${order.body.order_id}/pay`,
    { payment_method: '4242 4242 4242 4242' },
    { 'Order-Access-Token': String(order.body.access_token) },
  );
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
}

async function signInAs(page: Page, orgName: string): Promise<void> {
  await page.goto('/manage/');
  await signIn(page, 'organiser@boxoffice.test');
  await page.getByRole('heading', { name: orgName, exact: true }).waitFor();
  await page.getByLabel('Organisation', { exact: true }).selectOption({ label: orgName });
}

describe('running an event', () => {
  it('puts a session on sale after saying what that means, and the dashboard shows a purchase live', async () => {
    const event = await publishedEvent();
    const { page } = await openPage('sales dashboard');
    await signInAs(page, event.orgName);
    await page.getByRole('link', { name: 'Your events', exact: true }).click();
    await page.getByRole('link', { name: event.title, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: event.title }).waitFor();

    await page.getByRole('button', { name: /^Put on sale/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Put this session on sale?' });
    await dialog.getByText(/Buyers can hold seats and buy tickets/).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-put-on-sale-confirm');
    await dialog.getByRole('button', { name: 'Put on sale' }).click();
    await page.getByRole('cell', { name: 'On sale' }).waitFor();
    await page.getByRole('button', { name: /^Close sales/ }).waitFor();

    // Open the sales window now, so the sale below is inside it.
    await call('PATCH', `/api/manage/sessions/${event.sessionId}`, {
      sales_start_at: new Date(Date.now() - 60_000).toISOString(),
    });

    await page.getByRole('link', { name: 'Live sales' }).click();
    await page.getByRole('heading', { name: `Live sales: ${event.title}` }).waitFor();
    await page.getByText('Live: updates as orders are paid').waitFor();
    const sold = page.locator('[data-figure="sold"] .figure__value');
    expect(await sold.textContent()).toBe('0');
    await expectAccessible(page);

    await buy(event.sessionId, ['main-A-1', 'main-A-2']);
    // Without reloading: the stream's activity makes the page fetch the totals again.
    await expect.poll(() => sold.textContent(), { timeout: 30_000 }).toBe('2');
    await expect
      .poll(() => page.locator('[data-figure="revenue"] .figure__value').textContent())
      .toBe('£50.00');
    await page.getByText(/Order paid: .*£50\.00/).waitFor();
    await page.getByRole('cell', { name: 'Stalls' }).waitFor();
    await keepScreenshot(page, 'organiser-dashboard-desktop');

    // The session's map on the event page follows holds as they happen.
    await page.getByRole('link', { name: event.title, exact: true }).click();
    await page.getByRole('button', { name: /^Seat map/ }).click();
    const live = page.getByText(/^Live · \d+ sold, 0 held/);
    await live.waitFor();
    const answer = await post(`/api/sales/sessions/${event.sessionId}/holds`, {
      seats: ['main-B-5'],
      buyer_id: `dash-${randomUUID()}`,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    await page.getByText(/^Live · \d+ sold, 1 held/).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-session-map-live');
  }, 180_000); // a sale through three services, on a loaded 2-core machine

  for (const viewport of ['phone'] as Viewport[]) {
    it(`shows the event list, event page and dashboard on a ${viewport}`, async () => {
      const event = await publishedEvent();
      const { page } = await openPage('organiser phone', viewport);
      await signInAs(page, event.orgName);
      await page.goto('/manage/events');
      await page.getByRole('link', { name: event.title, exact: true }).waitFor();
      await expectAccessible(page);
      await keepScreenshot(page, `organiser-events-${viewport}`);
      await page.getByRole('link', { name: event.title, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: event.title }).waitFor();
      await expectAccessible(page);
      await keepScreenshot(page, `organiser-event-page-${viewport}`);
      await page.goto(`/manage/events/${event.eventId}/sales`);
      await page.getByRole('heading', { name: `Live sales: ${event.title}` }).waitFor();
      await expectAccessible(page);
      await keepScreenshot(page, `organiser-dashboard-${viewport}`);
      await page.goto(`/manage/events/${event.eventId}/edit/details`);
      await page.getByRole('heading', { level: 2, name: 'Details' }).waitFor();
      await expectAccessible(page);
      await keepScreenshot(page, `organiser-wizard-details-${viewport}`);
      await page.goto(`/manage/events/${event.eventId}/edit/seat-map`);
      await page.locator('[data-block-id="main"]').waitFor();
      await keepScreenshot(page, `organiser-wizard-seat-map-${viewport}`);
    }, 120_000);
  }

  it('shows the event list loading, then an error with a retry, then the empty state', async () => {
    const own = await createOrganisation('Quiet Venue', ['organiser@boxoffice.test']);
    const { page } = await openPage('organiser events states');
    await signInAs(page, own.name);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let fail = true;
    await page.route('**/api/manage/events?*', async (route) => {
      await held;
      if (fail) await route.abort('connectionrefused');
      else await route.continue();
    });
    await page.getByRole('link', { name: 'Your events', exact: true }).click();
    await page.locator('[aria-busy="true"]').waitFor();
    await keepScreenshot(page, 'organiser-events-loading');
    release();
    await page.getByRole('heading', { name: "Can't reach Boxoffice" }).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-events-error');
    fail = false;
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { name: 'No events yet' }).waitFor();
    await expectAccessible(page);
  });
});
