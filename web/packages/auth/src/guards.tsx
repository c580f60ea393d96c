// What a screen shows depending on who is signed in: a sign-in prompt, a page saying which role
// is missing, or the screen itself; and the page the provider redirects back to.
import { Button, ErrorState, ForbiddenState, LoadingState } from '@boxoffice/ui';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { describeRoles, hasAnyRole, ROLE_LABELS, type Role } from './roles.ts';
import { useAuth } from './session.tsx';

export function SignInPrompt({ title, children }: { title: string; children?: ReactNode }) {
  const auth = useAuth();
  return (
    <div className="bx-state">
      <span className="bx-state__icon" aria-hidden="true">
        →
      </span>
      <h1 className="bx-state__title">{title}</h1>
      {children}
      <Button onClick={() => void auth.signIn()}>Sign in</Button>
    </div>
  );
}

export function RequireSignIn({
  children,
  title = 'Sign in to continue',
}: {
  children: ReactNode;
  title?: string;
}) {
  const auth = useAuth();
  if (auth.status === 'loading') return <LoadingState label="Checking your session…" />;
  if (auth.status === 'signed-out') return <SignInPrompt title={title} />;
  return <>{children}</>;
}

/** Renders children only for someone holding one of `anyOf`; others learn which role is needed. */
export function RequireRole({ anyOf, children }: { anyOf: readonly Role[]; children: ReactNode }) {
  const auth = useAuth();
  return (
    <RequireSignIn>
      {hasAnyRole(auth.identity, anyOf) ? (
        children
      ) : (
        <ForbiddenState
          needed={describeRoles(anyOf)}
          action={
            <Button variant="secondary" onClick={() => void auth.signOut()}>
              Sign in as someone else
            </Button>
          }
        >
          <p>
            You are signed in as <strong>{auth.identity?.email ?? auth.identity?.name}</strong>
            {auth.identity?.roles.length
              ? ` (${auth.identity.roles.map((role) => ROLE_LABELS[role]).join(', ')})`
              : ' without any role'}
            . Ask an administrator of your organisation for access.
          </p>
        </ForbiddenState>
      )}
    </RequireSignIn>
  );
}

/** The redirect URI's page: finishes the sign-in and goes back to where the user was. */
export function SignInCallback({ navigate }: { navigate: (path: string) => void }) {
  const auth = useAuth();
  const [error, setError] = useState<string | undefined>();
  const started = useRef(false);
  useEffect(() => {
    // The code can be exchanged once: React's development double effects must not repeat it.
    if (started.current) return;
    started.current = true;
    auth.completeSignIn().then(navigate, (cause: unknown) => {
      const message = cause instanceof Error ? cause.message : String(cause);
      setError(
        /aborted|access_denied/i.test(message)
          ? 'Sign-in was cancelled.'
          : `Sign-in did not complete: ${message}`,
      );
    });
  }, [auth, navigate]);
  if (!error) return <LoadingState label="Signing you in…" />;
  return (
    <ErrorState
      title="Not signed in"
      action={<Button onClick={() => void auth.signIn(auth.config.basePath)}>Try again</Button>}
    >
      <p>{error}</p>
    </ErrorState>
  );
}

/** The header's account area: who is signed in and the sign-in / sign-out button. */
export function AccountControls({ children }: { children?: ReactNode }) {
  const auth = useAuth();
  if (auth.status === 'loading') return null;
  if (auth.status === 'signed-out') {
    return (
      <Button variant="secondary" onClick={() => void auth.signIn()}>
        Sign in
      </Button>
    );
  }
  return (
    <>
      {children}
      <span className="bx-user__name">
        <strong>{auth.identity?.name}</strong>
        {auth.identity?.roles.map((role) => ROLE_LABELS[role]).join(', ')}
      </span>
      <Button variant="secondary" onClick={() => void auth.signOut()}>
        Sign out
      </Button>
    </>
  );
}
