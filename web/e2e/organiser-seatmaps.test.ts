// Seat maps beyond the wizard's first draft: a map saved as a template and another event's map
// started from it (its tiers mapped onto that event's), and one session's own map edited apart
// from the event's and seen in the public catalogue.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
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

type Tier = { tier_id: string };
type StoredLayout = { seat_count: number; tier_ids: string[]; layout: { blocks: { seats?: unknown[] }[] } };

async function draftEvent(organisationId: string, title: string, tierNames: string[]) {
  const { event_id } = await call<{ event_id: string }>('POST', '/api/manage/events', {
    organisation_id: organisationId,
    title,
    category_id: 'theatre',
  });
  const tiers: string[] = [];
  for (const [index, name] of tierNames.entries()) {
    const tier = await call<Tier>('POST', `/api/manage/events/${event_id}/tiers`, {
      name,
      colour: ['#0072B2', '#E69F00', '#009E73'][index],
      price_minor: 3000 - index * 1000,
      currency: 'GBP',
    });
    tiers.push(tier.tier_id);
  }
  return { eventId: event_id, tiers };
}

/** Two rows of five: row A in the first tier, row B in the second. */
function twoRowLayout(front: string, back: string) {
  const seats = [];
  for (const [row, label] of ['A', 'B'].entries())
    for (let column = 0; column < 5; column += 1)
      seats.push({
        id: `main-${label}-${column + 1}`,
        row,
        column,
        label: `${label}${column + 1}`,
        ...(row === 1 ? { tier_id: back } : {}),
      });
  return {
    canvas: { width: 400, height: 200 },
    blocks: [
      {
        type: 'seated_grid',
        id: 'main',
        name: 'Main',
        position: { x: 20, y: 20 },
        rows: 2,
        columns: 5,
        tier_id: front,
        seats,
      },
    ],
  };
}

async function signInAs(page: Page, orgName: string): Promise<void> {
  await page.goto('/manage/');
  await signIn(page, 'organiser@boxoffice.test');
  await page.getByRole('heading', { name: orgName, exact: true }).waitFor();
  await page.getByLabel('Organisation', { exact: true }).selectOption({ label: orgName });
}

describe('seat maps', () => {
  it("saves a map as a template and starts another event's map from it", async () => {
    const organisation = await createOrganisation('Template House', ['organiser@boxoffice.test']);
    const source = await draftEvent(organisation.id, `Template Source ${randomUUID().slice(0, 6)}`, [
      'Stalls',
      'Circle',
    ]);
    await call(
      'PUT',
      `/api/manage/events/${source.eventId}/layout`,
      twoRowLayout(source.tiers[0] ?? '', source.tiers[1] ?? ''),
    );
    const target = await draftEvent(organisation.id, `Template Target ${randomUUID().slice(0, 6)}`, [
      'Front',
      'Back',
    ]);
    const templateName = `Small hall ${randomUUID().slice(0, 6)}`;

    const { page } = await openPage('seat-map templates');
    await signInAs(page, organisation.name);
    await page.goto(`/manage/events/${source.eventId}/edit/seat-map`);
    await page.getByRole('button', { name: 'Main 2 × 5' }).waitFor();

    await page.getByRole('button', { name: 'Save as template…' }).click();
    const save = page.getByRole('dialog', { name: 'Save as a template' });
    await save.getByText(/10 seats/).waitFor();
    // A name is asked for before anything is sent.
    await save.getByRole('button', { name: 'Save template' }).click();
    await save.getByText('Give the template a name to find it by').waitFor();
    await save.getByLabel('Template name').fill(templateName);
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-template-save');
    await save.getByRole('button', { name: 'Save template' }).click();
    await page.getByText(`Saved as the template “${templateName}”`).waitFor();
    await save.waitFor({ state: 'hidden' });
    const listed = await call<{ name: string; seat_count: number }[]>(
      'GET',
      `/api/manage/organisations/${organisation.id}/seat-map-templates`,
    );
    expect(listed.map((template) => [template.name, template.seat_count])).toEqual([[templateName, 10]]);

    // The same name twice is refused on the name field.
    await page.getByRole('button', { name: 'Save as template…' }).click();
    await save.getByLabel('Template name').fill(templateName);
    await save.getByRole('button', { name: 'Save template' }).click();
    await save.getByText(`There is already a template called “${templateName}”`).waitFor();
    await save.getByRole('button', { name: 'Cancel' }).click();

    // The other event: an empty map, started from the template.
    await page.goto(`/manage/events/${target.eventId}/edit/seat-map`);
    await page.getByText('An empty map.').waitFor();
    await page.getByRole('button', { name: 'Start from a template…' }).click();
    const start = page.getByRole('dialog', { name: 'Start from a template' });
    const item = start.getByRole('button', { name: new RegExp(`^${templateName}`) });
    await item.getByText('10 seats').waitFor();
    await keepScreenshot(page, 'organiser-template-list');
    await item.click();
    const confirm = page.getByRole('dialog', { name: `Start from “${templateName}”?` });
    await confirm.getByText(/This replaces the map you are drafting/).waitFor();
    // Row A was Stalls (5 seats), row B Circle (5 seats): they become Front and Back.
    const front = confirm.getByLabel('Main row A: 5 seats');
    const back = confirm.getByLabel('Main row B: 5 seats');
    expect(await front.inputValue()).toBe(target.tiers[0]);
    await back.selectOption({ label: 'Back' });
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-template-confirm');
    await confirm.getByRole('button', { name: 'Replace the seat map' }).click();
    await page.getByRole('button', { name: 'Main 2 × 5' }).waitFor();
    await page.getByText(/10 seats · 0 standing · unsaved changes/).waitFor();

    await page.getByRole('button', { name: 'Save seat map' }).click();
    await page.getByText(/10 seats · 0 standing · saved/).waitFor();
    const stored = await call<StoredLayout>('GET', `/api/manage/events/${target.eventId}/layout`);
    expect(stored.seat_count).toBe(10);
    expect([...stored.tier_ids].sort()).toEqual([...target.tiers].sort());
  }, 120_000);

  it("edits one session's own map, and the catalogue shows it for that session only", async () => {
    const organisation = await createOrganisation('Session Maps', ['organiser@boxoffice.test']);
    const event = await draftEvent(organisation.id, `Own Map ${randomUUID().slice(0, 6)}`, [
      'Stalls',
      'Circle',
    ]);
    await call(
      'PUT',
      `/api/manage/events/${event.eventId}/layout`,
      twoRowLayout(event.tiers[0] ?? '', event.tiers[1] ?? ''),
    );
    const venue = await call<{ venue_id: string }>('POST', '/api/manage/venues', {
      organisation_id: organisation.id,
      name: 'Own Map Hall',
      address_line: '3 Test Street',
      city: 'York',
      country: 'GB',
      latitude: 53.96,
      longitude: -1.08,
      timezone: 'Europe/London',
    });
    const sessions: string[] = [];
    for (const day of [11, 12]) {
      const { session_id } = await call<{ session_id: string }>(
        'POST',
        `/api/manage/events/${event.eventId}/sessions`,
        {
          venue_id: venue.venue_id,
          mode: 'physical',
          starts_at: `2030-06-${day}T19:30:00Z`,
          ends_at: `2030-06-${day}T22:30:00Z`,
          // Sales open in the future, so the scheduler leaves the sessions scheduled.
          sales_start_at: '2029-01-01T09:00:00Z',
          sales_end_at: `2030-06-${day}T19:00:00Z`,
        },
      );
      sessions.push(session_id);
    }
    const [edited = '', untouched = ''] = sessions;
    await call('POST', `/api/manage/events/${event.eventId}/publish`, {});
    const seatIds = async (sessionId: string): Promise<string[] | undefined> => {
      const response = await fetch(`${ORIGIN}/api/catalog/sessions/${sessionId}/seat-map`);
      if (!response.ok) return undefined;
      const map = (await response.json()) as { layout: { blocks: { seats?: { id: string }[] }[] } };
      return map.layout.blocks.flatMap((block) => (block.seats ?? []).map((seat) => seat.id));
    };
    await until('both sessions in the catalogue', async () => {
      const [a, b] = [await seatIds(edited), await seatIds(untouched)];
      return a?.length === 10 && b?.length === 10 ? true : undefined;
    });

    const { page } = await openPage('session seat map');
    await signInAs(page, organisation.name);
    await page.goto(`/manage/events/${event.eventId}`);
    await page
      .getByRole('link', { name: /^Edit this session's map/ })
      .first()
      .click();
    await page.getByRole('heading', { level: 1, name: /^Seat map for / }).waitFor();
    await page.getByText("This session follows the event's seat map.").waitFor();
    await page.getByText(/it then diverges from the event's seat map/).waitFor();
    await expectAccessible(page);

    const panel = page.getByRole('complementary', { name: 'Selection and blocks' });
    await panel.getByRole('button', { name: /^Main/ }).click();
    await panel.getByLabel('Select seats by label').fill('A1');
    await panel.getByRole('button', { name: 'Select', exact: true }).click();
    await panel.getByRole('heading', { name: '1 seat selected' }).waitFor();
    await panel.getByRole('button', { name: 'Remove seats' }).click();
    await page.getByText('9 seats · 0 standing · unsaved changes').waitFor();
    await page.getByRole('button', { name: 'Save seat map' }).click();
    await page.getByText('This session has its own seat map.').waitFor();
    await page.getByText('9 seats · 0 standing · saved').waitFor();
    await keepScreenshot(page, 'organiser-session-map-desktop');

    const own = await call<StoredLayout & { diverged: boolean }>(
      'GET',
      `/api/manage/sessions/${edited}/layout`,
    );
    expect([own.seat_count, own.diverged]).toEqual([9, true]);
    const other = await call<StoredLayout & { diverged: boolean }>(
      'GET',
      `/api/manage/sessions/${untouched}/layout`,
    );
    expect([other.seat_count, other.diverged]).toEqual([10, false]);
    // The read model follows through the change stream.
    const seen = await until('the edited map in the catalogue', async () => {
      const ids = await seatIds(edited);
      return ids && !ids.includes('main-A-1') ? ids : undefined;
    });
    expect(seen).toHaveLength(9);
    expect(await seatIds(untouched)).toContain('main-A-1');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByText('This session has its own seat map.').waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-session-map-phone');

    // The event page marks the session that has its own map, and only that one.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`/manage/events/${event.eventId}`);
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    await expect(page.getByText('own seat map', { exact: true }).count()).resolves.toBe(1);
    await keepScreenshot(page, 'organiser-event-page-own-map');

    // A session on sale keeps its map: the page says why instead of opening the designer.
    await call('POST', `/api/manage/sessions/${untouched}/status`, { status: 'ON_SALE' });
    await page.goto(`/manage/events/${event.eventId}/sessions/${untouched}/seat-map`);
    await page.getByRole('heading', { name: 'This session is on sale' }).waitFor();
    await page.getByText(/can only change before it goes on sale/).waitFor();
    await expect(page.getByRole('button', { name: 'Save seat map' }).count()).resolves.toBe(0);
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-session-map-on-sale-phone');
    // A session that is not this event's is not found.
    await page.goto(`/manage/events/${event.eventId}/sessions/${randomUUID()}/seat-map`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
  }, 120_000);

  it('rotates a block from the keyboard and resizes it by its handle, each undoable', async () => {
    const organisation = await createOrganisation('Handles', ['organiser@boxoffice.test']);
    const event = await draftEvent(organisation.id, `Handles ${randomUUID().slice(0, 6)}`, [
      'Stalls',
      'Circle',
    ]);
    await call(
      'PUT',
      `/api/manage/events/${event.eventId}/layout`,
      twoRowLayout(event.tiers[0] ?? '', event.tiers[1] ?? ''),
    );
    const { page } = await openPage('designer handles');
    await signInAs(page, organisation.name);
    await page.goto(`/manage/events/${event.eventId}/edit/seat-map`);
    const panel = page.getByRole('complementary', { name: 'Selection and blocks' });
    await panel.getByRole('button', { name: 'Main 2 × 5' }).click();
    const rotation = panel.getByLabel('Rotation (degrees)');
    const canvas = page.getByRole('application', { name: /^Seat map:/ });

    await canvas.focus();
    await page.keyboard.press(']');
    await page.keyboard.press(']');
    await expect.poll(() => rotation.inputValue()).toBe('30');
    // Undo clears the selection: the block is chosen again to read its angle.
    const select = () => panel.getByRole('button', { name: /^Main 2 × / }).click();
    await page.keyboard.press('Control+z');
    await select();
    await expect.poll(() => rotation.inputValue()).toBe('15');
    await panel.getByRole('button', { name: 'Rotate 15° left' }).click();
    await expect.poll(() => rotation.inputValue()).toBe('0');
    await page.keyboard.press('Control+z');
    await select();
    await expect.poll(() => rotation.inputValue()).toBe('15');

    // The east handle dragged two seats further along the block's own axis: two seats more per row.
    const centreOf = async (handle: string) => {
      const box = await page.locator(`[data-handle="${handle}"]`).boundingBox();
      if (!box) throw new Error(`no ${handle} handle`);
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    const west = await centreOf('w');
    const east = await centreOf('e');
    const seat = { x: (east.x - west.x) / 5, y: (east.y - west.y) / 5 };
    await page.mouse.move(east.x, east.y);
    await page.mouse.down();
    await page.mouse.move(east.x + seat.x, east.y + seat.y, { steps: 4 });
    await page.mouse.move(east.x + seat.x * 2, east.y + seat.y * 2, { steps: 4 });
    await keepScreenshot(page, 'organiser-designer-resize-drag');
    await page.mouse.up();
    await expect.poll(() => panel.getByLabel('Seats per row').inputValue()).toBe('7');
    await page.getByText(/^14 seats · 0 standing · unsaved changes/).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-designer-handles');

    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByText(/^10 seats · 0 standing/).waitFor();
    await page.getByRole('button', { name: 'Redo' }).click();
    await page.getByText(/^14 seats · 0 standing · unsaved changes/).waitFor();
    await page.getByRole('button', { name: 'Save seat map' }).click();
    await page.getByText(/^14 seats · 0 standing · saved/).waitFor();
    const stored = await call<{ layout: { blocks: { columns?: number; rotation?: number }[] } }>(
      'GET',
      `/api/manage/events/${event.eventId}/layout`,
    );
    expect([stored.layout.blocks[0]?.columns, stored.layout.blocks[0]?.rotation]).toEqual([7, 15]);

    // From the keyboard: one row deeper.
    await select();
    await canvas.focus();
    await page.keyboard.press('Alt+Shift+ArrowDown');
    await page.getByText(/^21 seats · 0 standing · unsaved changes/).waitFor();
    await expect.poll(() => panel.getByLabel('Rows', { exact: true }).inputValue()).toBe('3');
  }, 120_000);

  it('shows an empty template list and explains how to fill it, on a phone', async () => {
    const organisation = await createOrganisation('No Templates', ['organiser@boxoffice.test']);
    const event = await draftEvent(organisation.id, `Templateless ${randomUUID().slice(0, 6)}`, ['Stalls']);
    const { page } = await openPage('seat-map templates empty', 'phone');
    await signInAs(page, organisation.name);
    await page.goto(`/manage/events/${event.eventId}/edit/seat-map`);
    await page.getByRole('button', { name: 'Start from a template…' }).click();
    const start = page.getByRole('dialog', { name: 'Start from a template' });
    await start.getByText('No templates yet').waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-template-empty-phone');
  });
});
