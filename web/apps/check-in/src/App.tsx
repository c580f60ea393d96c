import { AppFrame, RequireRole, SignInCallback } from '@boxoffice/auth';
import { EmptyState } from '@boxoffice/ui';
import { useCallback } from 'react';
import { Link, Route, Routes, useNavigate } from 'react-router';
import { GatePage } from './gate.tsx';
import { GateProvider } from './gate-context.tsx';

export function App() {
  const navigate = useNavigate();
  const goBack = useCallback(
    (path: string) => navigate(path.replace(/^\/check-in/, '') || '/', { replace: true }),
    [navigate],
  );
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
