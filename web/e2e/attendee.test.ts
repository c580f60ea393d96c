import { afterAll, describe, expect, it } from 'vitest';
import { closeBrowser, expectAccessible, ISSUER, keepScreenshot, openPage, signIn } from './browser.ts';

const DEMO_EVENT = 'The Midnight Orchestra — Live';

afterAll(closeBrowser);

describe('the attendee app', () => {
  for (const viewport of ['desktop', 'phone'] as const) {
    it(`lists and searches the catalogue (${viewport})`, async () => {
      const { page } = await openPage('catalogue', viewport);
      await page.goto('/');
      // Other suites add events too, so the unfiltered page only has to list some.
      await page.locator('.event-card').first().waitFor();
      await page.getByLabel('Search events').fill('orchestra');
      await page.waitForURL(/\?q=orchestra/);
      await page
        .getByRole('region', { name: 'Search results' })
        .getByRole('link', { name: DEMO_EVENT })
        .waitFor();
      await expectAccessible(page);
      await keepScreenshot(page, `attendee-catalogue-${viewport}`);

      await page.getByLabel('Search events').fill('no-such-event-anywhere');
      await page.getByRole('heading', { name: /No events match/ }).waitFor();
      await expectAccessible(page);
      await keepScreenshot(page, `attendee-catalogue-empty-${viewport}`);
    });
  }

  it('shows loading, then an error with a retry when the catalogue cannot be reached', async () => {
    const { page } = await openPage('catalogue states');
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let fail = false;
    await page.route('**/api/catalog/events?*', async (route) => {
      await held;
      if (fail) await route.abort('connectionrefused');
      else await route.continue();
    });
    fail = true;
    await page.goto('/');
    await page.locator('[aria-busy="true"]').waitFor();
    await keepScreenshot(page, 'attendee-catalogue-loading');
    release();
    await page.getByRole('heading', { name: "Can't reach Boxoffice" }).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-catalogue-error');
    fail = false;
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.event-card').first().waitFor();
  });

  it('signs an attendee in through the login page; they see the demo event and its page', async () => {
    const { page } = await openPage('attendee sign-in');
    await page.goto('/?q=orchestra');
    await signIn(page, 'attendee@boxoffice.test');
    expect(new URL(page.url()).search).toBe('?q=orchestra'); // back where they were
    await page.getByText('Alex Attendee').waitFor();
    await page
      .getByRole('region', { name: 'Search results' })
      .getByRole('link', { name: DEMO_EVENT })
      .click();
    await page.getByRole('heading', { level: 1, name: DEMO_EVENT }).waitFor();
    await page.getByRole('heading', { name: 'Prices' }).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'attendee-event-page');
  });

  it('sign-out ends the session, at the provider too', async () => {
    const { page } = await openPage('sign-out');
    await page.goto('/');
    await signIn(page, 'attendee@boxoffice.test');
    await page.getByText('Alex Attendee').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.origin === ISSUER);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL((url) => url.origin !== ISSUER);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByText('Alex Attendee').count()).toBe(0);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByText('Alex Attendee').count()).toBe(0);
    // Signing in again must ask for the password: the provider's session is gone as well.
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.origin === ISSUER && url.pathname.includes('/interaction/'));
    await page.getByLabel('Password').waitFor();
  });
});
