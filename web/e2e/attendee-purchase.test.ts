// The attendee's live seat map and purchase, end to end through the origin: two buyers watching
// one session see each other's holds, releases and sales as they happen; a buyer pays (after a
// declined card) and their ticket's QR code verifies against the published signing key; a
// purchase made with the keyboard alone; the map converging after its stream was cut; a hold
// expiring at the server, seen by the other buyer and told to the holder.
// Each test makes its own event and session through the organiser API, so no seats are shared.
import { execFile } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { call, createOrganisation } from './api.ts';
import { closeBrowser, expectAccessible, keepScreenshot, ORIGIN, openPage, signIn } from './browser.ts';

afterAll(closeBrowser);

/** Generous: CI runs these on a loaded two-core machine next to the whole platform. */
const LIVE_DEADLINE_MS = 15_000;

/** The stack's Redis and order-service's key prefix (HOLD_KEY_PREFIX; devstack keeps the default). */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:16379/';
const HOLD_KEY_PREFIX = process.env.HOLD_KEY_PREFIX ?? 'boxoffice:';

const runFile = promisify(execFile);

/** One redis-cli command (no shell); its output lines. */
async function redis(...args: string[]): Promise<string[]> {
  const { stdout } = await runFile('redis-cli', ['-u', REDIS_URL, ...args]);
  return stdout.split('\n').filter((line) => line !== '');
}

interface TestSession {
  eventId: string;
  sessionId: string;
  title: string;
  discount: string;
}

function grid(id: string, name: string, rows: number, columns: number, tier: string, y: number) {
  const labels = Array.from({ length: rows }, (_, row) => String.fromCharCode(65 + row));
  return {
    type: 'seated_grid',
    id,
    name,
    position: { x: 40, y },
    rotation: 0,
    rows,
    columns,
    tier_id: tier,
    seats: labels.flatMap((label, row) =>
      Array.from({ length: columns }, (_, column) => ({
        id: `${id}-${label}-${column + 1}`,
        row,
        column,
        label: `${label}${column + 1}`,
      })),
    ),
  };
}

/** A published event with one session on sale: stalls, balcony, a standing floor and a discount code. */
async function makeSession(label: string): Promise<TestSession> {
  const organisation = await createOrganisation(`Attendee e2e ${label}`);
  const { venue_id } = await call<{ venue_id: string }>('POST', '/api/manage/venues', {
    organisation_id: organisation.id,
    name: 'The Test Rooms',
    address_line: '2 Test Street',
    city: 'Bristol',
    postcode: 'BS1 1AA',
    country: 'GB',
    latitude: 51.45,
    longitude: -2.58,
    timezone: 'Europe/London',
  });
  const title = `E2E ${label} ${organisation.name.slice(-8)}`;
  const { event_id } = await call<{ event_id: string }>('POST', '/api/manage/events', {
    organisation_id: organisation.id,
    title,
    description: 'A session made by the attendee browser tests.',
    category_id: 'music',
  });
  const tier = async (name: string, colour: string, price: number) =>
    (
      await call<{ tier_id: string }>('POST', `/api/manage/events/${event_id}/tiers`, {
        name,
        colour,
        price_minor: price,
        currency: 'GBP',
      })
    ).tier_id;
  const stalls = await tier('Stalls', '#2f6fed', 4500);
  const balcony = await tier('Balcony', '#f08c2e', 2800);
  const standing = await tier('Standing', '#22a06b', 2000);
  await call('PUT', `/api/manage/events/${event_id}/layout`, {
    canvas: { width: 1000, height: 700 },
    blocks: [
      {
        type: 'non_sellable',
        id: 'stage',
        kind: 'stage',
        label: 'Stage',
        position: { x: 200, y: 10 },
        size: { width: 500, height: 60 },
      },
      grid('stalls', 'Stalls', 4, 10, stalls, 120),
      grid('balcony', 'Balcony', 3, 8, balcony, 300),
      {
        type: 'standing',
        id: 'floor',
        name: 'Standing floor',
        position: { x: 500, y: 120 },
        size: { width: 300, height: 200 },
        capacity: 50,
        tier_id: standing,
      },
    ],
  });
  const { session_id } = await call<{ session_id: string }>(
    'POST',
    `/api/manage/events/${event_id}/sessions`,
    {
      venue_id,
      mode: 'physical',
      starts_at: '2027-09-01T19:30:00Z',
      ends_at: '2027-09-01T22:30:00Z',
      sales_start_at: '2026-01-01T09:00:00Z',
      sales_end_at: '2027-09-01T19:00:00Z',
    },
  );
  const discount = `E2E${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  await call('POST', `/api/manage/events/${event_id}/discounts`, {
    code: discount,
    rule: { kind: { type: 'percentage', percent_bp: 1000 } },
    is_public: true,
  });
  await call('POST', `/api/manage/events/${event_id}/publish`, {});
  // Publishing may already open sales whose window has started; then the session is on sale.
  await call('POST', `/api/manage/sessions/${session_id}/status`, { status: 'ON_SALE' }).catch(
    (error: Error) => {
      if (!/OnSale to OnSale/.test(error.message)) throw error;
    },
  );
  // The catalogue is a projection: wait until it shows the session on sale.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`${ORIGIN}/api/catalog/sessions/${session_id}/seat-map`);
    if (response.ok && ((await response.json()) as { session_status: string }).session_status === 'ON_SALE')
      break;
    if (Date.now() > deadline)
      throw new Error(`session ${session_id} never appeared on sale in the catalogue`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { eventId: event_id, sessionId: session_id, title, discount };
}

async function openMap(page: Page, session: TestSession): Promise<void> {
  await page.goto(`/sessions/${session.sessionId}`);
  await page.getByRole('heading', { level: 1, name: session.title }).waitFor();
  await page.locator('[data-testid="seat-map"][data-ready="true"]').waitFor();
  await page.getByText('Live', { exact: true }).waitFor({ timeout: LIVE_DEADLINE_MS });
}

/** Focuses the map and its first seat (stalls A1), with the keyboard. */
async function focusFirstSeat(page: Page): Promise<void> {
  await page.getByRole('application').focus();
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => announcement(page)).toMatch(/^Row A, seat 1, Stalls/);
}

function announcement(page: Page): Promise<string> {
  return page
    .getByTestId('seat-announcement')
    .textContent()
    .then((text) => text ?? '');
}

async function expectAnnounced(page: Page, pattern: RegExp): Promise<void> {
  await expect.poll(() => announcement(page), { timeout: LIVE_DEADLINE_MS, interval: 100 }).toMatch(pattern);
}

/** Checks a ticket code as a gate would: Ed25519 over the context string and the payload. */
async function verifyTicketCode(
  code: string,
): Promise<{ ticketId: string; sessionId: string; seat: string }> {
  const key = (await (await fetch(`${ORIGIN}/api/sales/ticket-signing-key`)).json()) as {
    public_key: string;
    algorithm: string;
  };
  expect(key.algorithm).toBe('Ed25519');
  const bytes = Buffer.from(code, 'base64url');
  const payload = bytes.subarray(0, bytes.length - 64);
  const signature = bytes.subarray(bytes.length - 64);
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: key.public_key },
    format: 'jwk',
  });
  const message = Buffer.concat([Buffer.from('boxoffice-ticket-qr-v1'), payload]);
  expect(verify(null, message, publicKey, signature)).toBe(true);
  // A code with one byte changed must not verify.
  const forged = Buffer.from(message);
  forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 1;
  expect(verify(null, forged, publicKey, signature)).toBe(false);
  const uuid = (from: number) => {
    const hex = payload.subarray(from, from + 16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  expect(payload[0]).toBe(1);
  const seatLength = payload[41] ?? 0;
  return {
    ticketId: uuid(1),
    sessionId: uuid(17),
    seat: payload.subarray(42, 42 + seatLength).toString('utf8'),
  };
}

/**
 * Ends a hold now, as a stack with a short hold TTL would: every key of the hold (the layout of
 * shared-dto's `HoldKeys`, where the session id is the hash tag) gets a 1 ms TTL, so Redis expires them itself and query-service hears
 * `expired` on the seat keys as at a real hold's end. Returns the hold's seat keys.
 */
async function expireHold(sessionId: string, token: string): Promise<string[]> {
  const recordKey = `${HOLD_KEY_PREFIX}hold:{${sessionId}}:${token}`;
  const [json] = await redis('GET', recordKey);
  if (!json) throw new Error(`no hold record at ${recordKey}`);
  const record = JSON.parse(json) as { session_id: string; buyer: string; seat_ids: string[] };
  expect(record.session_id).toBe(sessionId);
  // Only the session's seat keys that carry this hold's token, and the session's index only if
  // it holds nothing else.
  const seatKeys: string[] = [];
  for (const key of await redis('--scan', '--pattern', `${HOLD_KEY_PREFIX}seat:{${sessionId}}:*`)) {
    if ((await redis('GET', key))[0] === token) seatKeys.push(key);
  }
  expect(seatKeys.sort()).toEqual(
    record.seat_ids.map((seat) => `${HOLD_KEY_PREFIX}seat:{${sessionId}}:${seat}`).sort(),
  );
  const indexKey = `${HOLD_KEY_PREFIX}held-seats:{${sessionId}}`;
  expect((await redis('ZRANGE', indexKey, '0', '-1')).sort()).toEqual([...record.seat_ids].sort());
  const keys = [recordKey, `${HOLD_KEY_PREFIX}buyer:{${sessionId}}:${record.buyer}`, indexKey, ...seatKeys];
  for (const key of keys) await redis('PEXPIRE', key, '1');
  return seatKeys;
}

/** Waits until Redis no longer has `keys`; a lookup expires a key its sweep has not reached yet. */
async function waitUntilGone(keys: string[], deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Number((await redis('EXISTS', ...keys))[0]) !== 0) {
    if (Date.now() > deadline) throw new Error(`Redis still has ${keys.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the live seat map and checkout', () => {
  it('shows one buyer’s hold, release and purchase to another within seconds; the ticket code verifies', async () => {
    const session = await makeSession('live');
    const a = await openPage('live map buyer A');
    const b = await openPage('live map watcher B', 'phone');
    await Promise.all([openMap(a.page, session), openMap(b.page, session)]);
    await expectAccessible(a.page);
    await keepScreenshot(a.page, 'attendee-seat-map-desktop');
    await keepScreenshot(b.page, 'attendee-seat-map-phone');

    await focusFirstSeat(b.page);
    await expectAnnounced(b.page, /, available$/);

    // A takes A1 and A2.
    await focusFirstSeat(a.page);
    await a.page.keyboard.press('Enter');
    await a.page.keyboard.press('ArrowRight');
    await a.page.keyboard.press('Space');
    await expectAnnounced(a.page, /^Row A, seat 2, Stalls, £45(\.00)?, selected$/);
    const reserve = a.page.getByRole('button', { name: /^Reserve 2 for £90/ });
    await reserve.waitFor();
    const held = a.page.waitForResponse((r) => r.url().includes('/holds') && r.request().method() === 'POST');
    await reserve.click();
    expect((await held).status()).toBe(201);
    const heldAt = Date.now();
    await a.page.waitForURL('**/checkout');
    await expectAnnounced(b.page, /^Row A, seat 1, Stalls, .*, held$/);
    console.info(`hold seen by the other buyer after ${Date.now() - heldAt} ms`);

    // A gives the places back: B sees them free again.
    await a.page.getByRole('button', { name: 'Cancel and release' }).click();
    await a.page.waitForURL(`**/sessions/${session.sessionId}`);
    await expectAnnounced(b.page, /, available$/);

    // A holds again and checks out as a guest, with a discount code and a declined card first.
    await a.page.locator('[data-testid="seat-map"][data-ready="true"]').waitFor();
    await focusFirstSeat(a.page);
    await a.page.keyboard.press('Enter');
    await a.page.keyboard.press('ArrowRight');
    await a.page.keyboard.press('Enter');
    await a.page.getByRole('button', { name: /^Reserve 2 for/ }).click();
    await a.page.waitForURL('**/checkout');
    await expectAnnounced(b.page, /, held$/);
    await a.page
      .getByRole('timer')
      .getByText(/Your places are held for \d+:\d\d/)
      .waitFor();
    await a.page.getByLabel('Name on the tickets').fill('Ada Guest');
    await a.page.getByLabel('Email').fill('ada.guest@example.test');
    await a.page.getByLabel('Discount code (optional)').fill(session.discount.toLowerCase());
    await expectAccessible(a.page);
    await keepScreenshot(a.page, 'attendee-checkout-details');
    // A double click places one order: the second submit is ignored or answered from the same key.
    const orders: string[] = [];
    a.page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/sales/orders'))
        orders.push(request.headers()['idempotency-key'] ?? '');
    });
    await a.page.getByRole('button', { name: 'Continue to payment' }).dblclick();
    await a.page.getByRole('heading', { name: 'Payment' }).waitFor();
    expect(orders.length).toBeGreaterThan(0);
    expect(new Set(orders).size).toBe(1);
    expect(orders[0]).not.toBe('');
    // £90 less 10 %.
    await a.page.getByText('£81.00').first().waitFor();
    await a.page.getByText(`Discount (${session.discount})`).waitFor();

    await a.page.getByLabel('Card number').fill('4000 0000 0000 0002');
    await a.page.getByRole('button', { name: /^Pay £81/ }).click();
    await a.page
      .getByRole('alert')
      .getByText(/Your card was declined/)
      .waitFor();
    await expectAccessible(a.page);
    await keepScreenshot(a.page, 'attendee-checkout-declined');

    await a.page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await a.page.getByRole('button', { name: /^Pay £81/ }).click();
    await a.page.getByRole('heading', { name: 'You are going!' }).waitFor({ timeout: 30_000 });
    await expectAnnounced(b.page, /^Row A, seat 1, Stalls, .*, sold$/);
    await b.page.keyboard.press('ArrowRight');
    await expectAnnounced(b.page, /^Row A, seat 2, Stalls, .*, sold$/);

    const codes = await a.page
      .locator('canvas[data-qr]')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-qr') ?? ''));
    expect(codes).toHaveLength(2);
    const seats = [];
    for (const code of codes) {
      const claims = await verifyTicketCode(code);
      expect(claims.sessionId).toBe(session.sessionId);
      seats.push(claims.seat);
    }
    expect(seats.sort()).toEqual(['stalls-A-1', 'stalls-A-2']);
    await expectAccessible(a.page);
    await keepScreenshot(a.page, 'attendee-confirmation');
  });

  it('buys with the keyboard alone, signed in; the tickets are in My tickets, full screen and as a PNG', async () => {
    const session = await makeSession('keyboard');
    const { page } = await openPage('keyboard purchase');
    await page.goto('/');
    await signIn(page, 'attendee@boxoffice.test');
    await page.getByText('Alex Attendee').waitFor();

    await tabTo(page, page.getByLabel('Search events'));
    await page.keyboard.type(session.title);
    await page.keyboard.press('Enter');
    const result = page
      .getByRole('region', { name: 'Search results' })
      .getByRole('link', { name: session.title });
    await result.waitFor();
    await tabTo(page, result);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: session.title }).waitFor();
    await expectAccessible(page);

    const choose = page.getByRole('link', { name: /^Choose seats/ });
    await tabTo(page, choose);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="seat-map"][data-ready="true"]').waitFor();
    await tabTo(page, page.getByRole('application'));
    await page.keyboard.press('ArrowRight');
    await expectAnnounced(page, /^Row A, seat 1, Stalls, .*, available$/);
    await page.keyboard.press('ArrowDown');
    await expectAnnounced(page, /^Row B, seat 1, Stalls, .*, available$/);
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expectAnnounced(page, /^Row B, seat 2, Stalls, .*, selected$/);
    // The tooltip follows the keyboard focus too.
    await page.locator('.seat-tooltip').getByText('Row B, seat 2 · B2').waitFor();
    await keepScreenshot(page, 'attendee-seat-map-keyboard');

    const reserve = page.getByRole('button', { name: /^Reserve 2 for/ });
    await tabTo(page, reserve);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/checkout');
    await expect.poll(() => page.getByLabel('Name on the tickets').inputValue()).toBe('Alex Attendee');
    await tabTo(page, page.getByRole('button', { name: 'Continue to payment' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Payment' }).waitFor();
    const pay = page.getByRole('button', { name: /^Pay £90/ });
    await tabTo(page, pay);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'You are going!' }).waitFor({ timeout: 30_000 });

    await page.goto('/tickets');
    await page.getByRole('heading', { name: 'My tickets' }).waitFor();
    const ticket = page
      .locator('.ticket')
      .filter({ hasText: 'Seat B2' })
      .filter({ has: page.locator('canvas[data-qr]') });
    await ticket.first().waitFor();
    const code = await ticket.first().locator('canvas[data-qr]').getAttribute('data-qr');
    expect((await verifyTicketCode(code ?? '')).sessionId).toBe(session.sessionId);
    // The number staff can type when the code will not scan.
    await ticket
      .first()
      .locator('.ticket__info')
      .getByText(/^Ticket number [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
      .waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-my-tickets');

    const download = page.waitForEvent('download');
    await ticket.first().getByRole('button', { name: 'Download' }).click();
    expect((await download).suggestedFilename()).toMatch(/^ticket-B2\.png$/);

    await tabTo(page, ticket.first().getByRole('button', { name: 'Show full screen' }));
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Seat B2' });
    await dialog.waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-ticket-full-screen');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('converges to the server’s seats after its stream was cut and comes back', async () => {
    const session = await makeSession('reconnect');
    const { page, context } = await openPage('stream reconnect');
    await openMap(page, session);
    await focusFirstSeat(page);
    const buyer = `e2e-${Date.now().toString(36)}`;
    const hold = async (seat: string) => {
      const response = await fetch(`${ORIGIN}/api/sales/sessions/${session.sessionId}/holds`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ seats: [seat], buyer_id: buyer }),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { hold_token: string }).hold_token;
    };
    const first = await hold('stalls-A-1');
    await expectAnnounced(page, /^Row A, seat 1, .*, held$/);

    // Cut the stream: block it and take the browser offline, which ends the open connection.
    await page.route('**/seats/stream', (route) => route.abort('connectionreset'));
    await context.setOffline(true);
    await page.getByText('Reconnecting to live updates…').waitFor({ timeout: LIVE_DEADLINE_MS });
    const released = await fetch(`${ORIGIN}/api/sales/holds/${first}`, { method: 'DELETE' });
    expect(released.status).toBe(204);
    await hold('stalls-A-2');
    await hold('stalls-B-2');

    await page.unroute('**/seats/stream');
    await context.setOffline(false);
    await page.getByText('Live', { exact: true }).waitFor({ timeout: 30_000 });
    await expectAnnounced(page, /^Row A, seat 1, .*, available$/);
    await page.keyboard.press('ArrowRight');
    await expectAnnounced(page, /^Row A, seat 2, .*, held$/);
    await page.keyboard.press('ArrowDown');
    await expectAnnounced(page, /^Row B, seat 2, .*, held$/);
  });
});

describe('resync', () => {
  it('shows that it is catching up after a resync and reloads the seat map', async () => {
    const session = await makeSession('resync');
    const { page } = await openPage('resync');
    // The stream answers with a resync alone (and asks for no reconnect soon); the second seat-map
    // load, the one the resync asks for, waits until the test lets it through.
    await page.route('**/seats/stream', (route) =>
      route.fulfill({
        status: 200,
        headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' },
        body: 'retry: 600000\nevent: resync\ndata: {"reason":"lagged"}\n\n',
      }),
    );
    let loads = 0;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/seat-map', async (route) => {
      loads += 1;
      if (loads > 1) await held;
      await route.continue();
    });
    await page.goto(`/sessions/${session.sessionId}`);
    await page.locator('[data-testid="seat-map"][data-ready="true"]').waitFor();
    await page.getByText('Catching up with the latest seats…').waitFor({ timeout: LIVE_DEADLINE_MS });
    await keepScreenshot(page, 'attendee-seat-map-catching-up');
    const response = await fetch(`${ORIGIN}/api/sales/sessions/${session.sessionId}/holds`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ seats: ['stalls-A-1'], buyer_id: `e2e-resync-${Date.now().toString(36)}` }),
    });
    expect(response.status).toBe(201);
    await focusFirstSeat(page);
    release();
    await page
      .getByText('Catching up with the latest seats…')
      .waitFor({ state: 'hidden', timeout: LIVE_DEADLINE_MS });
    await expectAnnounced(page, /^Row A, seat 1, .*, held$/);
  });
});

describe('choosing places', () => {
  it('drops a seat someone else takes from the selection, and says so', async () => {
    const session = await makeSession('taken');
    const { page } = await openPage('seat taken', 'phone');
    await openMap(page, session);
    await focusFirstSeat(page);
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /^Reserve 2 for/ }).waitFor();
    const response = await fetch(`${ORIGIN}/api/sales/sessions/${session.sessionId}/holds`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ seats: ['stalls-A-1'], buyer_id: `e2e-other-${Date.now().toString(36)}` }),
    });
    expect(response.status).toBe(201);
    await page
      .getByRole('alert')
      .getByText('Someone else just took A1')
      .waitFor({ timeout: LIVE_DEADLINE_MS });
    await page.getByRole('button', { name: /^Reserve 1 for £45/ }).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-seat-taken-phone');
  });

  it('holds the best available seats of a tier and standing places; a hold is extended once and released', async () => {
    const session = await makeSession('best');
    const { page } = await openPage('best available');
    await openMap(page, session);
    await page.getByLabel('Price', { exact: true }).selectOption({ label: 'Balcony — £28.00' });
    await page.getByLabel('Quantity').selectOption('3');
    await page.getByRole('button', { name: 'Find seats' }).click();
    await page.waitForURL('**/checkout');
    await expect.poll(() => page.locator('.order-lines tbody tr').count()).toBe(3);
    await page.getByText('£84.00').waitFor();
    await page.getByRole('button', { name: 'More time' }).click();
    await page.getByRole('button', { name: 'More time' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Cancel and release' }).click();
    await page.waitForURL(`**/sessions/${session.sessionId}`);

    await page.locator('[data-testid="seat-map"][data-ready="true"]').waitFor();
    await page.getByLabel(/^Standing floor: 50 places left/).fill('2');
    await page.getByRole('button', { name: /^Reserve 2 for £40/ }).click();
    await page.waitForURL('**/checkout');
    await expect.poll(() => page.locator('.order-lines tbody tr').count()).toBe(2);
    await page.getByText('Standing · Standing floor').first().waitFor();
    await keepScreenshot(page, 'attendee-checkout-standing');
    // Leaving the checkout for another page gives the places back.
    const released = page.waitForResponse(
      (r) => r.url().includes('/api/sales/holds/') && r.request().method() === 'DELETE',
    );
    await page.getByRole('link', { name: 'Find events' }).click();
    expect((await released).status()).toBe(204);
  });
});

describe('pointer and empty states', () => {
  it('selects seats by tapping and shows a tooltip on hover', async () => {
    const session = await makeSession('tap');
    const { page } = await openPage('tap seats', 'phone');
    await openMap(page, session);
    const canvas = page.getByTestId('seat-map').locator('canvas');
    const box = await canvas.boundingBox();
    if (!box) throw new Error('the map has no canvas');
    // Where a seat is drawn: the map opens fitted to the blocks (x 40–800, y 10–390) with 16 px around.
    const scale = Math.min((box.width - 32) / 760, (box.height - 32) / 380);
    const at = (row: number, column: number) => ({
      x: box.x + box.width / 2 + (40 + (column + 0.5) * 30 - 420) * scale,
      y: box.y + box.height / 2 + (120 + (row + 0.5) * 30 - 200) * scale,
    });
    const seat = at(0, 2);
    await page.mouse.move(seat.x, seat.y);
    await page.locator('.seat-tooltip').getByText('Row A, seat 3 · A3').waitFor();
    await page.mouse.click(seat.x, seat.y);
    await expectAnnounced(page, /^Row A, seat 3, Stalls, .*, selected$/);
    const next = at(1, 3);
    await page.mouse.click(next.x, next.y);
    await expectAnnounced(page, /^Row B, seat 4, Stalls, .*, selected$/);
    await page.getByRole('button', { name: /^Reserve 2 for £90/ }).waitFor();
    // Tapping a selected seat again lets it go.
    await page.mouse.click(next.x, next.y);
    await page.getByRole('button', { name: /^Reserve 1 for £45/ }).waitFor();
  });

  it('says so when nothing is held, no tickets are there yet, or a session does not exist', async () => {
    const { page } = await openPage('empty states', 'phone');
    await page.goto('/checkout');
    await page.getByRole('heading', { name: 'Nothing is held' }).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-checkout-empty-phone');
    await page.goto('/tickets');
    await page.getByRole('heading', { name: 'Sign in to see your tickets' }).waitFor();
    await expectAccessible(page);
    await page.goto('/sessions/00000000-0000-0000-0000-000000000000');
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-session-not-found-phone');
    await signIn(page, 'attendee2@boxoffice.test');
    await page.goto('/tickets');
    await page.getByRole('heading', { name: 'My tickets' }).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-my-tickets-phone');
  });
});

describe('hold expiry', () => {
  it('tells the buyer when their hold runs out and sends them back to the map', async () => {
    const session = await makeSession('expiry');
    const { page } = await openPage('hold expiry', 'phone');
    // The page's clock is ours to move: the hold's five minutes pass in a moment.
    await page.clock.install();
    await openMap(page, session);
    await page.getByLabel('Quantity').selectOption('1');
    await page.getByRole('button', { name: 'Find seats' }).click();
    await page.waitForURL('**/checkout');
    await page
      .getByRole('timer')
      .getByText(/held for [45]:\d\d/)
      .waitFor();
    await keepScreenshot(page, 'attendee-checkout-phone');
    await page.clock.fastForward('06:00');
    await page.getByRole('heading', { name: /Your hold expired/ }).waitFor({ timeout: LIVE_DEADLINE_MS });
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-hold-expired-phone');
    await page.getByRole('link', { name: 'Back to the seat map' }).click();
    await page.locator('[data-testid="seat-map"][data-ready="true"]').waitFor();
  });

  it('frees the places of an expired hold on another buyer’s map and tells the holder', async () => {
    const session = await makeSession('expired');
    const a = await openPage('expired hold buyer A');
    const b = await openPage('expired hold watcher B', 'phone');
    // A's countdown is A's only news of the expiry: A's clock moves to the hold's end below.
    await a.page.clock.install();
    await Promise.all([openMap(a.page, session), openMap(b.page, session)]);
    await focusFirstSeat(b.page);
    await expectAnnounced(b.page, /, available$/);

    await focusFirstSeat(a.page);
    await a.page.keyboard.press('Enter');
    await a.page.keyboard.press('ArrowRight');
    await a.page.keyboard.press('Enter');
    const held = a.page.waitForResponse((r) => r.url().includes('/holds') && r.request().method() === 'POST');
    await a.page.getByRole('button', { name: /^Reserve 2 for £90/ }).click();
    const response = await held;
    expect(response.status()).toBe(201);
    const hold = (await response.json()) as { hold_token: string; expires_at: string };
    await a.page.waitForURL('**/checkout');
    await a.page
      .getByRole('timer')
      .getByText(/held for [45]:\d\d/)
      .waitFor();
    await expectAnnounced(b.page, /^Row A, seat 1, Stalls, .*, held$/);

    // The server ends the hold; A's page does nothing, so only the expiry can free the seats.
    const seatKeys = await expireHold(session.sessionId, hold.hold_token);
    await waitUntilGone(seatKeys, LIVE_DEADLINE_MS);
    const expiredAt = Date.now();
    await expectAnnounced(b.page, /^Row A, seat 1, Stalls, .*, available$/);
    console.info(`expiry seen by the other buyer after ${Date.now() - expiredAt} ms`);
    await b.page.keyboard.press('ArrowRight');
    await expectAnnounced(b.page, /^Row A, seat 2, Stalls, .*, available$/);

    const pageNow = await a.page.evaluate(() => Date.now());
    await a.page.clock.fastForward(Math.max(0, Date.parse(hold.expires_at) - pageNow) + 1_000);
    await a.page.getByRole('heading', { name: /Your hold expired/ }).waitFor({ timeout: LIVE_DEADLINE_MS });
    await a.page.getByText('The places were released. Choose again to buy them.').waitFor();
    await a.page.getByRole('link', { name: 'Back to the seat map' }).click();
    await a.page.locator('[data-testid="seat-map"][data-ready="true"]').waitFor();
    await focusFirstSeat(a.page);
    await expectAnnounced(a.page, /^Row A, seat 1, Stalls, .*, available$/);
  });
});

describe('payment', () => {
  it('waits for a payment the provider settles later, then confirms', async () => {
    const session = await makeSession('delayed');
    const { page } = await openPage('delayed payment', 'phone');
    await openMap(page, session);
    await page.getByLabel('Quantity').selectOption('1');
    await page.getByRole('button', { name: 'Find seats' }).click();
    await page.waitForURL('**/checkout');
    await page.getByLabel('Name on the tickets').fill('Dee Layed');
    await page.getByLabel('Email').fill('dee@example.test');
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.getByLabel('Card number').fill('4000 0000 0000 3220');
    await page.getByRole('button', { name: /^Pay £45/ }).click();
    await page.getByText('Your payment is being processed…').waitFor();
    await page.getByRole('heading', { name: 'You are going!' }).waitFor({ timeout: 45_000 });
    await page.locator('canvas[data-qr]').first().waitFor({ timeout: 30_000 });
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-confirmation-phone');
  });
});

describe('discovery', () => {
  it('filters by price, category and city, sorts, and pages through results', async () => {
    const session = await makeSession('filters');
    const { page } = await openPage('search filters');
    await page.goto(`/?q=${encodeURIComponent(session.title)}`);
    const results = page.getByRole('region', { name: 'Search results' });
    await results.getByRole('link', { name: session.title }).waitFor();
    await page.getByText('Filters', { exact: true }).click();
    await page.getByLabel('Max price').fill('10');
    await page.getByLabel('Max price').press('Tab');
    await page.waitForURL(/max=10/);
    await page.getByRole('heading', { name: /^No events match/ }).waitFor();
    await page.getByLabel('Max price').fill('');
    await page.getByLabel('Min price').fill('40');
    await page.getByLabel('Min price').press('Tab');
    await page.waitForURL((url) => url.searchParams.get('min') === '40' && !url.searchParams.has('max'));
    await results.getByRole('link', { name: session.title }).waitFor();
    await page.getByLabel('Category').selectOption({ label: 'Music' });
    await page.getByLabel('City').fill('Bristol');
    await page.getByLabel('City').press('Tab');
    await page.waitForURL(
      (url) => url.searchParams.get('city') === 'Bristol' && url.searchParams.get('category') === 'music',
    );
    await page.getByLabel('Sort by').selectOption('price');
    await page.waitForURL(/sort=price/);
    await results.getByRole('link', { name: session.title }).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-catalogue-filters');

    // Pages: a catalogue answer with 30 matches gives three pages.
    const pages: string[] = [];
    await page.route('**/api/catalog/events?*', async (route) => {
      const url = new URL(route.request().url());
      pages.push(url.searchParams.get('page') ?? '');
      // Every page answers with the first page's events, as if there were more of them.
      url.searchParams.set('page', '1');
      const response = await route.fetch({ url: url.toString() });
      const body = (await response.json()) as { total: number; per_page: number };
      await route.fulfill({ response, json: { ...body, total: 30, per_page: 12 } });
    });
    await page.goto('/?q=midnight');
    await page.getByText('Page 1 of 3').waitFor();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2 of 3').waitFor();
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');
    expect(pages).toContain('2');
  });

  it('finds events near the buyer, with the distance', async () => {
    const session = await makeSession('near');
    const { page, context } = await openPage('near me', 'phone');
    await context.grantPermissions(['geolocation'], { origin: ORIGIN });
    await context.setGeolocation({ latitude: 51.4545, longitude: -2.5879 });
    await page.goto(`/?q=${encodeURIComponent(session.title)}`);
    await page.getByText('Filters', { exact: true }).click();
    await page.getByRole('button', { name: 'Near me' }).click();
    await page.waitForURL(
      (url) => url.searchParams.has('near') && url.searchParams.get('sort') === 'distance',
    );
    const card = page.locator('.event-card').filter({ hasText: session.title });
    await card.getByText(/km away/).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Anywhere' }).click();
    await page.waitForURL((url) => !url.searchParams.has('near'));
  });

  it('speaks French when asked, with prices and dates in the French way', async () => {
    const { page } = await openPage('french', 'phone');
    await page.goto('/?q=orchestra');
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { name: 'Trouvez votre prochaine sortie' }).waitFor();
    await page
      .getByText(/À partir de 20,00/)
      .first()
      .waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-catalogue-french-phone');
    await page.reload();
    await page.getByRole('heading', { name: 'Trouvez votre prochaine sortie' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
  });
});

/** Presses Tab until `target` has the focus, as a keyboard user would. */
async function tabTo(page: Page, target: Locator, limit = 80): Promise<void> {
  for (let presses = 0; presses < limit; presses++) {
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target}`);
}
