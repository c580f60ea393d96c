import '@boxoffice/ui/styles.css';
import './check-in.css';
import { type AuthConfig, AuthProvider } from '@boxoffice/auth';
import { ToastProvider } from '@boxoffice/ui';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.tsx';
import { registerServiceWorker } from './pwa.ts';

// Staff keep their session when the installed app closes: scanning at a gate must not stop for a login.
const auth: AuthConfig = {
  clientId: 'boxoffice-checkin',
  basePath: '/check-in/',
  storage: 'local',
  keepSessionOffline: true,
  issuer: import.meta.env.VITE_OIDC_ISSUER,
};

registerServiceWorker();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <AuthProvider config={auth}>
      <ToastProvider>
        <BrowserRouter basename="/check-in">
          <App />
        </BrowserRouter>
      </ToastProvider>
    </AuthProvider>
  </StrictMode>,
);
