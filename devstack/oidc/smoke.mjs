// Smoke test for the local OpenID Provider (no dependencies beyond Node 20).
// Checks discovery + JWKS, client_credentials, and the authorization code + PKCE flow driven over
// plain HTTP (no browser). Exits non-zero on the first failure.
//
//   OIDC_ISSUER=http://127.0.0.1:9400 node smoke.mjs
//
// Optional env: OIDC_AUDIENCE (urn:boxoffice:api), SMOKE_WEB_REDIRECT_URI
// (http://127.0.0.1:8080/callback), SMOKE_CHECKIN_REDIRECT_URI
// (http://127.0.0.1:8080/check-in/callback), SMOKE_SERVICES_SECRET (boxoffice-services-secret).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
const ISSUER = (env.OIDC_ISSUER || 'http://127.0.0.1:9400').replace(/\/+$/, '');
const AUDIENCE = env.OIDC_AUDIENCE || 'urn:boxoffice:api';
const users = JSON.parse(fs.readFileSync(env.OIDC_USERS_FILE || path.join(here, 'users.json'), 'utf8')).users;

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const b64json = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));

// Minimal cookie jar: name -> { value, path }; sent on requests whose path is under the cookie's.
class Jar {
  #cookies = new Map();

  store(res, url) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let cookiePath = new URL(url).pathname.replace(/\/[^/]*$/, '') || '/';
      let expired = false;
      for (const a of attrs) {
        const [k, v = ''] = a.split('=');
        if (k.toLowerCase() === 'path') cookiePath = v;
        if (k.toLowerCase() === 'expires' && Date.parse(v) <= Date.now()) expired = true;
        if (k.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
      }
      const key = `${name}@${cookiePath}`;
      if (expired || value === '') this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path: cookiePath });
    }
  }

  header(url) {
    const p = new URL(url).pathname;
    return [...this.#cookies.values()]
      .filter((c) => p === c.path || p.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

async function request(jar, method, url, form) {
  const headers = {};
  const cookie = jar.header(url);
  if (cookie) headers.cookie = cookie;
  let body;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const res = await fetch(url, { method, headers, body, redirect: 'manual' });
  jar.store(res, url);
  return res;
}

async function verifyAccessToken(token, discovery, jwks) {
  const [h, p, s] = token.split('.');
  const header = b64json(h);
  const payload = b64json(p);
  assert(header.alg === 'RS256', `alg ${header.alg}`);
  assert(header.typ === 'at+jwt', `typ ${header.typ}`);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  assert(jwk, `kid ${header.kid} not in JWKS`);
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  assert(crypto.verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url')), 'bad signature');
  assert(payload.iss === discovery.issuer, `iss ${payload.iss}`);
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  assert(aud.includes(AUDIENCE), `aud ${payload.aud}`);
  assert(payload.exp > Date.now() / 1000, 'expired');
  return payload;
}

// Authorization code + PKCE without a browser. Returns the token response.
async function codeFlow(discovery, { clientId, redirectUri, email, password }) {
  const jar = new Jar();
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const state = crypto.randomBytes(12).toString('base64url');
  const nonce = crypto.randomBytes(12).toString('base64url');

  // 1. Authorization request -> 303 to the login page.
  const auth = new URL(discovery.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  let res = await request(jar, 'GET', auth.href);
  assert(res.status === 303, `GET /auth -> ${res.status} ${await res.text()}`);
  const loginUrl = new URL(res.headers.get('location'), auth).href;
  assert(/\/interaction\/[^/]+$/.test(new URL(loginUrl).pathname), `unexpected redirect ${loginUrl}`);

  // 2. Login page (optional for clients; checks it renders).
  res = await request(jar, 'GET', loginUrl);
  assert(res.status === 200 && (await res.text()).includes('name="password"'), `GET login page -> ${res.status}`);

  // 3a. Wrong password is refused and the form is shown again.
  res = await request(jar, 'POST', `${loginUrl}/login`, { email, password: `${password}-wrong` });
  assert(res.status === 401, `wrong password -> ${res.status}`);
  assert((await res.text()).includes('Wrong email or password'), 'wrong password page lacks the error');

  // 3b. Right password -> 303 back to the authorization endpoint (/auth/<uid>).
  res = await request(jar, 'POST', `${loginUrl}/login`, { email, password });
  assert(res.status === 303, `POST login -> ${res.status} ${await res.text()}`);
  const resumeUrl = new URL(res.headers.get('location'), loginUrl).href;

  // 4. Resume -> 303 to redirect_uri with code (consent is granted automatically).
  res = await request(jar, 'GET', resumeUrl);
  assert(res.status === 303, `GET resume -> ${res.status} ${await res.text()}`);
  const callback = new URL(res.headers.get('location'), resumeUrl);
  assert(callback.href.startsWith(redirectUri), `callback ${callback.href}`);
  assert(!callback.searchParams.get('error'), `authorization error ${callback.search}`);
  assert(callback.searchParams.get('state') === state, 'state mismatch');
  assert(callback.searchParams.get('iss') === discovery.issuer, 'iss mismatch in callback');
  const code = callback.searchParams.get('code');
  assert(code, 'no code');

  // 5. Token request with the PKCE verifier.
  res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier,
    }),
  });
  const tokens = await res.json();
  assert(res.status === 200, `POST /token -> ${res.status} ${JSON.stringify(tokens)}`);
  const idToken = b64json(tokens.id_token.split('.')[1]);
  assert(idToken.nonce === nonce, 'id_token nonce mismatch');
  return tokens;
}

async function main() {
  let res = await fetch(`${ISSUER}/.well-known/openid-configuration`);
  assert(res.ok, `discovery -> ${res.status}`);
  const discovery = await res.json();
  assert(discovery.issuer === ISSUER, `issuer ${discovery.issuer} != ${ISSUER}`);
  res = await fetch(discovery.jwks_uri);
  assert(res.ok, `jwks -> ${res.status}`);
  const jwks = await res.json();
  assert(jwks.keys?.length && jwks.keys.every((k) => !k.d), 'JWKS empty or exposes private parts');
  console.log(`ok discovery + JWKS (kid ${jwks.keys.map((k) => k.kid).join(',')})`);

  // client_credentials for the services client.
  const basic = Buffer.from(`boxoffice-services:${env.SMOKE_SERVICES_SECRET || 'boxoffice-services-secret'}`).toString('base64');
  res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  const cc = await res.json();
  assert(res.status === 200, `client_credentials -> ${res.status} ${JSON.stringify(cc)}`);
  const ccClaims = await verifyAccessToken(cc.access_token, discovery, jwks);
  assert(JSON.stringify(ccClaims.realm_access?.roles) === '["service"]', `service roles ${JSON.stringify(ccClaims.realm_access)}`);
  console.log(`ok client_credentials boxoffice-services sub=${ccClaims.sub} roles=${ccClaims.realm_access.roles}`);

  const flows = [
    { clientId: 'boxoffice-web', redirectUri: env.SMOKE_WEB_REDIRECT_URI || 'http://127.0.0.1:8080/callback', email: 'organiser@boxoffice.test', role: 'organiser' },
    { clientId: 'boxoffice-checkin', redirectUri: env.SMOKE_CHECKIN_REDIRECT_URI || 'http://127.0.0.1:8080/check-in/callback', email: 'staff@boxoffice.test', role: 'staff' },
  ];
  for (const f of flows) {
    const user = users.find((u) => u.email === f.email);
    const tokens = await codeFlow(discovery, { ...f, password: user.password });
    const claims = await verifyAccessToken(tokens.access_token, discovery, jwks);
    assert(claims.sub === user.id, `sub ${claims.sub} != ${user.id}`);
    assert(claims.email === user.email, `email ${claims.email}`);
    assert(JSON.stringify(claims.realm_access?.roles) === JSON.stringify([f.role]), `roles ${JSON.stringify(claims.realm_access)}`);
    assert(tokens.refresh_token, 'no refresh token');

    // Refresh keeps the identity and the claims.
    res = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: f.clientId }),
    });
    const refreshed = await res.json();
    assert(res.status === 200, `refresh -> ${res.status} ${JSON.stringify(refreshed)}`);
    const rClaims = await verifyAccessToken(refreshed.access_token, discovery, jwks);
    assert(rClaims.sub === user.id && rClaims.realm_access?.roles?.includes(f.role), 'refreshed token claims');
    console.log(`ok code+PKCE ${f.clientId} ${f.email} sub=${claims.sub} roles=${claims.realm_access.roles} (+ refresh, wrong password refused)`);
  }
  console.log('smoke: all checks passed');
}

main().catch((err) => {
  console.error(`smoke: FAILED: ${err.message}`);
  process.exit(1);
});
