import { afterAll, describe, expect, it } from 'vitest';
import { closeBrowser, expectAccessible, keepScreenshot, openPage, signIn } from './browser.ts';
import { gateEvent, openGate, until } from './check-in-fixtures.ts';

afterAll(closeBrowser);

describe('the check-in app', () => {
  it('signs staff in with the check-in client and shows the gate setup', async () => {
    const { page } = await openPage('check-in', 'phone');
    await page.goto('/check-in/');
    await page.getByRole('heading', { name: 'Sign in to continue' }).waitFor();
    await expectAccessible(page);
    await signIn(page, 'staff@boxoffice.test');
    await page.getByRole('heading', { name: 'Set up this gate' }).waitFor();
    await page.getByText('Sam Staff').first().waitFor();
    await page.getByRole('status').filter({ hasText: 'Online' }).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'check-in-gate-phone');
    // The session is kept in localStorage so it survives the installed app closing.
    const stored = await page.evaluate(() =>
      Object.keys(localStorage).some((key) => key.startsWith('oidc.user:')),
    );
    if (!stored) throw new Error('the check-in session is not in localStorage');
  });

  it('is installable and reloads from its cache while offline', async () => {
    const event = await gateEvent('install');
    const { page, context } = await openPage('check-in-install', 'desktop');
    await openGate(page, event, 'Main door');
    await keepScreenshot(page, 'check-in-ready-desktop');
    // The service worker has installed the app shell and controls the page.
    await until('the service worker to control the page', async () =>
      (await page.evaluate(() => !!navigator.serviceWorker.controller)) ? true : undefined,
    );
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    // Test contexts are incognito, where Chromium never offers to install; nothing else may stand in the way.
    expect(installabilityErrors.map((error) => error.errorId).filter((id) => id !== 'in-incognito')).toEqual(
      [],
    );
    const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[] };
    expect(manifest.url).toMatch(/\/check-in\/manifest\.webmanifest$/);
    expect(manifest.errors).toEqual([]);

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    await page.getByLabel('Ticket code').waitFor();
    await page.getByText(event.title).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'check-in-offline-reload-desktop');
  });
});
