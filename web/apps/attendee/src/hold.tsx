// The buyer's live hold, shared by the seat map and the checkout: it is released when the buyer
// cancels, goes elsewhere in the app, or closes the tab, so held places never wait out their
// time for nobody.
import type { Catalog, Sales } from '@boxoffice/api';
import { useAuth } from '@boxoffice/auth';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useLocation } from 'react-router';

export type Hold = Sales.components['schemas']['Hold'];
export type TierState = Catalog.components['schemas']['TierState'];

export interface HeldPlaces {
  hold: Hold;
  eventId: string;
  eventTitle: string;
  startsAt: string | null;
  timeZone: string | null;
  venue: string | null;
  tiers: TierState[];
  /** Block id → name, for standing places. */
  blockNames: Record<string, string>;
}

interface HoldStore {
  current: HeldPlaces | undefined;
  set: (held: HeldPlaces) => void;
  update: (hold: Hold) => void;
  /** Releases the hold at the server (if still live) and forgets it. */
  release: () => Promise<void>;
  /** Forgets the hold without releasing it: it became an order that was paid. */
  finish: () => void;
}

const HoldContext = createContext<HoldStore | undefined>(undefined);

const BUYER_KEY = 'boxoffice.buyer';

/**
 * A guest's id in this browser, which the sales API asks of holds and the waiting room of
 * buyers who are not signed in. Kept in localStorage so every tab is one buyer: a second tab
 * shares the first one's place in a waiting room rather than queueing twice.
 */
export function guestBuyerId(): string {
  let store: Storage;
  try {
    store = localStorage;
  } catch {
    store = sessionStorage; // storage for the site disabled: one id for this tab at least
  }
  let id = store.getItem(BUYER_KEY) ?? sessionStorage.getItem(BUYER_KEY);
  if (!id) id = `guest-${crypto.randomUUID()}`;
  store.setItem(BUYER_KEY, id);
  return id;
}

/** The pages a live hold survives on: its own seat map and the checkout. */
export function pathKeepsHold(path: string, sessionId: string): boolean {
  return (
    path === '/checkout' ||
    path === `/sessions/${encodeURIComponent(sessionId)}` ||
    path === `/sessions/${sessionId}`
  );
}

export function HoldProvider({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const [current, setCurrent] = useState<HeldPlaces | undefined>();
  const token = useRef<string | undefined>(undefined);
  const location = useLocation();

  const set = useCallback(
    (held: HeldPlaces) => {
      setCurrent(held);
      void auth.accessToken().then((value) => {
        token.current = value;
      });
    },
    [auth],
  );
  const update = useCallback((hold: Hold) => setCurrent((held) => (held ? { ...held, hold } : held)), []);
  const release = useCallback(async () => {
    const held = current;
    setCurrent(undefined);
    if (!held) return;
    await auth.api.sales
      .delete('/api/sales/holds/{token}', { path: { token: held.hold.hold_token } })
      .catch(() => undefined); // already expired or released: nothing left to free
  }, [auth, current]);
  const finish = useCallback(() => setCurrent(undefined), []);

  // Leaving the seat map and checkout gives the places back.
  useEffect(() => {
    if (current && !pathKeepsHold(location.pathname, current.hold.session_id)) void release();
  }, [location.pathname, current, release]);

  // Closing or reloading the tab too: a keepalive request outlives the page.
  useEffect(() => {
    if (!current) return;
    const onHide = () => {
      const headers: Record<string, string> = {};
      if (token.current) headers.Authorization = `Bearer ${token.current}`;
      void fetch(`/api/sales/holds/${encodeURIComponent(current.hold.hold_token)}`, {
        method: 'DELETE',
        keepalive: true,
        headers,
      }).catch(() => undefined);
    };
    window.addEventListener('pagehide', onHide);
    return () => window.removeEventListener('pagehide', onHide);
  }, [current]);

  const value = useMemo(
    () => ({ current, set, update, release, finish }),
    [current, set, update, release, finish],
  );
  return <HoldContext.Provider value={value}>{children}</HoldContext.Provider>;
}

export function useHold(): HoldStore {
  const value = useContext(HoldContext);
  if (!value) throw new Error('useHold outside HoldProvider');
  return value;
}

/** Seconds left until `expiresAt`, ticking every second; 0 once it has passed. */
export function useSecondsLeft(expiresAt: string | undefined): number {
  const left = () => (expiresAt ? Math.max(0, Math.ceil((Date.parse(expiresAt) - Date.now()) / 1000)) : 0);
  const [seconds, setSeconds] = useState(left);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `left` reads expiresAt
  useEffect(() => {
    setSeconds(left());
    if (!expiresAt) return;
    const timer = setInterval(() => setSeconds(left()), 1000);
    return () => clearInterval(timer);
  }, [expiresAt]);
  return seconds;
}

export function formatCountdown(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}
