// Data and helpers of the check-in browser tests: an event of the test's own organisation with
// the demo staff member on its staff, tickets bought through the public sales API with the
// sandbox card, and the gate screen driven the way staff drive it.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { call, createOrganisation } from './api.ts';
import { ORIGIN, signIn } from './browser.ts';

export const STAFF = 'staff@boxoffice.test';
export const STAFF2 = 'staff2@boxoffice.test';
const APPROVED_CARD = '4242 4242 4242 4242';

export interface GateEvent {
  title: string;
  organisationId: string;
  eventId: string;
  sessionId: string;
}

export interface BoughtTicket {
  ticket_id: string;
  /** What staff type when the code will not scan, e.g. `K7Q2-9XMB-4TZ8`. */
  ticket_number: string;
  qr: string;
  seat_id: string | null;
  seat_label: string | null;
  holder_name: string;
  order_id: string;
}

/** Polls `check` until it returns a value, or fails after `seconds` with what it last saw. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, seconds = 45): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${seconds}s (${String(last ?? 'no answer')})`);
    await new Promise((resolve) => setTimeout(resolve, 250)); // poll interval of a wait with a deadline
  }
}

/** A published, on-sale event with one seated session, staffed by the demo staff accounts. */
export async function gateEvent(label: string): Promise<GateEvent> {
  const organisation = await createOrganisation(`Check-in ${label}`);
  for (const email of [STAFF, STAFF2]) {
    await call('POST', `/api/manage/organisations/${organisation.id}/members`, { email, role: 'staff' });
  }
  const venue = await call<{ venue_id: string }>('POST', '/api/manage/venues', {
    organisation_id: organisation.id,
    name: `${organisation.name} hall`,
    address_line: '1 Gate Street',
    city: 'Bristol',
    postcode: 'BS1 4DJ',
    country: 'GB',
    latitude: 51.45,
    longitude: -2.59,
    timezone: 'Europe/London',
  });
  const title = `Gate test ${label} ${randomUUID().slice(0, 8)}`;
  const { event_id } = await call<{ event_id: string }>('POST', '/api/manage/events', {
    organisation_id: organisation.id,
    title,
    description: 'Made by the check-in browser tests.',
    category_id: 'music',
  });
  const { tier_id } = await call<{ tier_id: string }>('POST', `/api/manage/events/${event_id}/tiers`, {
    name: 'Stalls',
    colour: '#2f6fed',
    price_minor: 2500,
    currency: 'GBP',
  });
  const seats = Array.from({ length: 10 }, (_, column) => ({
    id: `stalls-A-${column + 1}`,
    row: 0,
    column,
    label: `A${column + 1}`,
  }));
  await call('PUT', `/api/manage/events/${event_id}/layout`, {
    canvas: { width: 600, height: 400 },
    blocks: [
      {
        type: 'seated_grid',
        id: 'stalls',
        name: 'Stalls',
        position: { x: 50, y: 100 },
        rotation: 0,
        rows: 1,
        columns: 10,
        tier_id,
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
      sales_start_at: '2026-01-01T09:00:00Z',
      sales_end_at: '2030-06-11T19:00:00Z',
    },
  );
  await call('POST', `/api/manage/events/${event_id}/publish`, {});
  await call('POST', `/api/manage/sessions/${session_id}/status`, { status: 'ON_SALE' });
  return { title, organisationId: organisation.id, eventId: event_id, sessionId: session_id };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

/** Buys `seats` (e.g. ["stalls-A-1"]) as a guest with the sandbox card; returns the tickets. */
export async function buyTickets(
  event: GateEvent,
  seats: string[],
  holder = 'Ada Lovelace',
): Promise<BoughtTicket[]> {
  const buyer = `gate-${randomUUID()}`;
  // The session reaches order-service shortly after it goes on sale: retry the hold until then.
  const hold = await until(
    'a hold on the new session',
    async () => {
      const answer = await post(`/api/sales/sessions/${event.sessionId}/holds`, { seats, buyer_id: buyer });
      if (answer.status === 201) return answer.body;
      if (answer.status >= 500 || answer.status === 429 || answer.status === 404 || answer.status === 409)
        return undefined;
      throw new Error(`hold answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    },
    60,
  );
  const order = await post(
    '/api/sales/orders',
    { hold_token: hold.hold_token, buyer: { name: holder, email: `${buyer}@example.com` } },
    { 'Idempotency-Key': buyer },
  );
  if (order.status !== 201) throw new Error(`order answered ${order.status}: ${JSON.stringify(order.body)}`);
  const paid = await post(
    `/api/sales/orders/${order.body.order_id}/pay`,
    { payment_method: APPROVED_CARD },
    { 'Order-Access-Token': String(order.body.access_token) },
  );
  if (paid.status !== 200) throw new Error(`pay answered ${paid.status}: ${JSON.stringify(paid.body)}`);
  const tickets = paid.body.tickets as (BoughtTicket & { qr?: string | null })[];
  if (tickets.length !== seats.length || tickets.some((ticket) => !ticket.qr)) {
    throw new Error(
      `payment gave ${tickets.length} tickets for ${seats.length} seats, or one without a code`,
    );
  }
  return tickets.map((ticket) => ({
    ...ticket,
    qr: String(ticket.qr),
    order_id: String(order.body.order_id),
  }));
}

export interface ServerManifest {
  expected: number;
  admitted: number;
  gates: { gate: string; admitted: number }[];
  tickets: { ticket_id: string; checked_in_at: string | null; gate: string | null }[];
}

/** What the server says about the session's admissions (read with the service client). */
export function serverManifest(event: GateEvent): Promise<ServerManifest> {
  return call<ServerManifest>('GET', `/api/check-in/sessions/${event.sessionId}/manifest`);
}

/** Signs in as `email` and sets the gate up for the event's session. */
export async function openGate(page: Page, event: GateEvent, gate: string, email = STAFF): Promise<void> {
  await page.goto('/check-in/');
  await page.getByRole('heading', { name: 'Sign in to continue' }).waitFor();
  await signIn(page, email);
  await setUpGate(page, event, gate);
}

export async function setUpGate(page: Page, event: GateEvent, gate: string): Promise<void> {
  await page.getByRole('heading', { name: 'Set up this gate' }).waitFor();
  await page.getByLabel('Event', { exact: true }).selectOption({ label: event.title });
  const session = page.getByLabel('Session', { exact: true });
  // The event's only session is chosen by itself once the sessions have loaded.
  await until('the session to be chosen', async () => ((await session.inputValue()) ? true : undefined));
  await page.getByLabel('Gate', { exact: true }).fill(gate);
  await page.getByRole('button', { name: 'Start scanning' }).click();
  await page.getByLabel('Ticket code').waitFor();
}

/** Types a code into the gate's code field as a hand-held scanner does (text, then Enter). */
export async function scanCode(page: Page, code: string): Promise<'admit' | 'refuse'> {
  const before = Number(await page.locator('[data-scan]').getAttribute('data-scan'));
  const field = page.getByLabel('Ticket code');
  await field.fill(code);
  await field.press('Enter');
  const verdict = page.locator(`[data-scan="${before + 1}"]`);
  await verdict.waitFor();
  return (await verdict.getAttribute('data-verdict')) as 'admit' | 'refuse';
}

/** The scan result panel as text. */
export function verdictText(page: Page): Promise<string> {
  return page
    .locator('[data-scan]')
    .textContent()
    .then((text) => text ?? '');
}

/** A code with one character of its payload changed (the ticket id's first byte). */
export function altered(code: string): string {
  const index = 3;
  const replacement = code[index] === 'A' ? 'B' : 'A';
  return code.slice(0, index) + replacement + code.slice(index + 1);
}
