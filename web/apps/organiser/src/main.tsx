import '@boxoffice/ui/styles.css';
import './organiser.css';
import { type AuthConfig, AuthProvider } from '@boxoffice/auth';
import { ToastProvider } from '@boxoffice/ui';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.tsx';

const auth: AuthConfig = {
  clientId: 'boxoffice-web',
  basePath: '/manage/',
  issuer: import.meta.env.VITE_OIDC_ISSUER,
};

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <AuthProvider config={auth}>
      <ToastProvider>
        <BrowserRouter basename="/manage">
          <App />
        </BrowserRouter>
      </ToastProvider>
    </AuthProvider>
  </StrictMode>,
);
