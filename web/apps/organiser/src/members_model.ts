// What the members screen decides without React: who "you" are in the list, whether you may
// change it, which changes would leave the organisation without an organiser, and the words
// that tell a person what a change takes away.
import type { ApiError, Manage } from '@boxoffice/api';
import type { Identity } from '@boxoffice/auth';

export type Member = Manage.components['schemas']['Member'];
export type MemberRole = Manage.components['schemas']['MemberRole'];

export const ROLE_WORDS: Record<MemberRole, string> = { organiser: 'Organiser', staff: 'Staff' };

/** What each role may do, as the services enforce it (command-service and order-service access). */
export const ROLE_DESCRIPTIONS: Record<MemberRole, string> = {
  organiser:
    'creates and changes events, puts sessions on sale, sees sales, refunds orders and manages members',
  staff: 'sees the events and checks tickets in at the gates, but cannot change anything',
};

type Who = Pick<Identity, 'subject' | 'email' | 'roles'> | undefined;

/** Members are added by email and the subject is recorded once known; the API matches either. */
export function isYou(member: Member, identity: Who): boolean {
  if (!identity) return false;
  if (member.user_subject && member.user_subject === identity.subject) return true;
  return !!identity.email && member.email.toLowerCase() === identity.email.toLowerCase();
}

export type Standing = 'admin' | MemberRole | 'none';

/** How the signed-in person stands in this organisation, as command-service decides it. */
export function standingOf(members: readonly Member[], identity: Who): Standing {
  if (identity?.roles.includes('admin')) return 'admin';
  const own = members.filter((member) => isYou(member, identity));
  if (own.length === 0) return 'none';
  // The API takes the strongest of the rows that match (by subject or by email).
  return own.some((member) => member.role === 'organiser') ? 'organiser' : 'staff';
}

export function canManage(standing: Standing): boolean {
  return standing === 'admin' || standing === 'organiser';
}

/** Organisers first, then by email: the order the API lists them in. */
export function sortMembers(members: readonly Member[]): Member[] {
  return [...members].sort(
    (a, b) =>
      Number(a.role !== 'organiser') - Number(b.role !== 'organiser') || a.email.localeCompare(b.email),
  );
}

export type MemberChange = { kind: 'role'; role: MemberRole } | { kind: 'remove' };

/** True when the change would leave no organiser, which the API refuses (`last_organiser`). */
export function leavesNoOrganiser(members: readonly Member[], email: string, change: MemberChange): boolean {
  if (change.kind === 'role' && change.role === 'organiser') return false;
  const target = email.toLowerCase();
  return members.every((member) => member.role !== 'organiser' || member.email.toLowerCase() === target);
}

/** Whether a change takes something away, and so is confirmed first. */
export function needsConfirmation(member: Member, change: MemberChange): boolean {
  return change.kind === 'remove' || (change.role === 'staff' && member.role === 'organiser');
}

/** What the person loses with the change, in full sentences for the confirmation dialog. */
export function consequences(
  member: Member,
  change: MemberChange,
  { you, organisation }: { you: boolean; organisation: string },
): string[] {
  const subject = you ? 'You' : member.email;
  const object = you ? 'you' : 'them';
  if (change.kind === 'role') {
    if (change.role === 'organiser') {
      return [`${subject} will be able to do everything an organiser does: ${ROLE_DESCRIPTIONS.organiser}.`];
    }
    return [
      `${subject} will no longer be able to create or change events of ${organisation}, put sessions on sale or close them, see sales, refund orders, or add, change and remove members.`,
      `${subject} will still see its events and can check tickets in at the gates.`,
      you
        ? 'Only another organiser can make you an organiser again.'
        : 'An organiser can make them an organiser again at any time.',
    ];
  }
  const lines = [
    `${subject} will lose all access to ${organisation}: its events, its sales and checking tickets in at its gates.`,
  ];
  if (member.role === 'organiser')
    lines.push(`${subject} will no longer be able to manage its events or members.`);
  lines.push(
    you
      ? 'Only an organiser of it can add you again.'
      : `An organiser can add ${object} again later by their email address.`,
  );
  return lines;
}

/** The explanation shown when a change would leave the organisation without an organiser. */
export function lastOrganiserExplanation(
  member: Member,
  change: MemberChange,
  { you, organisation }: { you: boolean; organisation: string },
): string[] {
  const who = you ? 'You are' : `${member.email} is`;
  const what = change.kind === 'remove' ? (you ? 'leave' : 'be removed') : 'stop being an organiser';
  return [
    `${who} the only organiser of ${organisation}, so ${you ? 'you' : 'they'} cannot ${what}.`,
    'Every organisation needs at least one organiser: without one, nobody could change its events or add people to it again.',
    'Make someone else an organiser first, then try again.',
  ];
}

/** Words for a refused member change that the screen shows as it is (not a field error). */
export function changeErrorMessage(error: Pick<ApiError, 'status' | 'code' | 'message'>): string {
  if (error.status === 403) return 'Only organisers of this organisation can change its members.';
  if (error.status === 404) return 'That person is no longer a member; the list has been refreshed.';
  if (error.status === 0) return error.message;
  return error.message.charAt(0).toUpperCase() + error.message.slice(1);
}
