import { AppFrame, SignInCallback } from '@boxoffice/auth';
import { EmptyState, type NavItem } from '@boxoffice/ui';
import { useCallback } from 'react';
import { Link, Route, Routes, useLocation, useNavigate } from 'react-router';
import { CataloguePage } from './catalogue.tsx';
import { EventPage } from './event.tsx';

const renderLink = (item: NavItem) => (
  <Link to={item.href} aria-current={item.current ? 'page' : undefined}>
    {item.label}
  </Link>
);

export function App() {
  const navigate = useNavigate();
  const location = useLocation();
  const goBack = useCallback((path: string) => navigate(path, { replace: true }), [navigate]);
  return (
    <AppFrame
      app="attendee"
      appName="Events"
      nav={[{ href: '/', label: 'Find events', current: location.pathname === '/' }]}
      renderLink={renderLink}
    >
      <Routes>
        <Route path="/" element={<CataloguePage />} />
        <Route path="/events/:eventId" element={<EventPage />} />
        <Route path="/callback" element={<SignInCallback navigate={goBack} />} />
        <Route
          path="*"
          element={
            <EmptyState title="This page does not exist" action={<Link to="/">Find events</Link>}>
              <p>The link may be old, or the address mistyped.</p>
            </EmptyState>
          }
        />
      </Routes>
    </AppFrame>
  );
}
