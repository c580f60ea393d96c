// Who the signed-in person is, as the access token says: roles at `realm_access.roles` (the
// shape Keycloak issues and the services read), plus name and email for the header.

export const ROLES = ['attendee', 'staff', 'organiser', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  attendee: 'attendee',
  staff: 'staff',
  organiser: 'organiser',
  admin: 'administrator',
};

export interface Identity {
  subject: string;
  name: string;
  email: string | undefined;
  roles: Role[];
}

/** The claims of a JWT, without checking its signature (the services do that). */
export function decodeJwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT: it has no payload');
  const base64 = payload
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(payload.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (typeof claims !== 'object' || claims === null) throw new Error('the JWT payload is not an object');
  return claims as Record<string, unknown>;
}

/** The known roles in `realm_access.roles`; unknown ones are ignored. */
export function rolesOf(claims: Record<string, unknown>): Role[] {
  const realm = claims.realm_access;
  const listed =
    typeof realm === 'object' && realm !== null ? (realm as { roles?: unknown }).roles : undefined;
  if (!Array.isArray(listed)) return [];
  return ROLES.filter((role) => listed.includes(role));
}

export function identityOf(accessToken: string): Identity {
  const claims = decodeJwtClaims(accessToken);
  const text = (name: string) => (typeof claims[name] === 'string' ? (claims[name] as string) : undefined);
  return {
    subject: text('sub') ?? '',
    name: text('name') ?? text('preferred_username') ?? text('email') ?? 'Signed in',
    email: text('email'),
    roles: rolesOf(claims),
  };
}

export function hasAnyRole(identity: Pick<Identity, 'roles'> | undefined, anyOf: readonly Role[]): boolean {
  return !!identity && anyOf.some((role) => identity.roles.includes(role));
}

/** "organiser or administrator", for pages that say which role they need. */
export function describeRoles(anyOf: readonly Role[]): string {
  const labels = anyOf.map((role) => ROLE_LABELS[role]);
  if (labels.length <= 1) return labels[0] ?? '';
  return `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}`;
}
