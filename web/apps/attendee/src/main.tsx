import '@boxoffice/ui/styles.css';
import './attendee.css';
import { type AuthConfig, AuthProvider } from '@boxoffice/auth';
import { ToastProvider } from '@boxoffice/ui';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.tsx';
import { I18nProvider } from './i18n.tsx';

const auth: AuthConfig = {
  clientId: 'boxoffice-web',
  basePath: '/',
  issuer: import.meta.env.VITE_OIDC_ISSUER,
};

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <AuthProvider config={auth}>
        <ToastProvider>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </ToastProvider>
      </AuthProvider>
    </I18nProvider>
  </StrictMode>,
);
