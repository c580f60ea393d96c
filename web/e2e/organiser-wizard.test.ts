// The organiser's event wizard and seat-map designer, through the UI only, as far as the public
// catalogue: each test makes its own organisation, so tests never share rows.
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createOrganisation } from './api.ts';
import { closeBrowser, expectAccessible, keepScreenshot, ORIGIN, openPage, signIn } from './browser.ts';

afterAll(closeBrowser);

/** Polls `check` until it returns a value, failing after `timeoutMs`. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs} ms (${String(last ?? 'no answer yet')})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function signInToOwnOrganisation(page: Page, label: string): Promise<{ name: string }> {
  const own = await createOrganisation(label, ['organiser@boxoffice.test']);
  await page.goto('/manage/');
  await signIn(page, 'organiser@boxoffice.test');
  await page.getByRole('heading', { name: own.name, exact: true }).waitFor();
  await page.getByLabel('Organisation', { exact: true }).selectOption({ label: own.name });
  await page.getByRole('heading', { name: `People in ${own.name}` }).waitFor();
  return own;
}

async function step(page: Page, name: string, shot: string): Promise<void> {
  await page.getByRole('heading', { level: 2, name, exact: true }).waitFor();
  await expectAccessible(page);
  await keepScreenshot(page, shot);
}

function eventIdOf(page: Page): string {
  const match = /\/events\/([0-9a-f-]{36})/.exec(page.url());
  if (!match?.[1]) throw new Error(`no event id in ${page.url()}`);
  return match[1];
}

/** Commits a designer number or text field the way a person does: type, then Enter. */
async function setField(page: Page, label: string, value: string): Promise<void> {
  const field = page.getByRole('complementary').getByLabel(label, { exact: true });
  await field.fill(value);
  await field.press('Enter');
}

describe('the event wizard', () => {
  it('creates an event from nothing, publishes it, and the catalogue shows it with its seat map', async () => {
    const { page } = await openPage('event wizard');
    await signInToOwnOrganisation(page, 'Wizard Hall');
    const title = `Wizard Gala ${Date.now().toString(36)}`;

    await page.getByRole('link', { name: 'Your events', exact: true }).click();
    await page.getByRole('heading', { name: 'No events yet' }).waitFor();
    await keepScreenshot(page, 'organiser-events-empty');
    await page.getByRole('link', { name: 'Create the first event' }).click();

    // Details
    await step(page, 'Details', 'organiser-wizard-1-details');
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Description').fill('An evening of music in the round.');
    await page.getByLabel('Category').selectOption('music');
    await page.getByLabel('Cover image URL').fill('https://images.example.test/gala.jpg');
    await page.getByRole('button', { name: 'Create draft and continue' }).click();
    await page.waitForURL(/\/edit\/venue$/);
    const eventId = eventIdOf(page);

    // Venue: the organisation has none yet, so the new-venue form is open.
    await step(page, 'Venue', 'organiser-wizard-2-venue');
    await page.getByLabel('Venue name').fill('The Round House');
    await page.getByLabel('Address').fill('1 Chalk Farm Road');
    await page.getByLabel('City').fill('London');
    await page.getByLabel('Postcode').fill('NW1 8EH');
    await page.getByLabel('Country code').fill('GB');
    await page.getByLabel('Latitude').fill('51.5434');
    await page.getByLabel('Longitude').fill('-0.1519');
    await page.getByLabel('Time zone').selectOption('Europe/London');
    await page.getByRole('button', { name: 'Create venue and continue' }).click();
    await page.waitForURL(/\/edit\/tiers$/);

    // Tiers
    await step(page, 'Price tiers', 'organiser-wizard-3-tiers-empty');
    for (const [name, price] of [
      ['Stalls', '45.00'],
      ['Circle', '30.00'],
      ['Standing', '20.00'],
    ] as const) {
      await page.getByLabel('Tier name').fill(name);
      await page.getByLabel('Price', { exact: true }).fill(price);
      await page.getByRole('button', { name: 'Add tier' }).click();
      await page.locator('.tier-list li', { hasText: name }).waitFor();
    }
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-wizard-3-tiers');
    await page.getByRole('button', { name: 'Continue to the seat map' }).click();
    await page.waitForURL(/\/edit\/seat-map$/);

    // Seat map: two seated blocks (one with removed seats and two tiers), standing, a stage.
    await step(page, 'Seat map', 'organiser-wizard-4-seat-map-empty');
    const panel = page.getByRole('complementary');
    await page.getByRole('button', { name: '+ Seated block' }).click();
    await setField(page, 'Name', 'Stalls');
    await setField(page, 'Rows', '4');
    await setField(page, 'Seats per row', '8');
    await panel.getByLabel('Tier', { exact: true }).selectOption({ label: 'Stalls' });
    await panel.getByRole('button', { name: 'Assign tier' }).click();

    await page.getByRole('button', { name: '+ Seated block' }).click();
    await setField(page, 'Name', 'Circle');
    await setField(page, 'Rows', '3');
    await setField(page, 'Seats per row', '6');
    await panel.getByLabel('Tier', { exact: true }).selectOption({ label: 'Circle' });
    await panel.getByRole('button', { name: 'Assign tier' }).click();

    // A marquee over the front corner of the stalls gives those seats the circle's tier.
    const stalls = page.locator('[data-block-id="block-1"] polygon');
    const box = await stalls.boundingBox();
    if (!box) throw new Error('the stalls block is not drawn');
    await page.mouse.move(box.x - 8, box.y - 8);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.4, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.45, { steps: 5 });
    await page.mouse.up();
    await panel.getByRole('heading', { name: /seats selected/ }).waitFor();
    await panel.getByLabel('Tier', { exact: true }).selectOption({ label: 'Circle' });
    await panel.getByRole('button', { name: 'Assign tier' }).click();

    // Two seats at the back of the stalls are removed.
    await panel.getByRole('button', { name: /^Stalls/ }).click();
    await panel.getByLabel('Select seats by label').fill('D7-D8');
    await panel.getByRole('button', { name: 'Select', exact: true }).click();
    await panel.getByRole('heading', { name: '2 seats selected' }).waitFor();
    await panel.getByRole('button', { name: 'Remove seats' }).click();
    await page.getByText('48 seats · 0 standing').waitFor();

    await page.getByRole('button', { name: '+ Standing area' }).click();
    await setField(page, 'Capacity', '200');
    await panel.getByLabel('Tier', { exact: true }).selectOption({ label: 'Standing' });
    await panel.getByRole('button', { name: 'Assign tier' }).click();
    await page.getByRole('button', { name: '+ Stage or other area' }).click();
    await page.getByText('48 seats · 200 standing').waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-wizard-4-seat-map');

    // Undo and redo go through the same log the buttons use.
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('[data-block-id]').count()).toBe(3);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.locator('[data-block-id]').count()).toBe(4);

    // A clash is caught before saving, the block named and outlined; undo clears it.
    await panel.getByRole('button', { name: /^Circle/ }).click();
    await setField(page, 'Code (starts every seat id)', 'block-1');
    await page.getByRole('button', { name: 'Save seat map' }).click();
    const problems = page.getByRole('region', { name: 'Fix these before saving' });
    await problems.getByText(/The id “block-1” is used twice/).waitFor();
    await page.locator('.outline--problem').first().waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-wizard-4-seat-map-problem');
    await page.getByRole('button', { name: 'Undo' }).click();
    await problems.waitFor({ state: 'detached' });

    // Leaving through a step link with unsaved edits asks first; saying no stays.
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.dismiss();
      }),
    );
    await page.getByRole('link', { name: /Sessions$/ }).click();
    expect(await asked).toContain('unsaved changes');
    expect(page.url()).toMatch(/\/edit\/seat-map$/);

    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL(/\/edit\/sessions$/);

    // Sessions: two evenings.
    await step(page, 'Sessions', 'organiser-wizard-5-sessions-empty');
    await page.getByRole('button', { name: 'Add session' }).click();
    await page.locator('.session-list li').first().waitFor();
    const day = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Starts').fill(`${day}T19:30`);
    await page.getByLabel('Ends').fill(`${day}T22:30`);
    await page.getByLabel('Sales close').fill(`${day}T19:00`);
    await page.getByRole('button', { name: 'Add session' }).click();
    await expect.poll(() => page.locator('.session-list li').count()).toBe(2);
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-wizard-5-sessions');
    await page.getByRole('button', { name: 'Continue to discount codes' }).click();

    // A discount code
    await step(page, 'Discount codes', 'organiser-wizard-6-discounts-empty');
    await page.getByLabel('Code', { exact: true }).fill('EARLYBIRD');
    await page.getByLabel('Percentage off').fill('15');
    await page.getByLabel('Uses in all (optional)').fill('100');
    await page.getByLabel('Public: may be shown on the event page').check();
    await page.getByRole('button', { name: 'Add discount code' }).click();
    await page.locator('.session-list li', { hasText: 'EARLYBIRD' }).waitFor();
    await keepScreenshot(page, 'organiser-wizard-6-discounts');
    await page.getByRole('button', { name: 'Continue to review' }).click();

    // Review and publish
    await step(page, 'Review and publish', 'organiser-wizard-7-review');
    await page.getByText('Everything is in place.').waitFor();
    await page.getByRole('button', { name: 'Publish event' }).click();
    await page
      .getByRole('dialog', { name: 'Publish this event?' })
      .getByRole('button', { name: 'Publish' })
      .click();
    await page.waitForURL(new RegExp(`/manage/events/${eventId}$`));
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await expect.poll(() => page.getByRole('row').count()).toBe(3);
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-event-page');

    // The public catalogue is fed through CDC: poll until it has the event and its map.
    const detail = await eventually('the event in the catalogue', async () => {
      const response = await fetch(`${ORIGIN}/api/catalog/events/${eventId}`);
      if (!response.ok) return undefined;
      const body = (await response.json()) as { title: string; sessions: { session_id: string }[] };
      return body.sessions.length === 2 ? body : undefined;
    });
    expect(detail.title).toBe(title);
    const session = detail.sessions[0]?.session_id ?? '';
    const map = await eventually('the seat map in the catalogue', async () => {
      const response = await fetch(`${ORIGIN}/api/catalog/sessions/${session}/seat-map`);
      return response.ok
        ? ((await response.json()) as {
            layout: { blocks: { type: string; seats?: unknown[] }[] };
            tiers: unknown[];
          })
        : undefined;
    });
    expect(map.layout.blocks.map((block) => block.type)).toEqual([
      'seated_grid',
      'seated_grid',
      'standing',
      'non_sellable',
    ]);
    expect(map.layout.blocks[0]?.seats).toHaveLength(30);
    expect(map.layout.blocks[1]?.seats).toHaveLength(18);
    expect(map.tiers).toHaveLength(3);
  }, 240_000); // the whole wizard and a CDC round trip, on a loaded 2-core machine

  it('refuses to publish an incomplete event, lists what is missing, and one link fixes its part', async () => {
    const { page } = await openPage('incomplete event');
    await signInToOwnOrganisation(page, 'Half Done Theatre');
    await page.goto('/manage/events/new');
    await page.getByText(/^The event will belong to Half Done Theatre/).waitFor();
    await page.getByLabel('Title').fill('Half-finished Revue');
    await page.getByRole('button', { name: 'Create draft and continue' }).click();
    await page.waitForURL(/\/edit\/venue$/);

    // The API's 422 lands on the field its pointer names.
    await page.getByLabel('Venue name').fill('Nowhere Hall');
    await page.getByLabel('Address').fill('1 Edge Road');
    await page.getByLabel('City').fill('Leeds');
    await page.getByLabel('Country code').fill('GB');
    await page.getByLabel('Latitude').fill('200');
    await page.getByLabel('Longitude').fill('-1.5');
    await page.getByRole('button', { name: 'Create venue and continue' }).click();
    await page.getByText('latitude must be between -90 and 90').waitFor();
    expect(await page.getByLabel('Latitude').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-venue-field-error');

    await page.getByRole('link', { name: /Review and publish/ }).click();
    await page.getByRole('heading', { name: 'Before you can publish' }).waitFor();
    await page.getByRole('button', { name: 'Publish event' }).click();
    await page
      .getByRole('dialog', { name: 'Publish this event?' })
      .getByRole('button', { name: 'Publish' })
      .click();

    const missing = page.getByRole('region', { name: 'Publishing needs a few more things' });
    await missing.waitFor();
    for (const item of [
      'A category',
      'At least one price tier',
      'A seat map with something to sell',
      'At least one session',
    ])
      await missing.getByRole('link', { name: item }).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-publish-refused');

    await missing.getByRole('link', { name: 'A category' }).click();
    await page.waitForURL(/\/edit\/details$/);
    await page.getByLabel('Category').selectOption('theatre');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL(/\/edit\/venue$/);
    await page.getByRole('link', { name: /Review and publish/ }).click();
    const left = page.getByRole('region', { name: 'Before you can publish' });
    await left.getByRole('link', { name: 'At least one price tier' }).waitFor();
    expect(await left.getByRole('link', { name: 'A category' }).count()).toBe(0);
    await keepScreenshot(page, 'organiser-publish-one-fixed');
  }, 120_000);
});
