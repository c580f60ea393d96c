// Managing an organisation's members: an organiser adds someone as staff, promotes and demotes
// them, is told in words why the last organiser cannot step down (both when the screen knows it
// and when the API refuses a change made meanwhile), and removes them; staff see the list only.
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { call, createOrganisation } from './api.ts';
import {
  closeBrowser,
  expectAccessible,
  keepScreenshot,
  openPage,
  signIn,
  type Viewport,
} from './browser.ts';

const ORGANISER = 'organiser@boxoffice.test';
const STAFF = 'staff@boxoffice.test';

interface Detail {
  members: { email: string; role: 'organiser' | 'staff' }[];
}

afterAll(closeBrowser);

const membersPath = (id: string, email?: string) =>
  `/api/manage/organisations/${id}/members${email ? `/${encodeURIComponent(email)}` : ''}`;

/** An organisation whose only organiser is organiser@ (the service client that made it leaves). */
async function organisationRunBy(label: string, others: Detail['members'] = []) {
  const organisation = await createOrganisation(label, [ORGANISER]);
  const detail = await call<Detail>('GET', `/api/manage/organisations/${organisation.id}`);
  for (const member of detail.members) {
    if (member.email !== ORGANISER) await call('DELETE', membersPath(organisation.id, member.email));
  }
  for (const other of others) await call('POST', membersPath(organisation.id), other);
  return organisation;
}

async function members(id: string): Promise<Detail['members']> {
  const detail = await call<Detail>('GET', `/api/manage/organisations/${id}`);
  return detail.members.map(({ email, role }) => ({ email, role }));
}

/** Signs organiser@ in, works in `name` and opens its members page from the navigation. */
async function openMembers(label: string, name: string, viewport: Viewport = 'desktop'): Promise<Page> {
  const { page } = await openPage(label, viewport);
  await page.goto('/manage/');
  await signIn(page, ORGANISER);
  await page.getByRole('heading', { name: 'Your organisations' }).waitFor();
  await page.getByLabel('Organisation', { exact: true }).selectOption({ label: name });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
  await page.getByRole('heading', { name: 'Members', exact: true, level: 1 }).waitFor();
  await page.getByRole('paragraph').filter({ hasText: name }).first().waitFor();
  return page;
}

const toast = (page: Page, text: string) =>
  page.getByRole('region', { name: 'Notifications' }).getByText(text, { exact: true });
const row = (page: Page, email: string) => page.getByRole('row').filter({ hasText: email });

describe('organisation members', () => {
  it('adds, promotes, demotes and removes a member; the last organiser cannot step down', async () => {
    const own = await organisationRunBy('Members Hall');
    const page = await openMembers('organiser members', own.name);
    await row(page, ORGANISER).getByText('Organiser', { exact: true }).waitFor();
    await expectAccessible(page);

    // A bad address is refused on the field the API names.
    const email = page.getByLabel('Email', { exact: true });
    await email.fill('not-an-email');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByText('a valid email address is required').waitFor();
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page);

    await email.fill(STAFF);
    await page.getByLabel('Role', { exact: true }).selectOption('staff');
    await page.getByRole('button', { name: 'Add member' }).click();
    await toast(page, `${STAFF} added as staff`).waitFor();
    await row(page, STAFF).getByText('Staff', { exact: true }).waitFor();
    expect(await members(own.id)).toContainEqual({ email: STAFF, role: 'staff' });

    // Adding them twice says so on the email field.
    await email.fill(STAFF);
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByText(`${STAFF} is already a member of ${own.name}`).waitFor();
    await email.fill('');
    await page.getByText(`${STAFF} is already a member of ${own.name}`).waitFor({ state: 'detached' });

    // Promoting takes nothing away, so it is not confirmed.
    await page.getByRole('button', { name: `Make organiser: ${STAFF}` }).click();
    await toast(page, `${STAFF} is now an organiser`).waitFor();
    await row(page, STAFF).getByText('Organiser', { exact: true }).waitFor();

    // Demoting is confirmed with what they lose.
    await page.getByRole('button', { name: `Make staff: ${STAFF}` }).click();
    const demote = page.getByRole('dialog', { name: `Make ${STAFF} staff?` });
    await demote
      .getByText(`${STAFF} will no longer be able to create or change events of ${own.name}`)
      .waitFor();
    await demote.getByRole('button', { name: 'Make staff' }).click();
    await toast(page, `${STAFF} is now staff`).waitFor();
    await row(page, STAFF).getByText('Staff', { exact: true }).waitFor();
    expect(await members(own.id)).toContainEqual({ email: STAFF, role: 'staff' });

    // The only organiser cannot become staff: the screen says why without asking the API.
    await page.getByRole('button', { name: `Make staff: ${ORGANISER}` }).click();
    const refusal = page.getByRole('dialog', { name: 'You are the only organiser' });
    await refusal.getByText(`You are the only organiser of ${own.name}`).waitFor();
    await refusal.getByText('Make someone else an organiser first, then try again.').waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-members-last-organiser-desktop');
    await refusal.getByRole('button', { name: 'Close' }).click();
    await refusal.waitFor({ state: 'hidden' });

    // Promoted again here, then demoted behind this screen's back: the API's refusal is explained too.
    await page.getByRole('button', { name: `Make organiser: ${STAFF}` }).click();
    await row(page, STAFF).getByText('Organiser', { exact: true }).waitFor();
    await call('PATCH', membersPath(own.id, STAFF), { role: 'staff' });
    await page.getByRole('button', { name: `Make staff: ${ORGANISER}` }).click();
    const self = page.getByRole('dialog', { name: 'Make yourself staff?' });
    await self.getByText('You will no longer be able to create or change events').waitFor();
    await self.getByRole('button', { name: 'Make staff' }).click();
    await refusal.getByText('Every organisation needs at least one organiser').waitFor();
    await refusal.getByRole('button', { name: 'Close' }).click();
    // The list was refreshed with what the API holds now.
    await row(page, STAFF).getByText('Staff', { exact: true }).waitFor();
    await row(page, ORGANISER).getByText('Organiser', { exact: true }).waitFor();
    expect(await members(own.id)).toContainEqual({ email: ORGANISER, role: 'organiser' });

    await page.getByRole('button', { name: `Remove: ${STAFF}` }).click();
    const remove = page.getByRole('dialog', { name: `Remove ${STAFF} from ${own.name}?` });
    await remove.getByText(`${STAFF} will lose all access to ${own.name}`).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-members-remove-desktop');
    await remove.getByRole('button', { name: 'Remove member' }).click();
    await toast(page, `${STAFF} removed from ${own.name}`).waitFor();
    await row(page, STAFF).waitFor({ state: 'detached' });

    expect(await members(own.id)).toEqual([{ email: ORGANISER, role: 'organiser' }]);
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-members-desktop');
  });

  it('fits a phone, and shows staff the list without changes', async () => {
    const run = await organisationRunBy('Members Phone', [{ email: STAFF, role: 'staff' }]);
    // One where organiser@ is only staff, so the API would refuse their changes.
    const watched = await createOrganisation('Members Watch');
    await call('POST', membersPath(watched.id), { email: ORGANISER, role: 'staff' });
    const page = await openMembers('organiser members phone', run.name, 'phone');
    await page.getByRole('button', { name: `Make organiser: ${STAFF}` }).waitFor();
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-members-phone');
    await page.getByRole('button', { name: `Remove: ${STAFF}` }).click();
    const remove = page.getByRole('dialog', { name: `Remove ${STAFF} from ${run.name}?` });
    await remove.getByText('An organiser can add them again later').waitFor();
    await keepScreenshot(page, 'organiser-members-remove-phone');
    await remove.getByRole('button', { name: 'Cancel' }).click();
    await remove.waitFor({ state: 'hidden' });
    expect(await members(run.id)).toContainEqual({ email: STAFF, role: 'staff' });

    // Where organiser@ is staff no change is offered.
    await page.getByLabel('Organisation', { exact: true }).selectOption({ label: watched.name });
    await page
      .getByText(`You are staff in ${watched.name}, so you can see its members but not change them.`)
      .waitFor();
    await row(page, ORGANISER).getByText('Staff', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: /^(Make|Remove|Leave)/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add member' }).count()).toBe(0);
    await expectAccessible(page);
    await keepScreenshot(page, 'organiser-members-read-only-phone');
  });
});
