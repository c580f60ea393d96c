// Role-aware navigation between the three apps: everybody finds events; organisers and
// administrators also get the organiser app; staff (and organisers, who run their own gates)
// the check-in app.
import type { Identity, Role } from './roles.ts';

export type AppId = 'attendee' | 'organiser' | 'check-in';

export interface AppLink {
  app: AppId;
  href: string;
  label: string;
  /** Who sees the link; undefined means everybody, signed in or not. */
  roles?: readonly Role[];
}

export const APP_LINKS: readonly AppLink[] = [
  { app: 'attendee', href: '/', label: 'Events' },
  { app: 'organiser', href: '/manage/', label: 'Manage events', roles: ['organiser', 'admin'] },
  { app: 'check-in', href: '/check-in/', label: 'Check-in', roles: ['staff', 'organiser', 'admin'] },
];

/** The apps this person may use, in header order. */
export function appLinksFor(identity: Pick<Identity, 'roles'> | undefined): AppLink[] {
  return APP_LINKS.filter((link) => !link.roles || link.roles.some((role) => identity?.roles.includes(role)));
}
