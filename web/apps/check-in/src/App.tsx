import { AppFrame, RequireRole, SignInCallback } from '@boxoffice/auth';
import { EmptyState } from '@boxoffice/ui';
import { useCallback, useEffect } from 'react';
import { Link, Route, Routes, useLocation, useNavigate } from 'react-router';
import { GatePage } from './gate.tsx';
import { GateProvider } from './gate-context.tsx';

export function App() {
  const navigate = useNavigate();
  const goBack = useCallback(
    (path: string) => navigate(path.replace(/^\/check-in/, '') || '/', { replace: true }),
    [navigate],
  );
  const location = useLocation();
  // The router writes its root as "/check-in", which is outside the service worker's scope and
  // the manifest's: a reload there offline would not start the app. Keep the slash.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation
  useEffect(() => {
    if (window.location.pathname === '/check-in') {
      const { search, hash } = window.location;
      window.history.replaceState(window.history.state, '', `/check-in/${search}${hash}`);
    }
  }, [location]);
  return (
    <AppFrame app="check-in" appName="Check-in">
      <Routes>
        <Route path="/callback" element={<SignInCallback navigate={goBack} />} />
        <Route
          path="/"
          element={
            <RequireRole anyOf={['staff', 'organiser', 'admin']}>
              <GateProvider>
                <GatePage />
              </GateProvider>
            </RequireRole>
          }
        />
        <Route
          path="*"
          element={
            <EmptyState title="This page does not exist" action={<Link to="/">Back to the gate</Link>}>
              <p>The link may be old, or the address mistyped.</p>
            </EmptyState>
          }
        />
      </Routes>
    </AppFrame>
  );
}
