// Sign-in for the browser apps: authorization code + PKCE against the OpenID provider
// (Keycloak in production, the local provider here), silent renewal with the refresh token,
// sign-out that also revokes the refresh token and ends the provider's session.
import { type BoxofficeApi, createBoxofficeApi } from '@boxoffice/api';
import { ErrorResponse, UserManager, type UserManagerSettings, WebStorageStateStore } from 'oidc-client-ts';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { type Identity, identityOf } from './roles.ts';

export interface AuthConfig {
  /** OIDC client id: boxoffice-web for the attendee and organiser apps, boxoffice-checkin for staff. */
  clientId: string;
  /** Where the app is served, with a trailing slash: "/", "/manage/", "/check-in/". */
  basePath: string;
  /**
   * Where the session is kept. sessionStorage (the default) ends with the tab; the installed
   * check-in app needs localStorage so staff stay signed in when it closes.
   */
  storage?: 'session' | 'local';
  /** The issuer; defaults to VITE_OIDC_ISSUER at build time, else the local provider. */
  issuer?: string;
  /**
   * Stay signed in when an expired session cannot be renewed only because the provider is out
   * of reach (the check-in app scanning offline); it is renewed once the network is back. A
   * refusal from the provider still ends the session.
   */
  keepSessionOffline?: boolean;
}

/** A renewal that failed without the provider refusing it: offline, timed out, unreachable. */
function unreachable(error: unknown): boolean {
  return !(error instanceof ErrorResponse);
}

export const DEFAULT_ISSUER = 'http://127.0.0.1:9400';

export interface ReturnState {
  /** The path (with query and hash) to come back to after signing in. */
  returnTo: string;
}

export function userManagerSettings(config: AuthConfig, origin: string): UserManagerSettings {
  const store = config.storage === 'local' ? window.localStorage : window.sessionStorage;
  return {
    authority: config.issuer ?? DEFAULT_ISSUER,
    client_id: config.clientId,
    redirect_uri: `${origin}${config.basePath}callback`,
    post_logout_redirect_uri: `${origin}${config.basePath}`,
    response_type: 'code',
    scope: 'openid profile email roles',
    // The provider's userinfo refuses API-bound tokens; identity comes from the access token.
    loadUserInfo: false,
    automaticSilentRenew: true,
    userStore: new WebStorageStateStore({ store }),
    stateStore: new WebStorageStateStore({ store }),
  };
}

export type AuthStatus = 'loading' | 'signed-out' | 'signed-in';

export interface Auth {
  status: AuthStatus;
  identity: Identity | undefined;
  config: AuthConfig;
  /** Sends the browser to the provider's login page; comes back to `returnTo` (default: here). */
  signIn: (returnTo?: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** A valid access token, renewed first if it has expired; undefined when signed out. */
  accessToken: () => Promise<string | undefined>;
  /** Completes the redirect back from the provider; resolves to where the user was going. */
  completeSignIn: () => Promise<string>;
  api: BoxofficeApi;
}

const AuthContext = createContext<Auth | undefined>(undefined);

export function currentPath(): string {
  return `${window.location.pathname}${window.location.search}${window.location.hash}`;
}

/** Keeps a return path on this app (no open redirect to another origin or app). */
export function safeReturnPath(returnTo: unknown, basePath: string): string {
  if (typeof returnTo !== 'string' || !returnTo.startsWith(basePath) || returnTo.startsWith('//'))
    return basePath;
  if (returnTo.startsWith(`${basePath}callback`)) return basePath;
  return returnTo;
}

export function AuthProvider({ config, children }: { config: AuthConfig; children: ReactNode }) {
  const manager = useMemo(
    () => new UserManager(userManagerSettings(config, window.location.origin)),
    [config],
  );
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [identity, setIdentity] = useState<Identity | undefined>();

  useEffect(() => {
    let live = true;
    const show = (accessToken: string | undefined) => {
      if (!live) return;
      if (accessToken) {
        setIdentity(identityOf(accessToken));
        setStatus('signed-in');
      } else {
        setIdentity(undefined);
        setStatus('signed-out');
      }
    };
    const onLoaded = (user: { access_token: string }) => show(user.access_token);
    const onUnloaded = () => show(undefined);
    manager.events.addUserLoaded(onLoaded);
    manager.events.addUserUnloaded(onUnloaded);
    manager.events.addUserSignedOut(onUnloaded);
    void (async () => {
      const user = await manager.getUser();
      if (user && !user.expired) return show(user.access_token);
      if (user?.refresh_token) {
        // Back after the access token expired (a closed laptop, a reopened app): renew quietly.
        try {
          const renewed = await manager.signinSilent();
          return show(renewed?.access_token);
        } catch (error) {
          if (config.keepSessionOffline && unreachable(error)) return show(user.access_token);
          await manager.removeUser();
        }
      }
      show(undefined);
    })();
    return () => {
      live = false;
      manager.events.removeUserLoaded(onLoaded);
      manager.events.removeUserUnloaded(onUnloaded);
      manager.events.removeUserSignedOut(onUnloaded);
    };
  }, [manager, config.keepSessionOffline]);

  const signIn = useCallback(
    async (returnTo: string = currentPath()) => {
      const state: ReturnState = { returnTo: safeReturnPath(returnTo, config.basePath) };
      await manager.signinRedirect({ state });
    },
    [manager, config.basePath],
  );

  const signOut = useCallback(async () => {
    const user = await manager.getUser();
    if (user?.refresh_token) {
      // Refresh tokens outlive the page; revoke so nothing can renew this session afterwards.
      await manager.revokeTokens(['refresh_token']).catch(() => undefined);
    }
    await manager.signoutRedirect(user?.id_token ? { id_token_hint: user.id_token } : {});
  }, [manager]);

  const accessToken = useCallback(async () => {
    const user = await manager.getUser();
    if (!user) return undefined;
    if (!user.expired) return user.access_token;
    try {
      return (await manager.signinSilent())?.access_token;
    } catch (error) {
      if (!(config.keepSessionOffline && unreachable(error))) await manager.removeUser();
      return undefined;
    }
  }, [manager, config.keepSessionOffline]);

  const completeSignIn = useCallback(async () => {
    const user = await manager.signinRedirectCallback();
    return safeReturnPath((user.state as ReturnState | undefined)?.returnTo, config.basePath);
  }, [manager, config.basePath]);

  const api = useMemo(
    () =>
      createBoxofficeApi({
        accessToken,
        // A 401 means the session is gone: sign in again and come back to this page.
        onUnauthorized: () => void signIn(),
      }),
    [accessToken, signIn],
  );

  const value = useMemo<Auth>(
    () => ({ status, identity, config, signIn, signOut, accessToken, completeSignIn, api }),
    [status, identity, config, signIn, signOut, accessToken, completeSignIn, api],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth needs an <AuthProvider> above it');
  return auth;
}

/** The typed API clients, sending this session's token. */
export function useApi(): BoxofficeApi {
  return useAuth().api;
}
