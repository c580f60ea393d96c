import { describe, expect, it } from 'vitest';
import type { paths } from '../src/generated/manage.ts';
import { ApiError, createClient, expandPath, queryString } from '../src/index.ts';

interface Recorded {
  url: string;
  init: RequestInit;
}

function fakeFetch(answer: () => Response) {
  const calls: Recorded[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return answer();
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** The ApiError a call rejects with (fails the test if it resolves). */
async function rejection(call: Promise<unknown>): Promise<ApiError> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(outcome)}`);
  return outcome;
}

describe('the API client', () => {
  it('fills path parameters, encodes the query and sends the bearer token', async () => {
    const { calls, fetch } = fakeFetch(() => json(200, { organisation_id: 'o/1', name: 'X', members: [] }));
    const client = createClient<paths>({ fetch, accessToken: () => 'token-1' });
    const organisation = await client.get('/api/manage/organisations/{id}', { path: { id: 'o/1' } });
    expect(organisation.name).toBe('X');
    expect(calls[0]?.url).toBe('/api/manage/organisations/o%2F1');
    expect(new Headers(calls[0]?.init.headers).get('Authorization')).toBe('Bearer token-1');
  });

  it('sends JSON bodies and leaves out empty query values', async () => {
    const { calls, fetch } = fakeFetch(() => json(201, { organisation_id: 'o1' }));
    const client = createClient<paths>({ fetch, baseUrl: 'http://origin' });
    await client.post('/api/manage/organisations', { body: { name: 'Harbour' } });
    expect(calls[0]?.url).toBe('http://origin/api/manage/organisations');
    expect(calls[0]?.init.method).toBe('POST');
    expect(calls[0]?.init.body).toBe('{"name":"Harbour"}');
    expect(new Headers(calls[0]?.init.headers).get('Authorization')).toBeNull();
    expect(queryString({ q: '', page: 2, tags: ['a', 'b'], gone: undefined })).toBe('?page=2&tags=a&tags=b');
    expect(() => expandPath('/x/{id}', {})).toThrow(/missing path parameter "id"/);
  });

  it('turns an error answer into an ApiError carrying the field pointer', async () => {
    const { fetch } = fakeFetch(() =>
      json(422, { error: { code: 'invalid_field', message: 'a name is required', field: '/name' } }),
    );
    const client = createClient<paths>({ fetch });
    const error = await client
      .post('/api/manage/organisations', { body: { name: '' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect((error as ApiError).field).toBe('/name');
    expect((error as ApiError).message).toBe('a name is required');
  });

  it('reports a 401 to onUnauthorized and a non-JSON failure by its status', async () => {
    let unauthorised = 0;
    const first = fakeFetch(() => json(401, { error: { code: 'unauthorized', message: 'sign in' } }));
    const client = createClient<paths>({ fetch: first.fetch, onUnauthorized: () => unauthorised++ });
    await expect(client.get('/api/manage/organisations')).rejects.toMatchObject({ status: 401 });
    expect(unauthorised).toBe(1);

    const second = fakeFetch(() => new Response('<html>bad gateway</html>', { status: 502 }));
    const error = await rejection(
      createClient<paths>({ fetch: second.fetch }).get('/api/manage/organisations'),
    );
    expect(error.status).toBe(502);
    expect(error.code).toBe('http_502');
  });

  it('marks a request that never got an answer as a network error', async () => {
    const fetch = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    const error = await rejection(createClient<paths>({ fetch }).get('/api/manage/organisations'));
    expect(error.isNetwork).toBe(true);
    expect(error.status).toBe(0);
  });
});
