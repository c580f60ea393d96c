// The result of a scan, big enough to read at arm's length: a green ADMIT with the seat, tier
// and name, or a red REFUSED saying why. Colour is never the only sign: the word, an icon and
// the sound say the same.
import { useEffect, useState } from 'react';
import type { RefusalReason, Verdict } from './engine.ts';

const REASON_TITLE: Record<RefusalReason, string> = {
  already_admitted: 'Already admitted',
  wrong_session: 'Wrong session',
  forged: 'Forged or altered code',
  not_valid: 'Ticket not valid',
  unknown_ticket: 'Unknown ticket',
  forbidden: 'Not your event',
  not_read: 'Code not recognised',
  not_a_number: 'Not a ticket number',
};

/** "19:02:11" today, "Sat 3 Jan, 19:02" another day. */
export function formatScanTime(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  const sameDay = at.toDateString() === now.toDateString();
  return new Intl.DateTimeFormat(undefined, {
    ...(sameDay ? {} : { weekday: 'short', day: 'numeric', month: 'short' }),
    hour: '2-digit',
    minute: '2-digit',
    ...(sameDay ? { second: '2-digit' } : {}),
  }).format(at);
}

/** After this long a verdict fades, so nobody reads an old ADMIT as the person now at the gate. */
const FRESH_MS = 8_000;

export function VerdictPanel({ verdict, count }: { verdict: Verdict | undefined; count: number }) {
  const [fresh, setFresh] = useState(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: every new scan (count) makes it fresh again
  useEffect(() => {
    setFresh(true);
    const timer = window.setTimeout(() => setFresh(false), FRESH_MS);
    return () => window.clearTimeout(timer);
  }, [count]);

  return (
    <section className="verdict-region" aria-label="Scan result">
      <div aria-live="assertive" aria-atomic="true">
        {verdict ? (
          <VerdictCard verdict={verdict} count={count} fresh={fresh} />
        ) : (
          <div className="verdict verdict--idle" data-scan="0">
            <p className="verdict__word">Ready</p>
            <p className="verdict__detail">Scan a ticket, or type its code or number below.</p>
          </div>
        )}
      </div>
    </section>
  );
}

function VerdictCard({ verdict, count, fresh }: { verdict: Verdict; count: number; fresh: boolean }) {
  const ticket = verdict.ticket;
  const seat = ticket?.seatLabel ? `Seat ${ticket.seatLabel}` : ticket ? 'Standing' : undefined;
  const className = `verdict verdict--${verdict.kind}${fresh ? '' : ' verdict--stale'}`;
  if (verdict.kind === 'admit') {
    return (
      <div className={className} data-scan={count} data-verdict="admit">
        <p className="verdict__icon" aria-hidden="true">
          ✓
        </p>
        <h2 className="verdict__word">ADMIT</h2>
        {seat ? <p className="verdict__seat">{seat}</p> : null}
        <p className="verdict__detail">
          {[verdict.ticket.tierName, verdict.ticket.holderName].filter(Boolean).join(' · ') ||
            'Ticket checked'}
        </p>
        {verdict.ticket.ticketNumber ? (
          <p className="verdict__number">Ticket {verdict.ticket.ticketNumber}</p>
        ) : null}
        {verdict.note ? <p className="verdict__note">{verdict.note}</p> : null}
        <p className="verdict__meta">
          {verdict.via === 'offline' ? 'Admitted offline' : 'Admitted'} at {formatScanTime(verdict.at)}
          {verdict.via === 'offline' ? ' · syncs when online' : ''}
          {fresh ? '' : ' · ready for the next ticket'}
        </p>
      </div>
    );
  }
  return (
    <div className={className} data-scan={count} data-verdict="refuse" data-reason={verdict.reason}>
      <p className="verdict__icon" aria-hidden="true">
        ✕
      </p>
      <h2 className="verdict__word">REFUSED</h2>
      <p className="verdict__reason">{REASON_TITLE[verdict.reason]}</p>
      {verdict.reason === 'already_admitted' && (verdict.admittedGate || verdict.admittedAt) ? (
        <p className="verdict__seat">
          {verdict.admittedGate ? `Gate ${verdict.admittedGate}` : 'Another gate'}
          {verdict.admittedAt ? ` at ${formatScanTime(verdict.admittedAt)}` : ''}
        </p>
      ) : null}
      {verdict.reason === 'already_admitted' ? null : <p className="verdict__detail">{verdict.message}</p>}
      {ticket && (seat || ticket.holderName) ? (
        <p className="verdict__meta">
          {[seat, ticket.tierName, ticket.holderName, ticket.ticketNumber && `Ticket ${ticket.ticketNumber}`]
            .filter(Boolean)
            .join(' · ')}
        </p>
      ) : null}
      {fresh ? null : <p className="verdict__meta">Ready for the next ticket</p>}
    </div>
  );
}
