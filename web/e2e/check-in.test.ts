import { afterAll, describe, it } from 'vitest';
import { closeBrowser, expectAccessible, keepScreenshot, openPage, signIn } from './browser.ts';

afterAll(closeBrowser);

describe('the check-in app', () => {
  it('signs staff in with the check-in client and shows the gate', async () => {
    const { page } = await openPage('check-in', 'phone');
    await page.goto('/check-in/');
    await page.getByRole('heading', { name: 'Sign in to continue' }).waitFor();
    await expectAccessible(page);
    await signIn(page, 'staff@boxoffice.test');
    await page.getByRole('heading', { name: 'Gate' }).waitFor();
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
});
