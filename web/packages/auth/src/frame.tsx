// The shell every app uses, filled in from the session: the apps this person may use and their
// account controls.
import { AppShell, type NavItem } from '@boxoffice/ui';
import type { ReactNode } from 'react';
import { AccountControls } from './guards.tsx';
import { type AppId, appLinksFor } from './navigation.ts';
import { useAuth } from './session.tsx';

export interface AppFrameProps {
  app: AppId;
  appName: string;
  /** The app's own pages, after the links to the apps. */
  nav?: NavItem[];
  /** Shown in the account area before the name, e.g. the organisation switcher. */
  accountExtras?: ReactNode;
  renderLink?: (item: NavItem) => ReactNode;
  children: ReactNode;
}

export function AppFrame({ app, appName, nav = [], accountExtras, renderLink, children }: AppFrameProps) {
  const auth = useAuth();
  const apps = appLinksFor(auth.identity)
    .filter((link) => link.app !== app)
    .map((link) => ({ href: link.href, label: link.label, otherApp: true }));
  return (
    <AppShell
      appName={appName}
      homeHref={auth.config.basePath}
      nav={[...nav, ...apps]}
      account={<AccountControls>{accountExtras}</AccountControls>}
      renderLink={renderLink}
    >
      {children}
    </AppShell>
  );
}
