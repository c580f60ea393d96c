// The gate screen staff hold in their hand: the verdict of the last scan on top, where the
// thumb does not cover it; the code field a hand-held scanner types into and the ticket number
// field for a code that will not scan; the camera; then the connection, the scans waiting to
// sync, conflicts and the counters.
import { Button, ErrorState, formatDateTime, LoadingState } from '@boxoffice/ui';
import { type FormEvent, lazy, Suspense, useCallback, useEffect, useId, useRef, useState } from 'react';
import type { Verdict } from './engine.ts';
import { signal } from './feedback.ts';
import { useGate } from './gate-context.tsx';
import { SetupScreen } from './setup.tsx';
import { formatScanTime, VerdictPanel } from './verdict.tsx';

// The barcode reader and its .wasm load only when the camera is switched on.
const CameraScanner = lazy(() => import('./camera.tsx'));

export function GatePage() {
  const gate = useGate();
  if (gate.status === 'loading') return <LoadingState label="Opening the gate…" />;
  if (gate.status === 'failed') {
    return (
      <ErrorState title="This phone cannot store tickets">
        <p>{gate.error}</p>
        <p>Scanning offline needs the browser's storage. Leave private browsing, or free some space.</p>
      </ErrorState>
    );
  }
  return (
    <div className="gate">
      <ConnectionBar />
      {gate.status === 'setup' ? <SetupScreen /> : <ScanScreen />}
    </div>
  );
}

function ConnectionBar() {
  const gate = useGate();
  const waiting = gate.pending;
  return (
    <div className="gate__status">
      <p className={`gate__connection gate__connection--${gate.online ? 'online' : 'offline'}`} role="status">
        <span aria-hidden="true">{gate.online ? '●' : '○'}</span> {gate.online ? 'Online' : 'Offline'}
        {!gate.online && navigator.onLine ? (
          <span className="gate__why"> · no answer from Boxoffice</span>
        ) : null}
      </p>
      {gate.status === 'ready' || waiting ? (
        <p className={`gate__pending${waiting ? ' gate__pending--waiting' : ''}`} aria-live="polite">
          {waiting === 0
            ? gate.sync.kind === 'syncing'
              ? 'Syncing…'
              : 'All scans synced'
            : `${waiting} ${waiting === 1 ? 'scan' : 'scans'} waiting to sync`}
        </p>
      ) : null}
    </div>
  );
}

function ScanScreen() {
  const gate = useGate();
  const setup = gate.setup;
  const [verdict, setVerdict] = useState<Verdict>();
  const [count, setCount] = useState(0);
  const [camera, setCamera] = useState(false);
  const [code, setCode] = useState('');
  const [number, setNumber] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const inputId = useId();
  const numberId = useId();
  const numberHintId = useId();
  const { scan, scanNumber } = gate;

  // Codes are judged one after another in the order they came, however fast a scanner types.
  const judgeAs = useCallback(
    (text: string, as: 'code' | 'number') => {
      if (!text.trim()) return;
      chain.current = chain.current.then(async () => {
        let result: Verdict;
        try {
          result = await (as === 'number' ? scanNumber(text) : scan(text));
        } catch (cause) {
          result = {
            kind: 'refuse',
            via: navigator.onLine ? 'online' : 'offline',
            reason: 'not_read',
            message: cause instanceof Error ? cause.message : String(cause),
          };
        }
        signal(result.kind);
        setVerdict(result);
        setCount((n) => n + 1);
      });
    },
    [scan, scanNumber],
  );
  const judge = useCallback((text: string) => judgeAs(text, 'code'), [judgeAs]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    judge(code);
    setCode('');
    input.current?.focus();
  };

  // Back to the code field afterwards: a hand-held scanner types there, typing is the exception.
  const submitNumber = (event: FormEvent) => {
    event.preventDefault();
    judgeAs(number, 'number');
    setNumber('');
    input.current?.focus();
  };

  // With no camera running, the code field keeps the focus so a hand-held scanner can type.
  useEffect(() => {
    if (!camera) input.current?.focus();
  }, [camera]);

  // A scanner types wherever the focus is: keys typed with focus on a button or on nothing go
  // to the code field (focusing it in keydown makes the browser put the character there).
  useEffect(() => {
    const redirect = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      // Space stays with the button it activates; codes never contain one.
      if (event.ctrlKey || event.metaKey || event.altKey || event.key.length !== 1 || event.key === ' ')
        return;
      if (target?.closest('input, select, textarea, [contenteditable="true"], dialog')) return;
      input.current?.focus();
    };
    document.addEventListener('keydown', redirect);
    return () => document.removeEventListener('keydown', redirect);
  }, []);

  if (!setup) return null;
  return (
    <div className="scan">
      <div className="scan__context">
        <div>
          <p className="scan__event">{setup.event_title}</p>
          <p className="scan__session">
            {formatDateTime(setup.session_starts_at)} · Gate <strong>{setup.gate}</strong>
          </p>
        </div>
        <Button variant="secondary" onClick={() => void gate.change()}>
          Change gate
        </Button>
      </div>
      <h1 className="visually-hidden">Scan tickets</h1>
      <VerdictPanel verdict={verdict} count={count} />
      <form className="scan__entry" onSubmit={submit}>
        <label htmlFor={inputId} className="scan__label">
          Ticket code
        </label>
        <div className="scan__row">
          <input
            id={inputId}
            ref={input}
            className="bx-field__control scan__input"
            value={code}
            onChange={(event) => setCode(event.target.value)}
            autoComplete="off"
            autoCapitalize="off"
            autoCorrect="off"
            spellCheck={false}
            enterKeyHint="go"
            placeholder="Scan or type, then Enter"
          />
          <Button type="submit">Check</Button>
        </div>
      </form>
      <form className="scan__entry" onSubmit={submitNumber}>
        <label htmlFor={numberId} className="scan__label">
          Ticket number
        </label>
        <p id={numberHintId} className="scan__hint">
          When the code will not scan: the 12 letters and digits on the ticket.
        </p>
        <div className="scan__row">
          <input
            id={numberId}
            className="bx-field__control scan__input scan__input--number"
            value={number}
            onChange={(event) => setNumber(event.target.value)}
            aria-describedby={numberHintId}
            autoComplete="off"
            autoCapitalize="characters"
            autoCorrect="off"
            spellCheck={false}
            enterKeyHint="go"
            maxLength={24}
            placeholder="K7Q2-9XMB-4TZ8"
          />
          <Button type="submit">Check number</Button>
        </div>
      </form>
      <div className="scan__camera">
        <Button
          variant={camera ? 'secondary' : 'primary'}
          className="scan__camera-toggle"
          onClick={() => setCamera(!camera)}
          aria-pressed={camera}
        >
          {camera ? 'Stop camera' : 'Scan with camera'}
        </Button>
        {camera ? (
          <Suspense fallback={<LoadingState label="Starting the camera…" />}>
            <CameraScanner onCode={judge} />
          </Suspense>
        ) : null}
      </div>
      <SyncPanel />
      <Counters />
    </div>
  );
}

function SyncPanel() {
  const gate = useGate();
  const headingId = useId();
  const { sync, conflicts, pending, online } = gate;
  if (!conflicts.length && sync.kind !== 'needs-sign-in' && sync.kind !== 'failed' && !(pending && online))
    return null;
  return (
    <section className="bx-card sync" aria-labelledby={headingId}>
      <h2 id={headingId} className="sync__title">
        Sync
      </h2>
      {sync.kind === 'needs-sign-in' ? (
        <div className="bx-form-alert" role="alert">
          Your session has ended: sign in again to send {pending} waiting {pending === 1 ? 'scan' : 'scans'}.
          They are kept on this phone.
        </div>
      ) : null}
      {sync.kind === 'failed' ? (
        <p role="alert" className="sync__failed">
          The last sync did not go through ({sync.message}); it is tried again by itself.
        </p>
      ) : null}
      {pending && online ? (
        <Button variant="secondary" busy={sync.kind === 'syncing'} onClick={() => void gate.syncNow()}>
          {sync.kind === 'needs-sign-in' ? 'Sign in and sync' : 'Sync now'}
        </Button>
      ) : null}
      {conflicts.length ? (
        <>
          <h3 className="sync__subtitle">
            {conflicts.length} {conflicts.length === 1 ? 'conflict' : 'conflicts'} after sync
          </h3>
          <ul className="conflicts">
            {conflicts.map((conflict) => (
              <li key={conflict.scan_id} className="conflict">
                <p className="conflict__what">
                  <strong>{conflict.qr_label || 'A ticket'}</strong> was let in here offline at{' '}
                  {formatScanTime(conflict.scanned_at)}
                  {conflict.outcome === 'already_admitted'
                    ? `, but it had already been admitted at gate ${conflict.admitted_gate ?? 'unknown'}${
                        conflict.admitted_at ? ` at ${formatScanTime(conflict.admitted_at)}` : ''
                      }.`
                    : `, but Boxoffice refused it: ${conflict.message ?? conflict.outcome.replace(/_/g, ' ')}.`}
                </p>
                <Button variant="ghost" onClick={() => void gate.dismissConflict(conflict.scan_id)}>
                  Dismiss
                </Button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function Counters() {
  const gate = useGate();
  const headingId = useId();
  const summary = gate.summary;
  if (!summary) return null;
  // Admissions waiting to sync are counted already: they are people inside.
  const admitted = summary.admitted + gate.pending;
  const mine = gate.setup?.gate;
  const gates = summary.gates.map((count) =>
    count.gate === mine ? { ...count, admitted: count.admitted + gate.pending } : count,
  );
  if (mine && gate.pending && !gates.some((count) => count.gate === mine))
    gates.push({ gate: mine, admitted: gate.pending });
  const share = summary.expected ? Math.min(100, Math.round((admitted / summary.expected) * 100)) : 0;
  return (
    <section className="bx-card counters" aria-labelledby={headingId}>
      <h2 id={headingId} className="counters__title">
        Admitted
      </h2>
      <p className="counters__total">
        <strong>{admitted}</strong> of {summary.expected} expected
      </p>
      <div
        className="counters__bar"
        role="progressbar"
        aria-label="Admitted of expected"
        aria-valuemin={0}
        aria-valuemax={summary.expected}
        aria-valuenow={admitted}
      >
        <span style={{ width: `${share}%` }} />
      </div>
      {gates.length ? (
        <table className="counters__gates">
          <caption className="visually-hidden">Admitted per gate</caption>
          <thead>
            <tr>
              <th scope="col">Gate</th>
              <th scope="col">Admitted</th>
            </tr>
          </thead>
          <tbody>
            {gates.map((count) => (
              <tr key={count.gate} aria-current={count.gate === mine ? 'true' : undefined}>
                <th scope="row">
                  {count.gate}
                  {count.gate === mine ? ' (this gate)' : ''}
                </th>
                <td>{count.admitted}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="counters__none">Nobody has been admitted yet.</p>
      )}
      <p className="counters__updated">
        {gate.online ? 'Live' : 'Offline'} · counted at {formatScanTime(summary.generated_at)}
      </p>
    </section>
  );
}
