import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  ARTEFACTS,
  closeBrowser,
  expectAccessible,
  keepScreenshot,
  ORIGIN,
  openPage,
  signIn,
  VIEWPORTS,
} from './browser.ts';
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

  it('says so when the ticket list cannot be downloaded', async () => {
    const event = await gateEvent('setup-offline');
    const { page, context } = await openPage('check-in-setup-offline', 'desktop');
    await page.goto('/check-in/');
    await page.getByRole('heading', { name: 'Sign in to continue' }).waitFor();
    await signIn(page, 'staff@boxoffice.test');
    await page.getByRole('heading', { name: 'Set up this gate' }).waitFor();
    await page.getByLabel('Event', { exact: true }).selectOption({ label: event.title });
    const session = page.getByLabel('Session', { exact: true });
    await until('the session to be chosen', async () => ((await session.inputValue()) ? true : undefined));
    await page.getByLabel('Gate', { exact: true }).fill('Stage door');
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Start scanning' }).click();
    await page.getByRole('alert').filter({ hasText: 'the phone is offline' }).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'check-in-setup-offline-desktop');
    // Back online, the same form starts the gate.
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Start scanning' }).click();
    await page.getByLabel('Ticket code').waitFor();
  });

  it('is installable and reloads from its cache while offline', async () => {
    const event = await gateEvent('install');
    // Chromium never offers to install from an incognito context, which every shared test
    // context is: this test has a browser profile of its own.
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'check-in-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      viewport: VIEWPORTS.desktop,
      baseURL: ORIGIN,
    });
    onTestFinished(async ({ task }) => {
      if (task.result?.state === 'fail') {
        fs.mkdirSync(path.join(ARTEFACTS, 'failures'), { recursive: true });
        await context
          .pages()[0]
          ?.screenshot({ path: path.join(ARTEFACTS, 'failures', 'check-in-install-desktop.png') })
          .catch(() => undefined);
      }
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    });
    const page = context.pages()[0] ?? (await context.newPage());
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
    expect(installabilityErrors.map((error) => error.errorId)).toEqual([]);
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
