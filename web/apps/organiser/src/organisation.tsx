// The organisation an organiser is working in. People in several organisations switch in the
// header; the choice is remembered on this device.
import type { Manage } from '@boxoffice/api';
import { hasAnyRole, useAuth } from '@boxoffice/auth';
import { type Remote, useRemote } from '@boxoffice/ui';
import { createContext, type ReactNode, useContext, useEffect, useId, useMemo, useState } from 'react';

export type Organisation = Manage.components['schemas']['Organisation'];

const STORAGE_KEY = 'boxoffice.manage.organisation';

interface Organisations {
  list: Remote<Organisation[]> & { reload: () => void };
  current: Organisation | undefined;
  select: (organisationId: string) => void;
}

/** At most this many pages of organisations are read (10,000 organisations). */
const MAX_PAGES = 100;

const OrganisationContext = createContext<Organisations | undefined>(undefined);

export function OrganisationProvider({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const allowed = auth.status === 'signed-in' && hasAnyRole(auth.identity, ['organiser', 'admin']);
  const list = useRemote<Organisation[]>(
    async (signal) => {
      if (!allowed) return [];
      // The API pages 100 at a time; a person in more organisations than that sees them all.
      const items: Organisation[] = [];
      for (let page = 1; page <= MAX_PAGES; page += 1) {
        const answer = await auth.api.manage.get('/api/manage/organisations', {
          query: { page, per_page: 100 },
          signal,
        });
        items.push(...answer.items);
        if (answer.items.length === 0 || items.length >= answer.total) break;
      }
      return items;
    },
    [auth.api, allowed],
  );
  const [selected, setSelected] = useState<string | null>(() => window.localStorage.getItem(STORAGE_KEY));
  const items = list.data ?? [];
  const current = items.find((item) => item.organisation_id === selected) ?? items[0];
  useEffect(() => {
    if (current) window.localStorage.setItem(STORAGE_KEY, current.organisation_id);
  }, [current]);
  const value = useMemo<Organisations>(() => ({ list, current, select: setSelected }), [list, current]);
  return <OrganisationContext.Provider value={value}>{children}</OrganisationContext.Provider>;
}

export function useOrganisations(): Organisations {
  const organisations = useContext(OrganisationContext);
  if (!organisations) throw new Error('useOrganisations needs an <OrganisationProvider> above it');
  return organisations;
}

/** The header's organisation picker; only there for people in more than one organisation. */
export function OrganisationSwitcher() {
  const { list, current, select } = useOrganisations();
  const id = useId();
  const items = list.data ?? [];
  if (items.length < 2 || !current) return null;
  return (
    <span className="organisation-switcher">
      <label htmlFor={id}>Organisation</label>
      <select id={id} value={current.organisation_id} onChange={(event) => select(event.target.value)}>
        {items.map((item) => (
          <option key={item.organisation_id} value={item.organisation_id}>
            {item.name}
          </option>
        ))}
      </select>
    </span>
  );
}
