// Typed ticket numbers at the gate (for a code that will not scan), online and offline, and
// counters that follow admissions at other gates within seconds.
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from './api.ts';
import { closeBrowser, expectAccessible, keepScreenshot, openPage } from './browser.ts';
import {
  type BoughtTicket,
  buyTickets,
  gateEvent,
  openGate,
  serverManifest,
  until,
  verdictText,
} from './check-in-fixtures.ts';

afterAll(closeBrowser);

/** Types a ticket number into the gate's number field as staff do, then Enter. */
async function typeNumber(page: Page, number: string): Promise<'admit' | 'refuse'> {
  const before = Number(await page.locator('[data-scan]').getAttribute('data-scan'));
  const field = page.getByLabel('Ticket number');
  await field.fill(number);
  await field.press('Enter');
  const verdict = page.locator(`[data-scan="${before + 1}"]`);
  await verdict.waitFor();
  return (await verdict.getAttribute('data-verdict')) as 'admit' | 'refuse';
}

function numberOf(ticket: BoughtTicket | undefined): string {
  if (!ticket?.ticket_number) throw new Error('the ticket has no number');
  return ticket.ticket_number;
}

describe('typing a ticket number', () => {
  it('admits a ticket by its number once, typed loosely; an unknown number is refused', async () => {
    const event = await gateEvent('number');
    const [ticket] = await buyTickets(event, ['stalls-A-2'], 'Mary Jackson');
    const number = numberOf(ticket);
    expect(number).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const { page } = await openPage('check-in-number', 'phone');
    await openGate(page, event, 'North 2');

    // Lower case, spaces for dashes: as someone reads it off a crumpled printout.
    expect(await typeNumber(page, number.toLowerCase().replace(/-/g, ' '))).toBe('admit');
    const admitted = await verdictText(page);
    expect(admitted).toContain('ADMIT');
    expect(admitted).toContain('Seat A2');
    expect(admitted).toContain('Mary Jackson');
    expect(admitted).toContain(`Ticket ${number}`);
    await expectAccessible(page);
    await keepScreenshot(page, 'check-in-number-admit-phone');
    const entry = (await serverManifest(event)).tickets.find((item) => item.ticket_id === ticket?.ticket_id);
    expect(entry?.gate).toBe('North 2');

    expect(await typeNumber(page, number)).toBe('refuse');
    expect(await verdictText(page)).toContain('Already admitted');
    expect(await verdictText(page)).toContain('Gate North 2');

    expect(await typeNumber(page, 'ZZZZ-ZZZZ-ZZZZ')).toBe('refuse');
    expect(await verdictText(page)).toContain('Unknown ticket');
    expect(await typeNumber(page, '12345')).toBe('refuse');
    expect(await verdictText(page)).toContain('Not a ticket number');
    expect(await verdictText(page)).toContain('12 letters and digits');
    await expectAccessible(page);
    await keepScreenshot(page, 'check-in-number-refused-phone');
    expect((await serverManifest(event)).admitted).toBe(1);
  });

  it('offline: a number from the downloaded list is admitted, queued and synced once', async () => {
    const event = await gateEvent('number-offline');
    const [ticket] = await buyTickets(event, ['stalls-A-7'], 'Dorothy Vaughan');
    const number = numberOf(ticket);
    const { page, context } = await openPage('check-in-number-offline', 'phone');
    await openGate(page, event, 'East 2');

    await context.setOffline(true);
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    expect(await typeNumber(page, number.replace(/-/g, ''))).toBe('admit');
    expect(await verdictText(page)).toContain('Admitted offline');
    expect(await verdictText(page)).toContain('Dorothy Vaughan');
    await page.getByText('1 scan waiting to sync').waitFor();
    expect(await typeNumber(page, number)).toBe('refuse');
    expect(await verdictText(page)).toContain('Already admitted');
    expect(await typeNumber(page, 'ZZZZ-ZZZZ-ZZZZ')).toBe('refuse');
    expect(await verdictText(page)).toContain('No ticket with this number in the downloaded list');
    await keepScreenshot(page, 'check-in-number-offline-phone');

    await context.setOffline(false);
    await page.getByText('All scans synced').waitFor({ timeout: 30_000 });
    const manifest = await serverManifest(event);
    expect(manifest.admitted).toBe(1);
    expect(manifest.tickets.find((item) => item.ticket_id === ticket?.ticket_id)?.gate).toBe('East 2');
  });
});

describe('gate counters', () => {
  it('show an admission at another gate within seconds', async () => {
    const event = await gateEvent('counters');
    const tickets = await buyTickets(event, ['stalls-A-1', 'stalls-A-2', 'stalls-A-3']);
    const { page } = await openPage('check-in-counters', 'phone');
    await openGate(page, event, 'North');
    await page.getByText('0 of 3 expected').waitFor();

    // Admitted elsewhere: the manifest is downloaded again only every 20 s, the counts come sooner.
    const [first] = tickets;
    await call('POST', '/api/check-in/scans', { qr: first?.qr, gate: 'South' });
    const started = Date.now();
    await page.getByText('1 of 3 expected').waitFor({ timeout: 10_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    await until('the other gate in the table', async () =>
      (await page.getByRole('row', { name: 'South 1' }).count()) ? true : undefined,
    );
    await expectAccessible(page);
    await keepScreenshot(page, 'check-in-counters-phone');
  });
});
