import { AppFrame, SignInCallback } from '@boxoffice/auth';
import { EmptyState, type NavItem } from '@boxoffice/ui';
import { useCallback, useId } from 'react';
import { Link, Route, Routes, useLocation, useNavigate } from 'react-router';
import { CataloguePage } from './catalogue.tsx';
import { CheckoutPage } from './checkout.tsx';
import { EventPage } from './event.tsx';
import { HoldProvider } from './hold.tsx';
import { LANGUAGES, type Language, useI18n } from './i18n.tsx';
import { SessionPage } from './session.tsx';
import { ConfirmationPage, MyTicketsPage } from './tickets.tsx';

const renderLink = (item: NavItem) => (
  <Link to={item.href} aria-current={item.current ? 'page' : undefined}>
    {item.label}
  </Link>
);

function LanguagePicker() {
  const { language, setLanguage, t } = useI18n();
  const id = useId();
  return (
    <span className="language">
      <label htmlFor={id}>{t('nav.language')}</label>
      <select id={id} value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
        {LANGUAGES.map((option) => (
          <option key={option.code} value={option.code} lang={option.code}>
            {option.name}
          </option>
        ))}
      </select>
    </span>
  );
}

export function App() {
  const navigate = useNavigate();
  const location = useLocation();
  const { t } = useI18n();
  const goBack = useCallback((path: string) => navigate(path, { replace: true }), [navigate]);
  return (
    <AppFrame
      app="attendee"
      appName={t('app.name')}
      nav={[
        { href: '/', label: t('nav.find'), current: location.pathname === '/' },
        { href: '/tickets', label: t('nav.tickets'), current: location.pathname === '/tickets' },
      ]}
      renderLink={renderLink}
    >
      <HoldProvider>
        <Routes>
          <Route path="/" element={<CataloguePage />} />
          <Route path="/events/:eventId" element={<EventPage />} />
          <Route path="/sessions/:sessionId" element={<SessionPage />} />
          <Route path="/checkout" element={<CheckoutPage />} />
          <Route path="/orders/:orderId" element={<ConfirmationPage />} />
          <Route path="/tickets" element={<MyTicketsPage />} />
          <Route path="/callback" element={<SignInCallback navigate={goBack} />} />
          <Route
            path="*"
            element={
              <EmptyState title={t('notFound.title')} action={<Link to="/">{t('nav.find')}</Link>}>
                <p>{t('notFound.body')}</p>
              </EmptyState>
            }
          />
        </Routes>
      </HoldProvider>
      <footer className="app-footer">
        <LanguagePicker />
      </footer>
    </AppFrame>
  );
}
