// Test data through the public API with the service client's token, as devstack/seed_demo.py
// does: each test makes its own organisation so tests never share rows.
import { randomUUID } from 'node:crypto';
import { ISSUER, ORIGIN } from './browser.ts';

let token: string | undefined;

async function serviceToken(): Promise<string> {
  if (token) return token;
  const response = await fetch(`${ISSUER}/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from('boxoffice-services:boxoffice-services-secret').toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  if (!response.ok) throw new Error(`service token: ${ISSUER}/token answered ${response.status}`);
  token = ((await response.json()) as { access_token: string }).access_token;
  return token;
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${ORIGIN}${path}`, {
    method,
    headers: { Authorization: `Bearer ${await serviceToken()}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A new organisation with a unique name, with `members` added as organisers. */
export async function createOrganisation(
  label: string,
  members: string[] = [],
): Promise<{ id: string; name: string }> {
  const name = `${label} ${randomUUID().slice(0, 8)}`;
  const { organisation_id } = await call<{ organisation_id: string }>('POST', '/api/manage/organisations', {
    name,
  });
  for (const email of members) {
    await call('POST', `/api/manage/organisations/${organisation_id}/members`, { email, role: 'organiser' });
  }
  return { id: organisation_id, name };
}
