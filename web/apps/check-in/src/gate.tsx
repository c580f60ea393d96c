// The gate screen staff hold in their hand: who is signed in, whether the phone is online, and
// the session being scanned.
import { useAuth } from '@boxoffice/auth';
import { EmptyState } from '@boxoffice/ui';
import { useSyncExternalStore } from 'react';

function subscribeOnline(onChange: () => void): () => void {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

export function useOnline(): boolean {
  return useSyncExternalStore(subscribeOnline, () => navigator.onLine);
}

export function GatePage() {
  const auth = useAuth();
  const online = useOnline();
  return (
    <div className="gate">
      <div className="gate__status">
        <p className={`gate__connection gate__connection--${online ? 'online' : 'offline'}`} role="status">
          <span aria-hidden="true">{online ? '●' : '○'}</span> {online ? 'Online' : 'Offline'}
        </p>
        <p className="gate__who">
          Signed in as <strong>{auth.identity?.name}</strong>
        </p>
      </div>
      <h1 className="bx-page-title">Gate</h1>
      <section className="bx-card">
        <EmptyState title="No session chosen yet">
          <p>
            Choose the event, session and gate you are checking people in for, then start scanning tickets.
          </p>
        </EmptyState>
      </section>
    </div>
  );
}
