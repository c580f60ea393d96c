// The gate's state for every screen: its setup, the engine that judges codes, the counters,
// the scans waiting to sync and the conflicts sync found. Sync runs by itself whenever the
// phone is online (on the `online` event, then every few seconds while scans wait).
//
// The counters are live while the app is on screen and online: the session's counts (a few
// numbers, not the ticket list) are asked for every few seconds. The organisers' live sales
// stream is not used: it carries revenue, which staff may not see.
//
// "Online" is the browser saying so AND Boxoffice answering: a phone on a dead Wi-Fi, or a
// reloaded page whose browser still claims a connection, counts as offline after the first
// request that gets no answer, and online again after the first that does.
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
  useSyncExternalStore,
} from 'react';
import { createCheckInClient, isUnreachable, type Manifest, type SigningKey } from './api.ts';
import {
  type CheckInDb,
  type GateSetup,
  type ManifestSummary,
  openCheckInDb,
  readManifestSummary,
  readSetup,
  readSigningKey,
  type SyncedScan,
} from './db.ts';
import { GateEngine, storeManifest, type Verdict } from './engine.ts';
import { importVerifyingKey } from './qr.ts';

function subscribeOnline(onChange: () => void): () => void {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

export function useOnline(): boolean {
  return useSyncExternalStore(subscribeOnline, () => navigator.onLine);
}

function subscribeVisibility(onChange: () => void): () => void {
  document.addEventListener('visibilitychange', onChange);
  return () => document.removeEventListener('visibilitychange', onChange);
}

/** Whether the app is on screen (a phone in a pocket asks nothing). */
function useVisible(): boolean {
  return useSyncExternalStore(subscribeVisibility, () => document.visibilityState === 'visible');
}

export type SyncState =
  | { kind: 'idle'; lastSyncedAt?: string }
  | { kind: 'syncing' }
  | { kind: 'needs-sign-in' }
  | { kind: 'failed'; message: string };

export interface Gate {
  status: 'loading' | 'setup' | 'ready' | 'failed';
  error?: string;
  setup?: GateSetup;
  summary?: ManifestSummary;
  pending: number;
  conflicts: SyncedScan[];
  sync: SyncState;
  online: boolean;
  /** Stores a new setup with its key and manifest and starts scanning. */
  begin: (setup: GateSetup, key: SigningKey, manifest: Manifest) => Promise<void>;
  /** Back to the setup screen; queued scans stay and still sync. */
  change: () => Promise<void>;
  scan: (text: string) => Promise<Verdict>;
  /** Judges a ticket number staff typed. */
  scanNumber: (typed: string) => Promise<Verdict>;
  syncNow: () => Promise<void>;
  dismissConflict: (scanId: string) => Promise<void>;
}

const GateContext = createContext<Gate | undefined>(undefined);

/** The setup of an engine that syncs waiting scans but scans nothing (no gate is set up). */
const NO_GATE: GateSetup = { event_id: '', event_title: '', session_id: '', session_starts_at: '', gate: '' };

/**
 * How often waiting scans are retried, the counters refreshed (while on screen) and the ticket
 * list downloaded again for offline use, while online.
 */
const SYNC_EVERY_MS = 5_000;
const COUNTS_EVERY_MS = 3_000;
const REFRESH_EVERY_MS = 20_000;
/** How often an unanswered Boxoffice is tried again. */
const PROBE_EVERY_MS = 5_000;

export function GateProvider({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const browserOnline = useOnline();
  const visible = useVisible();
  const [reachable, setReachable] = useState(true);
  const online = browserOnline && reachable;
  const client = useMemo(() => createCheckInClient(auth.accessToken), [auth.accessToken]);
  const [db, setDb] = useState<CheckInDb>();
  const [status, setStatus] = useState<Gate['status']>('loading');
  const [error, setError] = useState<string>();
  const [engine, setEngine] = useState<GateEngine>();
  const [summary, setSummary] = useState<ManifestSummary>();
  const [pending, setPending] = useState(0);
  const [conflicts, setConflicts] = useState<SyncedScan[]>([]);
  const [sync, setSync] = useState<SyncState>({ kind: 'idle' });
  const onlineRef = useRef(online);
  onlineRef.current = online;

  const makeEngine = useCallback(
    async (database: CheckInDb, setup: GateSetup, key: SigningKey | undefined) =>
      new GateEngine(
        { db: database, client, isOnline: () => onlineRef.current },
        setup,
        key ? await importVerifyingKey(key.public_key) : undefined,
      ),
    [client],
  );

  const refreshQueue = useCallback(async (current: GateEngine) => {
    setPending(await current.pendingCount());
    setConflicts(await current.conflicts());
  }, []);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const database = await openCheckInDb();
        const [setup, key, stored] = await Promise.all([
          readSetup(database),
          readSigningKey(database),
          readManifestSummary(database),
        ]);
        if (!live) return;
        setDb(database);
        if (!setup) {
          // Scans still waiting from a gate that was changed: an engine that only syncs them.
          if (await database.count('queue')) {
            const syncing = await makeEngine(database, NO_GATE, key);
            if (!live) return;
            setEngine(syncing);
            await refreshQueue(syncing);
          }
          return setStatus('setup');
        }
        const made = await makeEngine(database, setup, key);
        if (!live) return;
        setEngine(made);
        setSummary(stored);
        setPending(await made.pendingCount());
        setConflicts(await made.conflicts());
        setStatus('ready');
      } catch (cause) {
        if (!live) return;
        setError(cause instanceof Error ? cause.message : String(cause));
        setStatus('failed');
      }
    })();
    return () => {
      live = false;
    };
  }, [makeEngine, refreshQueue]);

  const runSync = useCallback(async () => {
    if (!engine || !navigator.onLine) return;
    if ((await engine.pendingCount()) === 0) return;
    setSync({ kind: 'syncing' });
    try {
      await engine.sync();
      setReachable(true);
      setSync({ kind: 'idle', lastSyncedAt: new Date().toISOString() });
      // The counters now include what was synced.
      const fresh = engine.setup.session_id
        ? await engine.refreshManifest().catch(() => undefined)
        : undefined;
      if (fresh) setSummary(fresh);
    } catch (cause) {
      const statusOf = (cause as { status?: number }).status;
      if (statusOf === 401) setSync({ kind: 'needs-sign-in' });
      else if (isUnreachable(cause)) {
        setReachable(false);
        setSync({ kind: 'idle' });
      } else setSync({ kind: 'failed', message: cause instanceof Error ? cause.message : String(cause) });
    } finally {
      await refreshQueue(engine);
    }
  }, [engine, refreshQueue]);

  // Sync as soon as the phone is online, then keep trying while scans wait.
  useEffect(() => {
    if (!engine || !browserOnline) return;
    void runSync();
    const timer = window.setInterval(() => void runSync(), SYNC_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [engine, browserOnline, runSync]);

  // The ticket list for offline use, kept fresh while online; it brings the counters too. While
  // Boxoffice does not answer, this is also the probe that notices it is back.
  useEffect(() => {
    if (!engine?.setup.session_id || !browserOnline) return;
    const refresh = () =>
      void engine.refreshManifest().then(
        (fresh) => {
          setReachable(true);
          setSummary(fresh);
        },
        (cause: unknown) => {
          // Counters stay as they were; the next refresh tries again.
          if (isUnreachable(cause)) setReachable(false);
        },
      );
    refresh();
    const timer = window.setInterval(refresh, reachable ? REFRESH_EVERY_MS : PROBE_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [engine, browserOnline, reachable]);

  // Live counters: every gate's admissions within seconds, while on screen and answered.
  useEffect(() => {
    if (!engine?.setup.session_id || !browserOnline || !reachable || !visible) return;
    let asking = false;
    const timer = window.setInterval(() => {
      // A slow answer is not asked for twice.
      if (asking) return;
      asking = true;
      void engine
        .refreshCounts()
        .then(setSummary, (cause: unknown) => {
          if (isUnreachable(cause)) setReachable(false);
        })
        .finally(() => {
          asking = false;
        });
    }, COUNTS_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [engine, browserOnline, reachable, visible]);

  const begin = useCallback(
    async (setup: GateSetup, key: SigningKey, manifest: Manifest) => {
      if (!db) throw new Error('the phone storage is not open yet');
      await db.put('settings', key, 'signing-key');
      const stored = await storeManifest(db, manifest);
      await db.put('settings', setup, 'setup');
      const made = await makeEngine(db, setup, key);
      setEngine(made);
      setSummary(stored);
      await refreshQueue(made);
      setStatus('ready');
    },
    [db, makeEngine, refreshQueue],
  );

  const change = useCallback(async () => {
    if (db) await db.delete('settings', 'setup');
    // The engine stays until a new gate is set up, so scans still waiting keep syncing.
    setStatus('setup');
  }, [db]);

  const judge = useCallback(
    async (text: string, as: 'code' | 'number') => {
      if (!engine) throw new Error('choose a session first');
      const tried = onlineRef.current;
      const verdict = as === 'number' ? await engine.scanNumber(text) : await engine.scan(text);
      // Tried online, judged offline: Boxoffice did not answer, or the session has ended.
      if (tried && engine.lastLiveFailure === 'unreachable') setReachable(false);
      if (engine.lastLiveFailure === 'unauthorized') setSync({ kind: 'needs-sign-in' });
      if (verdict.via === 'online') setReachable(true);
      if (verdict.kind === 'admit' && verdict.via === 'online') {
        // Counted at once; the next manifest refresh brings the other gates' counts.
        setSummary((current) => current && countAdmission(current, verdict.gate));
      }
      await refreshQueue(engine);
      return verdict;
    },
    [engine, refreshQueue],
  );
  const scan = useCallback((text: string) => judge(text, 'code'), [judge]);
  const scanNumber = useCallback((typed: string) => judge(typed, 'number'), [judge]);

  const syncNow = useCallback(async () => {
    if (sync.kind === 'needs-sign-in') return auth.signIn();
    await runSync();
  }, [auth, runSync, sync.kind]);

  const dismissConflict = useCallback(
    async (scanId: string) => {
      if (!engine) return;
      await engine.dismissConflict(scanId);
      await refreshQueue(engine);
    },
    [engine, refreshQueue],
  );

  const value = useMemo<Gate>(
    () => ({
      status,
      ...(error ? { error } : {}),
      ...(engine ? { setup: engine.setup } : {}),
      ...(summary ? { summary } : {}),
      pending,
      conflicts,
      sync,
      online,
      begin,
      change,
      scan,
      scanNumber,
      syncNow,
      dismissConflict,
    }),
    [
      status,
      error,
      engine,
      summary,
      pending,
      conflicts,
      sync,
      online,
      begin,
      change,
      scan,
      scanNumber,
      syncNow,
      dismissConflict,
    ],
  );
  return <GateContext.Provider value={value}>{children}</GateContext.Provider>;
}

export function countAdmission(summary: ManifestSummary, gate: string): ManifestSummary {
  const known = summary.gates.some((count) => count.gate === gate);
  const gates = known
    ? summary.gates.map((count) => (count.gate === gate ? { ...count, admitted: count.admitted + 1 } : count))
    : [...summary.gates, { gate, admitted: 1 }];
  return { ...summary, admitted: summary.admitted + 1, gates };
}

export function useGate(): Gate {
  const gate = useContext(GateContext);
  if (!gate) throw new Error('useGate needs a <GateProvider> above it');
  return gate;
}
