// The waiting room in front of a flash sale, end to end through the origin: a buyer opens a
// session whose room is on and whose sale opens a few seconds later, sees the queue and the
// countdown, keeps their place over a reload, is let through at the opening and holds a seat
// with the admission pass; a hold without a pass is refused with the way to the queue. The
// organiser switches a room on from the session's page and sees its live figures.
// Each test makes its own organisation, event and sessions through the API.
import { randomUUID } from 'node:crypto';
import type { Page, Request } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { call, createOrganisation } from './api.ts';
import { closeBrowser, expectAccessible, keepScreenshot, ORIGIN, openPage, signIn } from './browser.ts';

afterAll(closeBrowser);

/** Generous: CI runs these on a loaded two-core machine next to the whole platform. */
const DEADLINE_MS = 45_000;
/** How far ahead of the test's start the sale opens: time to see the room before it. */
const OPENING_IN_MS = 20_000;

interface RoomSession {
  orgName: string;
  eventId: string;
  title: string;
  sessionId: string;
  /** A second session of the event, its room off, for the organiser to switch on. */
  otherSessionId: string;
  salesStartAt: number;
}

function grid(tier: string) {
  const labels = ['A', 'B', 'C'];
  return {
    type: 'seated_grid',
    id: 'stalls',
    name: 'Stalls',
    position: { x: 40, y: 120 },
    rotation: 0,
    rows: labels.length,
    columns: 8,
    tier_id: tier,
    seats: labels.flatMap((label, row) =>
      Array.from({ length: 8 }, (_, column) => ({
        id: `stalls-${label}-${column + 1}`,
        row,
        column,
        label: `${label}${column + 1}`,
      })),
    ),
  };
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  deadlineMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A published event on sale whose first session has its room on and opens its sale shortly. */
async function roomSession(label: string): Promise<RoomSession> {
  const organisation = await createOrganisation(`Waiting room ${label}`, ['organiser@boxoffice.test']);
  const { venue_id } = await call<{ venue_id: string }>('POST', '/api/manage/venues', {
    organisation_id: organisation.id,
    name: 'The Queue Rooms',
    address_line: '3 Test Street',
    city: 'Leeds',
    postcode: 'LS1 1AA',
    country: 'GB',
    latitude: 53.8,
    longitude: -1.55,
    timezone: 'Europe/London',
  });
  const title = `E2E flash sale ${organisation.name.slice(-8)}`;
  const { event_id } = await call<{ event_id: string }>('POST', '/api/manage/events', {
    organisation_id: organisation.id,
    title,
    description: 'A flash sale made by the waiting-room browser test.',
    category_id: 'music',
  });
  const { tier_id } = await call<{ tier_id: string }>('POST', `/api/manage/events/${event_id}/tiers`, {
    name: 'Stalls',
    colour: '#2f6fed',
    price_minor: 3500,
    currency: 'GBP',
  });
  await call('PUT', `/api/manage/events/${event_id}/layout`, {
    canvas: { width: 600, height: 400 },
    blocks: [
      {
        type: 'non_sellable',
        id: 'stage',
        kind: 'stage',
        label: 'Stage',
        position: { x: 100, y: 10 },
        size: { width: 300, height: 50 },
      },
      grid(tier_id),
    ],
  });
  const session = async (day: string) =>
    (
      await call<{ session_id: string }>('POST', `/api/manage/events/${event_id}/sessions`, {
        venue_id,
        mode: 'physical',
        starts_at: `2027-10-${day}T19:30:00Z`,
        ends_at: `2027-10-${day}T22:30:00Z`,
        sales_start_at: new Date(Date.now() + 3_600_000).toISOString(),
        sales_end_at: `2027-10-${day}T19:00:00Z`,
      })
    ).session_id;
  const sessionId = await session('01');
  const otherSessionId = await session('02');
  await call('PUT', `/api/manage/sessions/${sessionId}/waiting-room`, {
    enabled: true,
    admit_per_minute: 600,
    opens_minutes_before_sale: 60,
    pass_minutes: 10,
  });
  await call('POST', `/api/manage/events/${event_id}/publish`, {});
  for (const id of [sessionId, otherSessionId]) {
    await call('POST', `/api/manage/sessions/${id}/status`, { status: 'ON_SALE' }).catch((error: Error) => {
      if (!/OnSale to OnSale/.test(error.message)) throw error;
    });
  }
  // The catalogue is a projection: wait for it first, so the opening below is still ahead when
  // the browser arrives.
  await waitFor('the session on sale in the catalogue', async () => {
    const response = await fetch(`${ORIGIN}/api/catalog/sessions/${sessionId}/seat-map`);
    if (!response.ok) return undefined;
    const map = (await response.json()) as { session_status: string };
    return map.session_status === 'ON_SALE' ? true : undefined;
  });
  const salesStartAt = Date.now() + OPENING_IN_MS;
  await call('PATCH', `/api/manage/sessions/${sessionId}`, {
    sales_start_at: new Date(salesStartAt).toISOString(),
  });
  await waitFor('the room showing its opening', async () => {
    const response = await fetch(`${ORIGIN}/api/sales/sessions/${sessionId}/queue`);
    if (!response.ok) return undefined;
    const room = (await response.json()) as { active: boolean; sales_start_at?: string | null };
    const start = room.sales_start_at ? Date.parse(room.sales_start_at) : Number.NaN;
    return room.active && Math.abs(start - salesStartAt) < 1000 ? true : undefined;
  });
  return { orgName: organisation.name, eventId: event_id, title, sessionId, otherSessionId, salesStartAt };
}

function storedPlace(page: Page, sessionId: string): Promise<{ visitorId?: string; pass?: string } | null> {
  return page.evaluate((key) => {
    const text = localStorage.getItem(key);
    return text ? (JSON.parse(text) as { visitorId?: string; pass?: string }) : null;
  }, `boxoffice.queue.${sessionId}`);
}

describe('the waiting room', () => {
  it('queues a buyer before the opening, keeps the place over a reload, lets them through and the pass holds a seat', async () => {
    const room = await roomSession('buyer');
    // A hold without a pass is refused while the room is active, saying where the queue is.
    const refused = await fetch(`${ORIGIN}/api/sales/sessions/${room.sessionId}/holds`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ seats: ['stalls-C-8'], buyer_id: `guest-${randomUUID()}` }),
    });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(await refused.json())).toContain('queue');

    const { page } = await openPage('waiting room buyer');
    const holds: Request[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith(`/sessions/${room.sessionId}/holds`))
        holds.push(request);
    });
    await page.goto(`/sessions/${room.sessionId}`);
    await page.getByRole('heading', { level: 1, name: 'You are in the queue' }).waitFor();
    await page.getByRole('heading', { name: 'Waiting for the sale to open' }).waitFor();
    await page.getByRole('timer').waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-waiting-room-before-opening');

    // The place survives a reload: the same visitor, joined again, is told the same place.
    const before = await storedPlace(page, room.sessionId);
    expect(before?.visitorId).toBeTruthy();
    await page.reload();
    await page.getByRole('heading', { name: 'Waiting for the sale to open' }).waitFor();
    expect((await storedPlace(page, room.sessionId))?.visitorId).toBe(before?.visitorId);

    // At the opening the buyer gets a position and, at 600 a minute, is let through at once.
    await page
      .locator('[data-testid="seat-map"][data-ready="true"]')
      .waitFor({ timeout: Math.max(0, room.salesStartAt - Date.now()) + DEADLINE_MS });
    await page.getByTestId('pass-banner').waitFor();
    expect(await page.getByTestId('pass-banner').textContent()).toMatch(/Your turn\..*\d+:\d\d/);
    const admitted = await storedPlace(page, room.sessionId);
    expect(admitted?.visitorId).toBe(before?.visitorId);
    expect(admitted?.pass).toBeTruthy();
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-waiting-room-admitted');

    // The first seat, chosen with the keyboard, is held with the pass.
    await page.getByRole('application').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /^Reserve 1 for/ }).click();
    await page.waitForURL((url) => url.pathname === '/checkout', { timeout: DEADLINE_MS });
    expect(holds.length).toBe(1);
    const body = holds[0]?.postDataJSON() as { admission_pass?: string; seats?: string[] };
    expect(body.admission_pass).toBe(admitted?.pass);
    expect(body.seats).toHaveLength(1);
    const response = await holds[0]?.response();
    expect(response?.status()).toBe(201);
  });

  it('shows a phone-sized queue, and a second tab of the same buyer shares the place', async () => {
    const room = await roomSession('phone');
    const { page, context } = await openPage('waiting room phone', 'phone');
    await page.goto(`/sessions/${room.sessionId}`);
    await page.getByRole('heading', { name: 'Waiting for the sale to open' }).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-waiting-room-phone');
    const first = await storedPlace(page, room.sessionId);
    const second = await context.newPage();
    await second.goto(`/sessions/${room.sessionId}`);
    await second.getByRole('heading', { name: 'Waiting for the sale to open' }).waitFor();
    expect((await storedPlace(second, room.sessionId))?.visitorId).toBe(first?.visitorId);
    // The room counts one visitor, not two.
    const info = (await (await fetch(`${ORIGIN}/api/sales/sessions/${room.sessionId}/queue`)).json()) as {
      waiting?: number;
    };
    expect(info.waiting).toBe(1);
  });

  it('lets an organiser switch a session’s room on and watch it', async () => {
    const room = await roomSession('organiser');
    const { page } = await openPage('waiting room organiser');
    await page.goto('/manage/');
    await signIn(page, 'organiser@boxoffice.test');
    await page.goto(`/manage/events/${room.eventId}/sessions/${room.otherSessionId}/waiting-room`);
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    const toggle = page.getByLabel('Queue buyers in a waiting room before the seat map');
    expect(await toggle.isChecked()).toBe(false);
    await toggle.check();
    const rate = page.getByLabel('Buyers let through per minute');
    await rate.fill('0');
    await page.getByRole('button', { name: 'Save waiting room' }).click();
    await page.getByText('Enter a whole number from 1 to 100,000.').waitFor();
    await rate.fill('250');
    await page.getByLabel('Time to choose seats (minutes)').fill('7');
    await page.getByRole('button', { name: 'Save waiting room' }).click();
    await page.getByRole('heading', { name: 'Live' }).waitFor();
    const saved = await call<{ enabled: boolean; admit_per_minute: number; pass_minutes: number }>(
      'GET',
      `/api/manage/sessions/${room.otherSessionId}/waiting-room`,
    );
    expect(saved).toMatchObject({ enabled: true, admit_per_minute: 250, pass_minutes: 7 });
    await page.getByTestId('queue-stats').waitFor({ timeout: DEADLINE_MS });
    await expect
      .poll(() => page.locator('[data-figure="admitted-last-minute"]').textContent(), {
        timeout: DEADLINE_MS,
      })
      .toMatch(/of 250/);
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-waiting-room');
  });
});
