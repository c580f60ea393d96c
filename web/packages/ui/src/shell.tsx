// The frame of every app: a skip link, the header with the brand, the navigation the signed-in
// person's roles allow, their name and the sign-in / sign-out control, then the page.
import type { ReactNode } from 'react';

export interface NavItem {
  href: string;
  label: string;
  /** Marks the item as the current page (aria-current). */
  current?: boolean;
  /** Another app: a plain link (a full page load), never handed to renderLink. */
  otherApp?: boolean;
}

export interface AppShellProps {
  appName: string;
  /** Where the brand links to (the app's home). */
  homeHref: string;
  nav?: NavItem[];
  /** Rendered at the header's end: the user's name, the organisation switcher, sign in/out. */
  account?: ReactNode;
  children: ReactNode;
  /** Renders internal links, so the router handles them (react-router's Link, for instance). */
  renderLink?: (item: NavItem, className?: string) => ReactNode;
}

export function AppShell({ appName, homeHref, nav = [], account, children, renderLink }: AppShellProps) {
  const link = (item: NavItem) =>
    renderLink && !item.otherApp ? (
      renderLink(item)
    ) : (
      <a href={item.href} aria-current={item.current ? 'page' : undefined}>
        {item.label}
      </a>
    );
  return (
    <>
      <a className="bx-skip" href="#main">
        Skip to content
      </a>
      <header className="bx-header">
        <div className="bx-header__inner">
          <a className="bx-brand" href={homeHref}>
            <span className="bx-brand__mark" aria-hidden="true">
              BO
            </span>
            <span>Boxoffice</span>
            <span className="bx-brand__app">{appName}</span>
          </a>
          {nav.length ? (
            <nav className="bx-nav" aria-label="Main">
              {nav.map((item) => (
                <span key={item.href}>{link(item)}</span>
              ))}
            </nav>
          ) : (
            <span style={{ marginRight: 'auto' }} />
          )}
          {account ? <div className="bx-user">{account}</div> : null}
        </div>
      </header>
      <main id="main" className="bx-main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
