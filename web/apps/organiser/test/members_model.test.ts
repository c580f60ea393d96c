import { describe, expect, it } from 'vitest';
import {
  canManage,
  changeErrorMessage,
  consequences,
  isYou,
  lastOrganiserExplanation,
  leavesNoOrganiser,
  type Member,
  needsConfirmation,
  sortMembers,
  standingOf,
} from '../src/members_model.ts';

const member = (email: string, role: Member['role'], user_subject: string | null = null): Member => ({
  email,
  role,
  user_subject,
  created_at: '2026-12-01T10:00:00Z',
});

const olive = { subject: 'sub-olive', email: 'Organiser@Boxoffice.test', roles: ['organiser' as const] };
const context = { you: false, organisation: 'Test Theatre' };

describe('who you are in the list', () => {
  it('matches by subject or, case-insensitively, by email', () => {
    expect(isYou(member('other@x.test', 'staff', 'sub-olive'), olive)).toBe(true);
    expect(isYou(member('organiser@boxoffice.test', 'staff'), olive)).toBe(true);
    expect(isYou(member('staff@boxoffice.test', 'staff'), olive)).toBe(false);
    expect(isYou(member('organiser@boxoffice.test', 'staff'), undefined)).toBe(false);
  });

  it('takes the strongest matching row, as the API does, and admins manage every organisation', () => {
    const members = [
      member('organiser@boxoffice.test', 'staff'),
      member('x@y.test', 'organiser', 'sub-olive'),
    ];
    expect(standingOf(members, olive)).toBe('organiser');
    expect(standingOf([member('organiser@boxoffice.test', 'staff')], olive)).toBe('staff');
    expect(standingOf([], olive)).toBe('none');
    expect(standingOf([], { ...olive, roles: ['admin'] })).toBe('admin');
    expect(canManage('organiser')).toBe(true);
    expect(canManage('admin')).toBe(true);
    expect(canManage('staff')).toBe(false);
    expect(canManage('none')).toBe(false);
  });
});

describe('the last organiser', () => {
  const one = [member('a@x.test', 'organiser'), member('b@x.test', 'staff')];
  const two = [member('a@x.test', 'organiser'), member('b@x.test', 'organiser')];

  it('cannot be demoted or removed; anyone else can', () => {
    expect(leavesNoOrganiser(one, 'a@x.test', { kind: 'role', role: 'staff' })).toBe(true);
    expect(leavesNoOrganiser(one, 'A@X.test', { kind: 'remove' })).toBe(true);
    expect(leavesNoOrganiser(one, 'b@x.test', { kind: 'remove' })).toBe(false);
    expect(leavesNoOrganiser(one, 'b@x.test', { kind: 'role', role: 'organiser' })).toBe(false);
    expect(leavesNoOrganiser(two, 'a@x.test', { kind: 'role', role: 'staff' })).toBe(false);
    expect(leavesNoOrganiser(two, 'a@x.test', { kind: 'remove' })).toBe(false);
  });

  it('is explained in words that say what to do', () => {
    const text = lastOrganiserExplanation(
      one[0] as Member,
      { kind: 'role', role: 'staff' },
      {
        you: true,
        organisation: 'Test Theatre',
      },
    ).join(' ');
    expect(text).toContain('You are the only organiser of Test Theatre');
    expect(text).toContain('stop being an organiser');
    expect(text).toContain('Make someone else an organiser first');
  });
});

describe('confirmations', () => {
  const organiser = member('a@x.test', 'organiser');
  const staff = member('b@x.test', 'staff');

  it('are asked for changes that take something away', () => {
    expect(needsConfirmation(organiser, { kind: 'role', role: 'staff' })).toBe(true);
    expect(needsConfirmation(staff, { kind: 'remove' })).toBe(true);
    expect(needsConfirmation(staff, { kind: 'role', role: 'organiser' })).toBe(false);
  });

  it('say what the person loses', () => {
    const demote = consequences(organiser, { kind: 'role', role: 'staff' }, context).join(' ');
    expect(demote).toContain('a@x.test will no longer be able to create or change events of Test Theatre');
    expect(demote).toContain('still see its events');
    const removeStaff = consequences(staff, { kind: 'remove' }, context).join(' ');
    expect(removeStaff).toContain('b@x.test will lose all access to Test Theatre');
    expect(removeStaff).not.toContain('manage its events');
    const leave = consequences(organiser, { kind: 'remove' }, { ...context, you: true }).join(' ');
    expect(leave).toContain('You will lose all access');
    expect(leave).toContain('You will no longer be able to manage its events or members');
  });
});

it('lists organisers first, then by email', () => {
  const sorted = sortMembers([
    member('c@x.test', 'staff'),
    member('b@x.test', 'organiser'),
    member('a@x.test', 'staff'),
  ]);
  expect(sorted.map((m) => m.email)).toEqual(['b@x.test', 'a@x.test', 'c@x.test']);
});

it('puts refusals in words', () => {
  expect(
    changeErrorMessage({ status: 403, code: 'forbidden', message: 'only organisers can manage members' }),
  ).toBe('Only organisers of this organisation can change its members.');
  expect(changeErrorMessage({ status: 409, code: 'x', message: 'something clashed' })).toBe(
    'Something clashed',
  );
});
