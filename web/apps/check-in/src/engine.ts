// The gate's decisions. Online, the server decides (one conditional update admits a ticket
// once); offline, or when the server cannot be reached, the phone decides from the signature
// and the downloaded manifest, and queues the admission with its own scan id so the batch
// endpoint can be told later, any number of times, with one admission as the result.
// A ticket number typed by staff takes the same paths: online the server looks it up in the
// gate's session; offline the downloaded manifest does (a number carries no signature, so a
// ticket sold after the download cannot be admitted by its number offline).
import type { ApiError } from '@boxoffice/api';
import {
  type CheckInClient,
  isUnreachable,
  type Manifest,
  type ScannedTicket,
  type ScanResult,
  type SessionCounts,
} from './api.ts';
import type { CheckInDb, GateSetup, ManifestSummary, QueuedScan, StoredTicket, SyncedScan } from './db.ts';
import { peekTicketCode, QR_FAILURE_TEXT, type TicketClaims, verifyTicketCode } from './qr.ts';

export interface TicketView {
  ticketId: string;
  ticketNumber?: string | undefined;
  seatLabel?: string | undefined;
  tierName?: string | undefined;
  holderName?: string | undefined;
}

export type RefusalReason =
  | 'already_admitted'
  | 'wrong_session'
  | 'forged'
  | 'not_valid'
  | 'unknown_ticket'
  | 'forbidden'
  | 'not_read'
  | 'not_a_number';

export type Verdict =
  | {
      kind: 'admit';
      via: 'online' | 'offline';
      ticket: TicketView;
      at: string;
      gate: string;
      /** Something staff should know although the ticket is admitted. */
      note?: string;
    }
  | {
      kind: 'refuse';
      via: 'online' | 'offline';
      reason: RefusalReason;
      message: string;
      ticket?: TicketView;
      admittedAt?: string;
      admittedGate?: string;
    };

export interface EngineDeps {
  db: CheckInDb;
  client: CheckInClient;
  isOnline: () => boolean;
  now?: () => Date;
  newId?: () => string;
}

export interface SyncReport {
  sent: number;
  admitted: number;
  conflicts: number;
}

/** How long a live scan may take before the phone judges the code itself. */
export const LIVE_SCAN_TIMEOUT_MS = 4_000;

/**
 * An offline admission the server calls `already_admitted` at the same gate this close before
 * it is the same person: a live scan that timed out on the phone but reached the server.
 */
const SAME_SCAN_WINDOW_MS = 30_000;

/** Whether the server's answer contradicts what the gate did offline. */
export function isConflict(scan: Pick<QueuedScan, 'gate' | 'scanned_at'>, result: ScanResult): boolean {
  if (result.outcome === 'admitted') return false;
  if (result.outcome === 'already_admitted' && result.admitted_gate === scan.gate && result.admitted_at) {
    const gap = Date.parse(scan.scanned_at) - Date.parse(result.admitted_at);
    return !(gap >= 0 && gap <= SAME_SCAN_WINDOW_MS);
  }
  return true;
}

/** The most scans one batch request carries (the server takes up to 500). */
const BATCH_SIZE = 200;

/** A ticket number as the server shows it (`K7Q2-9XMB-4TZ8`), from what staff typed. */
const TICKET_NUMBER = /^[0-9A-HJKMNP-TV-Z]{12}$/;

/**
 * What staff typed as a ticket number, in the form the server shows and the manifest holds:
 * case, dashes and spaces do not matter, O is read as 0 and I and L as 1 (Crockford base32).
 * Undefined when it cannot be a ticket number.
 */
export function normaliseTicketNumber(typed: string): string | undefined {
  const bare = typed.toUpperCase().replace(/[-\s]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!TICKET_NUMBER.test(bare)) return undefined;
  return `${bare.slice(0, 4)}-${bare.slice(4, 8)}-${bare.slice(8)}`;
}

export const NOT_A_TICKET_NUMBER = 'A ticket number is 12 letters and digits, like K7Q2-9XMB-4TZ8.';

/** What a scan names: a signed code, or a number staff typed. */
type Subject = { qr: string } | { ticket_number: string; session_id: string };

/** The ticket a refusal is about, as far as the phone knows it. */
interface Known {
  ticketId: string;
  ticket: TicketView;
}

function viewOf(ticket: ScannedTicket | StoredTicket): TicketView {
  return {
    ticketId: ticket.ticket_id,
    ticketNumber: ticket.ticket_number || undefined,
    seatLabel: ticket.seat_label ?? ticket.seat_id ?? undefined,
    tierName: ticket.tier_name ?? undefined,
    holderName: ticket.holder_name || undefined,
  };
}

function viewOfClaims(claims: TicketClaims, stored?: StoredTicket): TicketView {
  if (stored) return viewOf(stored);
  return { ticketId: claims.ticketId, seatLabel: claims.seatId, holderName: claims.holderName || undefined };
}

export function describeTicket(ticket: TicketView): string {
  return [ticket.seatLabel ? `Seat ${ticket.seatLabel}` : 'Standing', ticket.holderName]
    .filter(Boolean)
    .join(', ');
}

export class GateEngine {
  private readonly now: () => Date;
  private readonly newId: () => string;
  private syncing: Promise<SyncReport> | undefined;
  /** Why the last live scan was judged on the phone instead: no answer, or an ended session. */
  lastLiveFailure: 'unreachable' | 'unauthorized' | undefined;

  constructor(
    private readonly deps: EngineDeps,
    readonly setup: GateSetup,
    private readonly key: CryptoKey | undefined,
  ) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? (() => crypto.randomUUID());
  }

  /** Judges one code: the text of a QR, a hand-held scanner's input or a typed ticket code. */
  async scan(text: string): Promise<Verdict> {
    const code = text.trim();
    this.lastLiveFailure = undefined;
    const via = this.deps.isOnline() ? 'online' : 'offline';
    let claims: TicketClaims | undefined;
    if (this.key) {
      const verdict = await verifyTicketCode(code, this.key);
      if (!verdict.ok) {
        return {
          kind: 'refuse',
          via,
          reason: verdict.failure === 'bad_signature' ? 'forged' : 'not_read',
          message: QR_FAILURE_TEXT[verdict.failure],
        };
      }
      claims = verdict.claims;
    } else {
      // No key yet (setup still downloading): the server checks the signature; the session is
      // read unverified only to catch a ticket for another session early.
      claims = peekTicketCode(code);
    }
    const stored = claims ? await this.deps.db.get('tickets', claims.ticketId) : undefined;
    if (claims && claims.sessionId !== this.setup.session_id) {
      return {
        kind: 'refuse',
        via,
        reason: 'wrong_session',
        message: 'This ticket is for another session or event.',
        ticket: viewOfClaims(claims, stored),
      };
    }
    if (via === 'online') {
      const known = claims ? { ticketId: claims.ticketId, ticket: viewOfClaims(claims, stored) } : undefined;
      const verdict = await this.scanOnline({ qr: code }, known);
      if (verdict) return verdict;
    }
    if (!claims || !this.key) {
      return {
        kind: 'refuse',
        via: 'offline',
        reason: 'not_read',
        message: 'This code cannot be checked offline. Try again when the phone is online.',
      };
    }
    return this.scanOffline({ qr: code }, claims.ticketId, viewOfClaims(claims, stored), stored, claims);
  }

  /** Judges a ticket number staff typed (when a code cannot be scanned). */
  async scanNumber(typed: string): Promise<Verdict> {
    this.lastLiveFailure = undefined;
    const via = this.deps.isOnline() ? 'online' : 'offline';
    const number = normaliseTicketNumber(typed);
    if (!number) return { kind: 'refuse', via, reason: 'not_a_number', message: NOT_A_TICKET_NUMBER };
    const stored = await this.deps.db.getFromIndex('tickets', 'ticket_number', number);
    const subject = { ticket_number: number, session_id: this.setup.session_id };
    if (via === 'online') {
      const known = stored ? { ticketId: stored.ticket_id, ticket: viewOf(stored) } : undefined;
      const verdict = await this.scanOnline(subject, known);
      if (verdict) return verdict;
    }
    if (!stored) {
      return {
        kind: 'refuse',
        via: 'offline',
        reason: 'unknown_ticket',
        message: 'No ticket with this number in the downloaded list. Check the number, or scan the code.',
      };
    }
    return this.scanOffline(subject, stored.ticket_id, viewOf(stored), stored);
  }

  /** The server's verdict, or undefined when it could not be reached. */
  private async scanOnline(subject: Subject, known: Known | undefined): Promise<Verdict | undefined> {
    try {
      const admission = await this.deps.client.post('/api/check-in/scans', {
        body: { ...subject, gate: this.setup.gate },
        // A connection that hangs must not hold the queue up: judge offline instead.
        signal: AbortSignal.timeout(LIVE_SCAN_TIMEOUT_MS),
      });
      await this.remember(admission.ticket.ticket_id, admission.checked_in_at, admission.gate);
      return {
        kind: 'admit',
        via: 'online',
        ticket: viewOf(admission.ticket),
        at: admission.checked_in_at,
        gate: admission.gate,
      };
    } catch (cause) {
      if (isUnreachable(cause)) {
        this.lastLiveFailure = 'unreachable';
        return undefined;
      }
      if ((cause as ApiError).status === 401) {
        this.lastLiveFailure = 'unauthorized';
        return undefined;
      }
      return this.refusalOf(cause as ApiError, subject, known);
    }
  }

  private async refusalOf(error: ApiError, subject: Subject, known: Known | undefined): Promise<Verdict> {
    const typed = 'ticket_number' in subject;
    const base = { kind: 'refuse' as const, via: 'online' as const, ticket: known?.ticket };
    const detail = error.detail ?? {};
    if (error.status === 409 && detail.code === 'already_admitted') {
      const at = typeof detail.checked_in_at === 'string' ? detail.checked_in_at : undefined;
      const gate = typeof detail.gate === 'string' ? detail.gate : undefined;
      if (known && at) await this.remember(known.ticketId, at, gate ?? null);
      return {
        ...base,
        reason: 'already_admitted',
        message: 'This ticket has already been admitted.',
        admittedAt: at,
        admittedGate: gate,
      };
    }
    if (error.status === 409) {
      const status = typeof detail.status === 'string' ? detail.status : 'not valid';
      return { ...base, reason: 'not_valid', message: `This ticket is ${status}.` };
    }
    if (error.status === 422) {
      return typed
        ? { ...base, reason: 'not_a_number', message: error.message }
        : { ...base, reason: 'forged', message: QR_FAILURE_TEXT.bad_signature };
    }
    if (error.status === 404) {
      const message = typed
        ? 'Boxoffice knows no ticket with this number for this session.'
        : 'Boxoffice knows no such ticket.';
      return { ...base, reason: 'unknown_ticket', message };
    }
    if (error.status === 403) {
      return { ...base, reason: 'forbidden', message: 'You may not check people in for this event.' };
    }
    return { ...base, reason: 'not_read', message: error.message };
  }

  /** `claims` when a signed code was scanned; a typed number is always `stored`. */
  private async scanOffline(
    subject: Subject,
    ticketId: string,
    ticket: TicketView,
    stored: StoredTicket | undefined,
    claims?: TicketClaims,
  ): Promise<Verdict> {
    if (stored && stored.status !== 'valid') {
      return {
        kind: 'refuse',
        via: 'offline',
        reason: 'not_valid',
        message: `This ticket is ${stored.status}.`,
        ticket,
      };
    }
    const admitted =
      stored?.local_admission ??
      (stored?.checked_in_at ? { at: stored.checked_in_at, gate: stored.gate } : undefined);
    if (admitted) {
      return {
        kind: 'refuse',
        via: 'offline',
        reason: 'already_admitted',
        message: 'This ticket has already been admitted.',
        ticket,
        admittedAt: admitted.at,
        admittedGate: admitted.gate ?? undefined,
      };
    }
    const scan: QueuedScan = {
      scan_id: this.newId(),
      ...('qr' in subject ? { qr: subject.qr } : { ticket_number: subject.ticket_number }),
      gate: this.setup.gate,
      scanned_at: this.now().toISOString(),
      session_id: claims?.sessionId ?? this.setup.session_id,
      ticket_id: ticketId,
      label: describeTicket(ticket),
    };
    const tx = this.deps.db.transaction(['queue', 'tickets'], 'readwrite');
    await Promise.all([
      tx.objectStore('queue').put(scan),
      stored
        ? tx.objectStore('tickets').put({
            ...stored,
            local_admission: { at: scan.scanned_at, gate: scan.gate, scan_id: scan.scan_id },
          })
        : Promise.resolve(),
      tx.done,
    ]);
    if (!stored && claims) {
      // Sold after the manifest was downloaded: the signature is genuine, so let them in, but
      // remember the admission so a second scan on this phone is refused.
      await this.deps.db.put('tickets', {
        ticket_id: claims.ticketId,
        ticket_number: '',
        seat_id: claims.seatId ?? null,
        seat_label: null,
        block_id: '',
        tier_id: '',
        tier_name: null,
        holder_name: claims.holderName,
        status: 'valid',
        checked_in_at: null,
        gate: null,
        local_admission: { at: scan.scanned_at, gate: scan.gate, scan_id: scan.scan_id },
      });
    }
    return {
      kind: 'admit',
      via: 'offline',
      ticket,
      at: scan.scanned_at,
      gate: scan.gate,
      ...(stored ? {} : { note: 'Not in the downloaded ticket list; admitted on its genuine signature.' }),
    };
  }

  /** Keeps the manifest in step with what the server said about a ticket. */
  private async remember(ticketId: string, at: string, gate: string | null): Promise<void> {
    const stored = await this.deps.db.get('tickets', ticketId);
    if (stored) await this.deps.db.put('tickets', { ...stored, checked_in_at: at, gate });
  }

  async pendingCount(): Promise<number> {
    return this.deps.db.count('queue');
  }

  /**
   * Sends the queued scans through the batch endpoint. One sync runs at a time; a scan leaves
   * the queue only in the transaction that stores its result, and a repeated send gets the
   * server's stored result for its scan id, so nobody is admitted twice however often this runs.
   */
  sync(): Promise<SyncReport> {
    this.syncing ??= this.runSync().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async runSync(): Promise<SyncReport> {
    const report: SyncReport = { sent: 0, admitted: 0, conflicts: 0 };
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    const run = async () => {
      for (;;) {
        const batch = await this.deps.db.getAllFromIndex('queue', 'scanned_at', undefined, BATCH_SIZE);
        if (!batch.length) return;
        const { results } = await this.deps.client.post('/api/check-in/scans/batch', {
          body: {
            scans: batch.map(({ scan_id, qr, ticket_number, session_id, gate, scanned_at }) =>
              ticket_number
                ? { scan_id, ticket_number, session_id, gate, scanned_at }
                : { scan_id, qr: qr ?? '', gate, scanned_at },
            ),
          },
        });
        await this.storeResults(batch, results, report);
        report.sent += batch.length;
      }
    };
    // Two tabs of the app share the queue; the lock keeps them from sending it side by side.
    if (locks) await locks.request('boxoffice-check-in-sync', run);
    else await run();
    return report;
  }

  private async storeResults(batch: QueuedScan[], results: ScanResult[], report: SyncReport): Promise<void> {
    const byId = new Map(results.map((result) => [result.scan_id, result]));
    const syncedAt = this.now().toISOString();
    const tx = this.deps.db.transaction(['queue', 'synced', 'tickets'], 'readwrite');
    const work: Promise<unknown>[] = [];
    for (const scan of batch) {
      const result = byId.get(scan.scan_id);
      if (!result) continue;
      const conflict = isConflict(scan, result);
      if (conflict) report.conflicts++;
      else report.admitted++;
      const synced: SyncedScan = {
        ...result,
        qr_label: scan.label,
        scanned_at: scan.scanned_at,
        gate: scan.gate,
        synced_at: syncedAt,
        conflict,
      };
      work.push(tx.objectStore('synced').put(synced), tx.objectStore('queue').delete(scan.scan_id));
      work.push(
        tx
          .objectStore('tickets')
          .get(scan.ticket_id)
          .then((stored) => {
            if (!stored) return;
            const { local_admission: _, ...rest } = stored;
            return tx.objectStore('tickets').put({
              ...rest,
              checked_in_at: result.admitted_at ?? stored.checked_in_at,
              gate: result.admitted_gate ?? stored.gate,
            });
          }),
      );
    }
    await Promise.all([...work, tx.done]);
  }

  /** Scans the server did not admit although this phone did, newest first. */
  async conflicts(): Promise<SyncedScan[]> {
    const all = await this.deps.db.getAllFromIndex('synced', 'synced_at');
    return all.filter((scan) => scan.conflict).reverse();
  }

  async dismissConflict(scanId: string): Promise<void> {
    const scan = await this.deps.db.get('synced', scanId);
    if (scan) await this.deps.db.put('synced', { ...scan, conflict: false });
  }

  /** Downloads the session's manifest; this phone's unsynced admissions stay marked. */
  async refreshManifest(): Promise<ManifestSummary> {
    const manifest = await this.deps.client.get('/api/check-in/sessions/{id}/manifest', {
      path: { id: this.setup.session_id },
    });
    return storeManifest(this.deps.db, manifest);
  }

  /** The session's counters alone, cheap enough to ask every few seconds; kept for a reload. */
  async refreshCounts(): Promise<ManifestSummary> {
    const counts: SessionCounts = await this.deps.client.get('/api/check-in/sessions/{id}/counts', {
      path: { id: this.setup.session_id },
    });
    await this.deps.db.put('settings', counts, 'manifest');
    return counts;
  }
}

export async function storeManifest(db: CheckInDb, manifest: Manifest): Promise<ManifestSummary> {
  const { tickets, ...summary } = manifest;
  const tx = db.transaction(['settings', 'tickets', 'queue'], 'readwrite');
  const queued = await tx.objectStore('queue').getAll();
  const local = new Map(
    queued
      .filter((scan) => scan.session_id === manifest.session_id)
      .map((scan) => [scan.ticket_id, { at: scan.scanned_at, gate: scan.gate, scan_id: scan.scan_id }]),
  );
  const store = tx.objectStore('tickets');
  await store.clear();
  const work: Promise<unknown>[] = tickets.map((ticket) => {
    const mine = local.get(ticket.ticket_id);
    return store.put(mine && !ticket.checked_in_at ? { ...ticket, local_admission: mine } : ticket);
  });
  work.push(tx.objectStore('settings').put(summary, 'manifest'));
  await Promise.all([...work, tx.done]);
  return summary;
}
