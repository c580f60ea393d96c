import { AppFrame, hasAnyRole, RequireRole, SignInCallback, useAuth } from '@boxoffice/auth';
import { EmptyState, type NavItem } from '@boxoffice/ui';
import { useCallback } from 'react';
import { Link, Route, Routes, useLocation, useNavigate } from 'react-router';
import { DashboardPage } from './dashboard.tsx';
import { DesignerBenchPage } from './designer/bench.tsx';
import { EventListPage, EventPage } from './events.tsx';
import { HomePage } from './home.tsx';
import { MembersPage } from './members.tsx';
import { OrganisationProvider, OrganisationSwitcher } from './organisation.tsx';
import { SessionSeatMapPage } from './session_designer.tsx';
import { WaitingRoomPage } from './waiting_room.tsx';
import { WizardPage } from './wizard.tsx';

const renderLink = (item: NavItem) => (
  <Link to={item.href.replace(/^\/manage/, '') || '/'} aria-current={item.current ? 'page' : undefined}>
    {item.label}
  </Link>
);

export function App() {
  const navigate = useNavigate();
  const location = useLocation();
  const { identity } = useAuth();
  const organiser = hasAnyRole(identity, ['organiser', 'admin']);
  // The sign-in state holds the full path; the router works below /manage.
  const goBack = useCallback(
    (path: string) => navigate(path.replace(/^\/manage/, '') || '/', { replace: true }),
    [navigate],
  );
  return (
    <OrganisationProvider>
      <AppFrame
        app="organiser"
        appName="Manage"
        nav={
          organiser
            ? [
                { href: '/manage/', label: 'Organisations', current: location.pathname === '/' },
                {
                  href: '/manage/events',
                  label: 'Your events',
                  current: location.pathname.startsWith('/events'),
                },
                { href: '/manage/members', label: 'Members', current: location.pathname === '/members' },
              ]
            : []
        }
        renderLink={renderLink}
        accountExtras={<OrganisationSwitcher />}
      >
        <Routes>
          <Route path="/callback" element={<SignInCallback navigate={goBack} />} />
          <Route path="/bench/designer" element={<DesignerBenchPage />} />
          <Route
            path="/"
            element={
              <RequireRole anyOf={['organiser', 'admin']}>
                <HomePage />
              </RequireRole>
            }
          />
          {(
            [
              ['/events', <EventListPage key="list" />],
              ['/events/new', <WizardPage key="new" />],
              ['/events/:eventId/edit/:step', <WizardPage key="wizard" />],
              ['/events/:eventId', <EventPage key="event" />],
              ['/events/:eventId/sales', <DashboardPage key="sales" />],
              ['/events/:eventId/sessions/:sessionId/seat-map', <SessionSeatMapPage key="session-map" />],
              ['/events/:eventId/sessions/:sessionId/waiting-room', <WaitingRoomPage key="waiting-room" />],
              ['/members', <MembersPage key="members" />],
            ] as const
          ).map(([path, element]) => (
            <Route
              key={path}
              path={path}
              element={<RequireRole anyOf={['organiser', 'admin']}>{element}</RequireRole>}
            />
          ))}
          <Route
            path="*"
            element={
              <EmptyState
                title="This page does not exist"
                action={<Link to="/">Back to your organisations</Link>}
              >
                <p>The link may be old, or the address mistyped.</p>
              </EmptyState>
            }
          />
        </Routes>
      </AppFrame>
    </OrganisationProvider>
  );
}
