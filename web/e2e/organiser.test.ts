import { afterAll, describe, expect, it } from 'vitest';
import { createOrganisation } from './api.ts';
import {
  closeBrowser,
  expectAccessible,
  ISSUER,
  keepScreenshot,
  ORIGIN,
  openPage,
  signIn,
} from './browser.ts';

const DEMO_ORGANISATION = 'Boxoffice Demo Productions';

afterAll(closeBrowser);

describe('the organiser app', () => {
  for (const viewport of ['desktop', 'phone'] as const) {
    it(`signs the organiser in and shows their organisations, with a switcher (${viewport})`, async () => {
      const own = await createOrganisation('Browser Test Theatre', ['organiser@boxoffice.test']);
      const { page } = await openPage('organiser home', viewport);
      await page.goto('/manage/');
      await page.getByRole('heading', { name: 'Sign in to continue' }).waitFor();
      await expectAccessible(page);
      await keepScreenshot(page, `organiser-signed-out-${viewport}`);

      await signIn(page, 'organiser@boxoffice.test');
      await page.getByRole('heading', { name: 'Your organisations' }).waitFor();
      await page.getByRole('heading', { name: DEMO_ORGANISATION, exact: true }).waitFor();
      await page.getByRole('heading', { name: own.name, exact: true }).waitFor();

      await page.getByLabel('Organisation', { exact: true }).selectOption({ label: own.name });
      await page.getByRole('heading', { name: `People in ${own.name}` }).waitFor();
      await page.getByRole('cell', { name: 'organiser@boxoffice.test' }).waitFor();
      await expectAccessible(page);
      await keepScreenshot(page, `organiser-home-${viewport}`);
    });
  }

  it('sends the user to sign in again on a 401 and brings them back', async () => {
    const { page } = await openPage('organiser 401');
    await page.goto('/manage/');
    await signIn(page, 'organiser@boxoffice.test');
    await page.getByRole('heading', { name: DEMO_ORGANISATION, exact: true }).waitFor();
    let refused = 0;
    await page.route('**/api/manage/organisations?*', async (route) => {
      // Only the first page of the list is counted: a member of many organisations reads more.
      if (new URL(route.request().url()).searchParams.get('page') !== '1') return route.continue();
      if (refused++ > 0) return route.continue();
      await route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'unauthorized', message: 'the token has expired' } }),
      });
    });
    const authorisations: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${ISSUER}/auth`)) authorisations.push(request.url());
    });
    await page.reload();
    // The provider still has a session, so it sends the browser straight back to the page.
    await page.waitForURL((url) => url.origin === ORIGIN && /^\/manage\/?$/.test(url.pathname));
    await page.getByRole('heading', { name: DEMO_ORGANISATION, exact: true }).waitFor();
    expect(refused).toBe(2);
    expect(authorisations.length).toBeGreaterThan(0);
  });

  it('tells someone without the organiser role which role the page needs', async () => {
    const { page } = await openPage('organiser forbidden');
    await page.goto('/manage/');
    await signIn(page, 'attendee@boxoffice.test');
    await page
      .getByRole('heading', { name: 'You need the organiser or administrator role for this page' })
      .waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-forbidden');
  });
});
