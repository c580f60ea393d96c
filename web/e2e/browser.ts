// The browser-test harness: Debian's Chromium driven by playwright-core through the stack's
// origin, a fresh context per test, accessibility checks with axe-core, and artefacts (named
// screenshots of key screens; a screenshot and the console log of every failing test).
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect, onTestFinished } from 'vitest';

export const ORIGIN = process.env.BOXOFFICE_ORIGIN ?? 'http://127.0.0.1:8080';
export const ISSUER = process.env.OIDC_ISSUER ?? 'http://127.0.0.1:9400';
export const ARTEFACTS = path.resolve(
  process.env.WEB_ARTEFACTS ?? path.join(import.meta.dirname, '../../.stack/artefacts/web'),
);
export const PASSWORD = 'boxoffice';

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;
export type Viewport = keyof typeof VIEWPORTS;

let browser: Browser | undefined;

export async function launchBrowser(): Promise<Browser> {
  browser ??= await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export interface TestPage {
  page: Page;
  context: BrowserContext;
}

/**
 * A page in its own browser context (its own cookies and storage, so its own session). When the
 * test fails, its screenshot and console log are saved under ARTEFACTS/failures; the context
 * closes when the test ends.
 */
export async function openPage(name: string, viewport: Viewport = 'desktop'): Promise<TestPage> {
  const context = await (await launchBrowser()).newContext({
    viewport: VIEWPORTS[viewport],
    baseURL: ORIGIN,
  });
  const page = await context.newPage();
  const consoleLog: string[] = [];
  page.on('console', (message) => consoleLog.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLog.push(`[pageerror] ${error.stack ?? error.message}`));
  page.on('requestfailed', (request) =>
    consoleLog.push(
      `[requestfailed] ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`,
    ),
  );
  // After the test, whatever it did: a failed one leaves its screen and console log behind.
  onTestFinished(async ({ task }) => {
    if (task.result?.state === 'fail') await saveFailure(page, name, viewport, consoleLog);
    // A route handler still fetching when the context closes would reject after the test.
    await context.unrouteAll({ behavior: 'ignoreErrors' });
    for (const open of context.pages()) await open.unrouteAll({ behavior: 'ignoreErrors' });
    await context.close();
  });
  return { page, context };
}

async function saveFailure(
  page: Page,
  name: string,
  viewport: Viewport,
  consoleLog: string[],
): Promise<void> {
  {
    const dir = path.join(ARTEFACTS, 'failures');
    fs.mkdirSync(dir, { recursive: true });
    const base = path.join(dir, `${slug(name)}-${viewport}`);
    await page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => undefined);
    fs.writeFileSync(`${base}.console.log`, `${page.url()}\n${consoleLog.join('\n')}\n`);
    console.error(`failure artefacts: ${base}.png, ${base}.console.log`);
  }
}

/** Keeps a named screenshot of a key screen. */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTEFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTEFACTS, `${slug(name)}.png`), fullPage: true });
}

/** Fails on serious or critical accessibility violations of the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const blocking = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  expect(blocking, `axe-core violations on ${page.url()}`).toEqual([]);
}

/** Signs in through the provider's real login page, starting from the app's Sign in button. */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign in', exact: true }).first().click();
  await page.waitForURL((url) => url.origin === ISSUER && url.pathname.includes('/interaction/'));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.origin === ORIGIN && !url.pathname.endsWith('/callback'));
}
