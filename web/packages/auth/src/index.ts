export { AppFrame, type AppFrameProps } from './frame.tsx';
export { AccountControls, RequireRole, RequireSignIn, SignInCallback, SignInPrompt } from './guards.tsx';
export { APP_LINKS, type AppId, type AppLink, appLinksFor } from './navigation.ts';
export {
  decodeJwtClaims,
  describeRoles,
  hasAnyRole,
  type Identity,
  identityOf,
  ROLE_LABELS,
  ROLES,
  type Role,
  rolesOf,
} from './roles.ts';
export {
  type Auth,
  type AuthConfig,
  AuthProvider,
  type AuthStatus,
  currentPath,
  DEFAULT_ISSUER,
  safeReturnPath,
  useApi,
  useAuth,
  userManagerSettings,
} from './session.tsx';
