import { describe, expect, it } from 'vitest';
import { appLinksFor, describeRoles, hasAnyRole, identityOf, safeReturnPath } from '../src/index.ts';

const base64url = (value: unknown) =>
  Buffer.from(JSON.stringify(value))
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const jwt = (claims: unknown) => `${base64url({ alg: 'RS256' })}.${base64url(claims)}.signature`;

describe('identity from the access token', () => {
  it('reads Keycloak-shaped roles and ignores unknown ones', () => {
    const identity = identityOf(
      jwt({
        sub: 's1',
        name: 'Olive Organiser',
        email: 'o@x.test',
        realm_access: { roles: ['organiser', 'offline'] },
      }),
    );
    expect(identity).toEqual({
      subject: 's1',
      name: 'Olive Organiser',
      email: 'o@x.test',
      roles: ['organiser'],
    });
    expect(hasAnyRole(identity, ['organiser', 'admin'])).toBe(true);
    expect(hasAnyRole(identity, ['staff'])).toBe(false);
    expect(identityOf(jwt({ sub: 's2', email: 'é@x.test' })).roles).toEqual([]);
  });

  it('offers each person only the apps their roles allow', () => {
    const labels = (roles: ('attendee' | 'staff' | 'organiser' | 'admin')[]) =>
      appLinksFor({ roles }).map((l) => l.app);
    expect(labels(['attendee'])).toEqual(['attendee']);
    expect(labels(['staff'])).toEqual(['attendee', 'check-in']);
    expect(labels(['organiser'])).toEqual(['attendee', 'organiser', 'check-in']);
    expect(appLinksFor(undefined).map((l) => l.app)).toEqual(['attendee']);
    expect(describeRoles(['organiser', 'admin'])).toBe('organiser or administrator');
  });

  it('only returns to paths inside the app after signing in', () => {
    expect(safeReturnPath('/manage/events/1?x=1', '/manage/')).toBe('/manage/events/1?x=1');
    expect(safeReturnPath('https://evil.test/', '/manage/')).toBe('/manage/');
    expect(safeReturnPath('//evil.test/manage/', '/')).toBe('/');
    expect(safeReturnPath('/manage/callback?code=1', '/manage/')).toBe('/manage/');
    expect(safeReturnPath(undefined, '/check-in/')).toBe('/check-in/');
  });
});
