// Local OpenID Provider for Boxoffice development and tests. Production uses Keycloak; the
// services only rely on standard OIDC (discovery, JWKS, iss/aud/exp and a roles claim path),
// so tokens here mimic Keycloak's shape (`realm_access.roles`).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Provider, { errors, interactionPolicy } from 'oidc-provider';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------
const PORT = intEnv('OIDC_PORT', 9400);
const HOST = env.OIDC_HOST || '127.0.0.1';
const ISSUER = (env.OIDC_ISSUER || `http://127.0.0.1:${PORT}`).replace(/\/+$/, '');
const AUDIENCE = env.OIDC_AUDIENCE || 'urn:boxoffice:api';
const API_SCOPE = 'api';
const ACCESS_TOKEN_TTL = intEnv('OIDC_ACCESS_TOKEN_TTL', 15 * 60);
const ID_TOKEN_TTL = intEnv('OIDC_ID_TOKEN_TTL', 60 * 60);
const SESSION_TTL = intEnv('OIDC_SESSION_TTL', 12 * 60 * 60);
const REFRESH_TOKEN_TTL = intEnv('OIDC_REFRESH_TOKEN_TTL', 12 * 60 * 60);
const STATE_DIR = path.resolve(env.BOXOFFICE_STATE || path.join(here, '../../.stack'));
const KEYS_FILE = path.resolve(env.OIDC_KEYS_FILE || path.join(STATE_DIR, 'oidc/jwks.json'));
const CLIENTS_FILE = path.resolve(env.OIDC_CLIENTS_FILE || path.join(here, 'clients.json'));
const USERS_FILE = path.resolve(env.OIDC_USERS_FILE || path.join(here, 'users.json'));
const TRUST_PROXY = ['1', 'true', 'yes'].includes((env.OIDC_TRUST_PROXY || '').toLowerCase());

// An issuer with a path (e.g. Keycloak-like http://host/realms/boxoffice) is served under it.
const PREFIX = new URL(ISSUER).pathname.replace(/\/+$/, '');

function intEnv(name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Signing keys: generated once and persisted so the `kid` (and every token issued) survives a
// restart. Cookie keys are derived from the private key for the same reason.
// ---------------------------------------------------------------------------------------------
function loadOrCreateJwks(file) {
  if (fs.existsSync(file)) {
    const jwks = readJson(file);
    if (!Array.isArray(jwks.keys) || !jwks.keys.some((k) => k.kty === 'RSA' && k.d)) {
      throw new Error(`${file} holds no private RSA key; delete it to generate a new one`);
    }
    return jwks;
  }
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  // RFC 7638 thumbprint as kid: stable and derived from the key itself.
  const kid = crypto.createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest('base64url');
  const jwks = { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(jwks, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  console.log(`oidc: generated signing key ${kid} -> ${file}`);
  return jwks;
}

const jwks = loadOrCreateJwks(KEYS_FILE);
const signingKey = jwks.keys.find((k) => k.kty === 'RSA' && k.d);
const cookieKeys = env.OIDC_COOKIE_KEYS
  ? env.OIDC_COOKIE_KEYS.split(',')
  : [Buffer.from(crypto.hkdfSync('sha256', Buffer.from(signingKey.d, 'base64url'),
    'boxoffice-oidc', 'cookie-keys', 32)).toString('base64url')];

// ---------------------------------------------------------------------------------------------
// Users and clients
// ---------------------------------------------------------------------------------------------
const users = readJson(USERS_FILE).users;
const usersById = new Map(users.map((u) => [u.id, u]));
const usersByEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));

// Env override suffix for a client id: boxoffice-web -> BOXOFFICE_WEB.
const envKey = (clientId) => clientId.toUpperCase().replace(/[^A-Z0-9]/g, '_');
const listEnv = (name) => (env[name] ? env[name].split(',').map((s) => s.trim()).filter(Boolean) : undefined);

const clientEntries = readJson(CLIENTS_FILE).clients;
const clientRoles = new Map();
const clients = clientEntries.map(({ metadata, roles }) => {
  const key = envKey(metadata.client_id);
  const m = { ...metadata };
  m.redirect_uris = listEnv(`OIDC_REDIRECT_URIS_${key}`) ?? m.redirect_uris;
  m.post_logout_redirect_uris = listEnv(`OIDC_POST_LOGOUT_REDIRECT_URIS_${key}`) ?? m.post_logout_redirect_uris;
  if (env[`OIDC_CLIENT_SECRET_${key}`]) m.client_secret = env[`OIDC_CLIENT_SECRET_${key}`];
  if (m.post_logout_redirect_uris === undefined) delete m.post_logout_redirect_uris;
  clientRoles.set(m.client_id, roles ?? []);
  return m;
});
// Every registered client is ours (no dynamic registration), so none gets a consent screen.
const isFirstParty = (client) => clientRoles.has(client.clientId);

function findUserByCredentials(email, password) {
  const user = usersByEmail.get(String(email || '').trim().toLowerCase());
  // Compare digests so the comparison is constant-time whatever the lengths.
  const digest = (s) => crypto.createHash('sha256').update(String(s ?? '')).digest();
  const ok = crypto.timingSafeEqual(digest(user?.password ?? crypto.randomUUID()), digest(password));
  return user && ok ? user : undefined;
}

function userClaims(user) {
  return {
    sub: user.id,
    email: user.email,
    email_verified: true,
    name: user.name,
    preferred_username: user.preferred_username ?? user.email,
    realm_access: { roles: [...user.roles] },
  };
}

// ---------------------------------------------------------------------------------------------
// Interaction policy: the stock one, minus the check that forces a consent prompt on native
// clients. Consent for our own clients is granted in loadExistingGrant below.
// ---------------------------------------------------------------------------------------------
const policy = interactionPolicy.base();
policy.get('consent').checks.remove('native_client_prompt');

async function autoGrant(ctx) {
  const { oidc } = ctx;
  const accountId = oidc.account.accountId;
  const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
  let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (!isFirstParty(oidc.client)) return grant;
  // A different user may have signed in on this browser since the grant was made.
  if (!grant || grant.accountId !== accountId || grant.clientId !== oidc.client.clientId) {
    grant = new oidc.provider.Grant({ accountId, clientId: oidc.client.clientId });
  }
  const oidcScopes = [...oidc.requestParamOIDCScopes];
  if (oidcScopes.length) grant.addOIDCScope(oidcScopes.join(' '));
  const claims = [...(oidc.requestParamClaims ?? [])];
  if (claims.length) grant.addOIDCClaims(claims);
  for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) {
    const requested = [...oidc.requestParamScopes].filter((s) => server.scopes.has(s));
    if (requested.length) grant.addResourceScope(indicator, requested.join(' '));
  }
  await grant.save();
  return grant;
}

// ---------------------------------------------------------------------------------------------
// Provider
// ---------------------------------------------------------------------------------------------
const configuration = {
  clients,
  jwks: { keys: jwks.keys },
  cookies: { keys: cookieKeys },
  // Restrict to the code flow; nothing here uses implicit or hybrid.
  responseTypes: ['code'],
  scopes: ['openid', 'offline_access'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    roles: ['realm_access'],
  },
  // /me refuses API-bound access tokens, so put the requested claims into the ID token itself.
  conformIdTokenClaims: false,
  async findAccount(ctx, sub) {
    const user = usersById.get(sub);
    if (!user) return undefined;
    return { accountId: user.id, claims: async () => userClaims(user) };
  },
  interactions: {
    policy,
    url: (ctx, interaction) => `${PREFIX}/interaction/${interaction.uid}`,
  },
  loadExistingGrant: autoGrant,
  // Browser apps call /token and /token/revocation cross-origin: allow the origins of their
  // registered redirect URIs (public clients only).
  clientBasedCORS(ctx, origin, client) {
    if (client.clientAuthMethod !== 'none') return false;
    return [...client.redirectUris, ...(client.postLogoutRedirectUris ?? [])]
      .some((uri) => URL.parse(uri)?.origin === origin);
  },
  // Keycloak issues refresh tokens without offline_access; do the same for clients allowed them.
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    revocation: { enabled: true },
    rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx, client, oneOf) => oneOf ?? AUDIENCE,
      useGrantedResource: async () => true,
      async getResourceServerInfo(ctx, resourceIndicator) {
        if (resourceIndicator !== AUDIENCE) throw new errors.InvalidTarget();
        return {
          audience: AUDIENCE,
          scope: API_SCOPE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: ACCESS_TOKEN_TTL,
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  // Keycloak-shaped claims; iss/aud/sub/exp are set by the provider and cannot be overridden.
  async extraTokenClaims(ctx, token) {
    if (token.accountId) {
      const user = usersById.get(token.accountId);
      if (!user) return undefined;
      const { sub, ...claims } = userClaims(user);
      return { ...(user.extra_claims ?? {}), ...claims, azp: token.clientId };
    }
    if (token.kind === 'ClientCredentials') {
      return {
        realm_access: { roles: [...(clientRoles.get(token.clientId) ?? [])] },
        preferred_username: `service-account-${token.clientId}`,
        azp: token.clientId,
      };
    }
    return undefined;
  },
  ttl: {
    AccessToken: ACCESS_TOKEN_TTL,
    ClientCredentials: ACCESS_TOKEN_TTL,
    AuthorizationCode: 60,
    IdToken: ID_TOKEN_TTL,
    Interaction: 60 * 60,
    Session: SESSION_TTL,
    Grant: SESSION_TTL,
    RefreshToken: REFRESH_TOKEN_TTL,
  },
  renderError,
};

const provider = new Provider(ISSUER, configuration);
provider.proxy = TRUST_PROXY;
provider.on('server_error', (ctx, err) => console.error('oidc: server_error', err));

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
    font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#111827}
  main{width:100%;max-width:380px;margin:24px;padding:28px;background:#fff;border-radius:12px;
    box-shadow:0 1px 3px rgba(0,0,0,.08),0 8px 24px rgba(0,0,0,.06)}
  h1{margin:0 0 4px;font-size:1.35rem}
  p.sub{margin:0 0 20px;color:#6b7280;font-size:.95rem}
  label{display:block;margin:14px 0 6px;font-weight:600;font-size:.9rem}
  input{width:100%;padding:10px 12px;border:1px solid #d1d5db;border-radius:8px;font:inherit}
  input:focus{outline:2px solid #4f46e5;outline-offset:1px;border-color:#4f46e5}
  button{width:100%;margin-top:20px;padding:11px;border:0;border-radius:8px;background:#4f46e5;
    color:#fff;font:inherit;font-weight:600;cursor:pointer}
  button.secondary{background:#e5e7eb;color:#111827;margin-top:10px}
  .error{margin:0 0 8px;padding:10px 12px;border-radius:8px;background:#fef2f2;color:#991b1b;font-size:.9rem}
  details{margin-top:20px;color:#6b7280;font-size:.85rem}
  details ul{padding-left:18px;margin:8px 0}
  a{color:#4f46e5}
`;

function page(title, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

function loginPage({ uid, clientName, email, error }) {
  const demo = users.map((u) => `<li>${esc(u.email)} (${esc(u.roles.join(', '))})</li>`).join('');
  return page('Sign in · Boxoffice', `
  <h1>Sign in</h1>
  <p class="sub">to ${esc(clientName)}</p>
  ${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
  <form method="post" action="${PREFIX}/interaction/${esc(uid)}/login" autocomplete="on">
    <label for="email">Email</label>
    <input id="email" name="email" type="email" required autocomplete="username" value="${esc(email)}" ${email ? '' : 'autofocus'}>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" required autocomplete="current-password" ${email ? 'autofocus' : ''}>
    <button type="submit">Sign in</button>
  </form>
  <form method="get" action="${PREFIX}/interaction/${esc(uid)}/abort">
    <button class="secondary" type="submit">Cancel</button>
  </form>
  <details><summary>Development accounts</summary>
    <ul>${demo}</ul>Password for every account: <code>boxoffice</code>
  </details>`);
}

async function logoutSource(ctx, form) {
  const client = ctx.oidc.client?.clientName || ctx.oidc.client?.clientId;
  ctx.type = 'html';
  ctx.body = page('Sign out · Boxoffice', `
  <h1>Sign out</h1>
  <p class="sub">${client ? `You are signing out of ${esc(client)}.` : 'End your Boxoffice session?'}</p>
  ${form}
  <button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
  <button class="secondary" type="submit" form="op.logoutForm">Stay signed in</button>`);
}

async function postLogoutSuccessSource(ctx) {
  ctx.type = 'html';
  ctx.body = page('Signed out · Boxoffice', '<h1>Signed out</h1><p class="sub">You can close this window.</p>');
}

async function renderError(ctx, out) {
  ctx.type = 'html';
  const rows = Object.entries(out).map(([k, v]) => `<p><strong>${esc(k)}</strong>: ${esc(v)}</p>`).join('');
  ctx.body = page('Error · Boxoffice', `<h1>Something went wrong</h1>${rows}`);
}

// ---------------------------------------------------------------------------------------------
// HTTP: /health and the interaction routes are ours; everything else goes to the provider.
// ---------------------------------------------------------------------------------------------
const providerCallback = provider.callback();

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16 * 1024) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

async function interactionRoute(req, res, uid, action) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (err) {
    // Missing/expired interaction cookie: the user has to start again from the application.
    send(res, 400, 'text/html; charset=utf-8', page('Sign-in expired · Boxoffice',
      '<h1>Sign-in expired</h1><p class="sub">This sign-in attempt is no longer valid. Go back to the application and sign in again.</p>'));
    return;
  }
  if (details.uid !== uid) {
    send(res, 400, 'text/plain; charset=utf-8', 'interaction mismatch\n');
    return;
  }
  const client = await provider.Client.find(details.params.client_id);
  const clientName = client?.clientName || details.params.client_id;
  const { prompt } = details;

  if (action === 'abort') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'End-User aborted interaction',
    }, { mergeWithLastSubmission: false });
    return;
  }

  if (prompt.name === 'consent') {
    // Only reached if loadExistingGrant did not cover the request; grant what is missing.
    if (!client || !isFirstParty(client)) {
      send(res, 403, 'text/plain; charset=utf-8', 'consent is only automatic for registered clients\n');
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: client.clientId });
    const d = prompt.details;
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }

  if (action === 'login' && req.method === 'POST') {
    const form = await readForm(req);
    const email = form.get('email') ?? '';
    const user = findUserByCredentials(email, form.get('password'));
    if (!user) {
      console.log(`oidc: login refused for ${JSON.stringify(email)}`);
      send(res, 401, 'text/html; charset=utf-8',
        loginPage({ uid, clientName, email, error: 'Wrong email or password.' }));
      return;
    }
    console.log(`oidc: login ${user.email} (${user.id}) for ${details.params.client_id}`);
    await provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
    return;
  }

  if (action === '' && req.method === 'GET') {
    send(res, 200, 'text/html; charset=utf-8',
      loginPage({ uid, clientName, email: details.params.login_hint ?? '' }));
    return;
  }
  send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
}

const server = http.createServer(async (req, res) => {
  try {
    const rawPath = req.url.split('?')[0];
    if (req.method === 'GET' && (rawPath === '/health' || rawPath === `${PREFIX}/health`)) {
      send(res, 200, 'application/json', JSON.stringify({ status: 'ok', issuer: ISSUER }));
      return;
    }
    if (PREFIX) {
      if (!(rawPath === PREFIX || rawPath.startsWith(`${PREFIX}/`))) {
        send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
        return;
      }
      // originalUrl (as Express sets it) lets the provider put the prefix back into its URLs.
      req.originalUrl = req.url;
      req.url = req.url.slice(PREFIX.length) || '/';
    }
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?\/?$/.exec(req.url.split('?')[0]);
    if (m) {
      await interactionRoute(req, res, m[1], m[2] ?? '');
      return;
    }
    providerCallback(req, res);
  } catch (err) {
    console.error('oidc: request failed', err);
    if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
    else res.end();
  }
});

server.listen(PORT, HOST, () => {
  console.log(`oidc: listening on http://${HOST}:${PORT} issuer=${ISSUER} kid=${signingKey.kid} keys=${KEYS_FILE}`);
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
