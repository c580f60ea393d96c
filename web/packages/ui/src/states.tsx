// The states every screen has besides its content: loading, nothing there yet, and failure.
import { ApiError } from '@boxoffice/api';
import type { ReactNode } from 'react';
import { Button } from './button.tsx';

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="bx-state" role="status" aria-live="polite">
      <span className="bx-spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** Placeholder blocks with the shape of the content that is coming. */
export function Skeleton({ height = '6rem', count = 1 }: { height?: string; count?: number }) {
  return (
    <div aria-hidden="true" style={{ display: 'grid', gap: 'var(--space-3)' }}>
      {Array.from({ length: count }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: identical placeholders have no identity
        <div key={i} className="bx-skeleton" style={{ height }} />
      ))}
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="bx-state">
      <span className="bx-state__icon" aria-hidden="true">
        ∅
      </span>
      <h2 className="bx-state__title">{title}</h2>
      {children ? <div>{children}</div> : null}
      {action}
    </div>
  );
}

export function ErrorState({
  title = 'Something went wrong',
  children,
  onRetry,
  action,
}: {
  title?: string;
  children?: ReactNode;
  onRetry?: () => void;
  action?: ReactNode;
}) {
  return (
    <div className="bx-state bx-state--error" role="alert">
      <span className="bx-state__icon" aria-hidden="true">
        !
      </span>
      <h2 className="bx-state__title">{title}</h2>
      {children ? <div>{children}</div> : null}
      {onRetry ? (
        <Button variant="secondary" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
      {action}
    </div>
  );
}

/** A page for someone signed in without the role a screen needs. */
export function ForbiddenState({
  needed,
  children,
  action,
}: {
  needed: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="bx-state bx-state--forbidden" role="alert">
      <span className="bx-state__icon" aria-hidden="true">
        !
      </span>
      <h1 className="bx-state__title">You need the {needed} role for this page</h1>
      {children ? <div>{children}</div> : null}
      {action}
    </div>
  );
}

/** Says what went wrong with an API call in words a person can act on. */
export function ApiErrorState({
  error,
  onRetry,
  what,
}: {
  error: unknown;
  onRetry?: () => void;
  what?: string;
}) {
  const subject = what ?? 'this';
  if (error instanceof ApiError) {
    if (error.isNetwork) {
      return (
        <ErrorState title="Can't reach Boxoffice" onRetry={onRetry}>
          <p>Check your connection; {subject} will load when the service answers.</p>
        </ErrorState>
      );
    }
    if (error.status === 403) {
      return (
        <ErrorState title="No access">
          <p>{error.message}</p>
        </ErrorState>
      );
    }
    if (error.status === 404) {
      return (
        <ErrorState title="Not found">
          <p>We could not find {subject}. It may have been removed.</p>
        </ErrorState>
      );
    }
    return (
      <ErrorState title={`Could not load ${subject}`} onRetry={onRetry}>
        <p>{error.message}</p>
      </ErrorState>
    );
  }
  return (
    <ErrorState title={`Could not load ${subject}`} onRetry={onRetry}>
      <p>{error instanceof Error ? error.message : 'An unexpected error occurred.'}</p>
    </ErrorState>
  );
}
