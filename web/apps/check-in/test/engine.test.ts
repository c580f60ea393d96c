import 'fake-indexeddb/auto';
import { ApiError } from '@boxoffice/api';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Admission, CheckInClient, Manifest, OfflineScan, ScanResult } from '../src/api.ts';
import { type CheckInDb, openCheckInDb } from '../src/db.ts';
import { GateEngine, isConflict, normaliseTicketNumber, storeManifest } from '../src/engine.ts';
import { importVerifyingKey, peekTicketCode } from '../src/qr.ts';
import { signCode, type TestKey, testKey } from './tickets.ts';

const SESSION = '01920000-0000-7000-8000-00000000aaaa';
const OTHER_SESSION = '01920000-0000-7000-8000-00000000bbbb';
const ticketId = (n: number) => `01920000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const numberOf = (n: number) => `0000-0000-${String(n).padStart(4, '0')}`;
/** The ticket a number names in the fake server: numbers end in the ticket's n. */
const ticketOfNumber = (number: string) => ticketId(Number(number.slice(-4)));

/** order-service's check-in rules, in memory: the first admission stands; scan ids replay. */
class FakeServer {
  admitted = new Map<string, { at: string; gate: string }>();
  stored = new Map<string, ScanResult>();
  batches = 0;
  down = false;
  signedOut = false;
  constructor(readonly refunded = new Set<string>()) {}

  client(): CheckInClient {
    const fail = (status: number, detail: Record<string, unknown>) =>
      new ApiError(status, { code: 'x', message: 'refused', ...detail }, 'POST', '/');
    const post = async (path: string, { body }: { body: unknown }) => {
      if (this.down) throw ApiError.network('POST', path, new TypeError('Failed to fetch'));
      if (this.signedOut) throw new ApiError(401, { code: 'unauthorized', message: 'sign in' }, 'POST', path);
      if (path === '/api/check-in/scans') {
        const { qr, ticket_number, gate } = body as { qr?: string; ticket_number?: string; gate: string };
        const claims = ticket_number
          ? { ticketId: ticketOfNumber(ticket_number), sessionId: SESSION, seatId: undefined, holderName: '' }
          : peekTicketCode(qr ?? '');
        if (!claims) throw fail(422, {});
        if (this.refunded.has(claims.ticketId))
          throw fail(409, { code: 'ticket_not_valid', status: 'refunded' });
        const first = this.admitted.get(claims.ticketId);
        if (first) throw fail(409, { code: 'already_admitted', checked_in_at: first.at, gate: first.gate });
        const at = new Date().toISOString();
        this.admitted.set(claims.ticketId, { at, gate });
        return {
          outcome: 'admitted',
          checked_in_at: at,
          gate,
          ticket: {
            ticket_id: claims.ticketId,
            event_id: 'e',
            session_id: claims.sessionId,
            seat_id: claims.seatId ?? null,
            seat_label: claims.seatId ?? null,
            block_id: 'b',
            tier_id: 't',
            tier_name: 'Stalls',
            holder_name: claims.holderName,
          },
        } satisfies Admission;
      }
      this.batches++;
      const results = (body as { scans: OfflineScan[] }).scans.map((scan): ScanResult => {
        const replay = this.stored.get(scan.scan_id);
        if (replay) return replay;
        const id = scan.ticket_number
          ? ticketOfNumber(scan.ticket_number)
          : (peekTicketCode(scan.qr ?? '')?.ticketId ?? '');
        const first = this.admitted.get(id);
        const result: ScanResult = first
          ? {
              scan_id: scan.scan_id,
              outcome: 'already_admitted',
              ticket: null,
              admitted_at: first.at,
              admitted_gate: first.gate,
              message: null,
            }
          : {
              scan_id: scan.scan_id,
              outcome: 'admitted',
              ticket: null,
              admitted_at: scan.scanned_at,
              admitted_gate: scan.gate,
              message: null,
            };
        if (!first) this.admitted.set(id, { at: scan.scanned_at, gate: scan.gate });
        this.stored.set(scan.scan_id, result);
        return result;
      });
      return { results };
    };
    return { post, get: async () => ({}) } as unknown as CheckInClient;
  }
}

function manifest(
  ids: number[],
  extra: Partial<Record<number, Partial<Manifest['tickets'][number]>>> = {},
): Manifest {
  return {
    session_id: SESSION,
    event_id: 'e',
    generated_at: new Date().toISOString(),
    expected: ids.length,
    admitted: 0,
    gates: [],
    tickets: ids.map((n) => ({
      ticket_id: ticketId(n),
      ticket_number: numberOf(n),
      seat_id: `A-${n}`,
      seat_label: `Row A, seat ${n}`,
      block_id: 'b',
      tier_id: 't',
      tier_name: 'Stalls',
      holder_name: `Holder ${n}`,
      status: 'valid',
      checked_in_at: null,
      gate: null,
      ...extra[n],
    })),
  };
}

let db: CheckInDb;
let key: TestKey;
let dbCount = 0;
const setup = {
  event_id: 'e',
  event_title: 'Show',
  session_id: SESSION,
  session_starts_at: '',
  gate: 'north',
};

beforeEach(async () => {
  db = await openCheckInDb(`test-${++dbCount}`);
  key = await testKey();
});

async function engineFor(server: FakeServer, online: { value: boolean }, gate = 'north') {
  return new GateEngine(
    { db, client: server.client(), isOnline: () => online.value },
    { ...setup, gate },
    await importVerifyingKey(key.publicKey),
  );
}

const code = (n: number, session = SESSION) =>
  signCode({ ticketId: ticketId(n), sessionId: session, seatId: `A-${n}`, holderName: `Holder ${n}` }, key);

describe('the gate engine', () => {
  it('admits online once, then refuses with the first admission', async () => {
    const server = new FakeServer();
    const engine = await engineFor(server, { value: true });
    await storeManifest(db, manifest([1]));
    const first = await engine.scan(await code(1));
    expect(first).toMatchObject({
      kind: 'admit',
      via: 'online',
      gate: 'north',
      ticket: { seatLabel: 'A-1' },
    });
    const second = await engine.scan(await code(1));
    expect(second).toMatchObject({ kind: 'refuse', reason: 'already_admitted', admittedGate: 'north' });
  });

  it('refuses a ticket for another session and a forged code before asking the server', async () => {
    const server = new FakeServer();
    const engine = await engineFor(server, { value: true });
    expect(await engine.scan(await code(2, OTHER_SESSION))).toMatchObject({ reason: 'wrong_session' });
    const genuine = await code(3);
    const forged = `${genuine.slice(0, 10)}${genuine[10] === 'A' ? 'B' : 'A'}${genuine.slice(11)}`;
    expect(await engine.scan(forged)).toMatchObject({ kind: 'refuse', reason: 'forged' });
    expect(server.admitted.size).toBe(0);
  });

  it('queues offline admissions and syncs them exactly once', async () => {
    const server = new FakeServer();
    const online = { value: false };
    const engine = await engineFor(server, online);
    await storeManifest(db, manifest([1, 2, 3]));
    for (const n of [1, 2, 3])
      expect(await engine.scan(await code(n))).toMatchObject({ kind: 'admit', via: 'offline' });
    expect(await engine.scan(await code(2))).toMatchObject({
      reason: 'already_admitted',
      admittedGate: 'north',
    });
    expect(await engine.pendingCount()).toBe(3);
    online.value = true;
    const [a, b] = await Promise.all([engine.sync(), engine.sync()]);
    expect(a).toEqual({ sent: 3, admitted: 3, conflicts: 0 });
    expect(b).toBe(a);
    expect(await engine.sync()).toEqual({ sent: 0, admitted: 0, conflicts: 0 });
    expect(server.admitted.size).toBe(3);
    expect(server.batches).toBe(1);
    expect(await engine.pendingCount()).toBe(0);
    // The synced admissions still refuse a second scan offline.
    online.value = false;
    expect(await engine.scan(await code(1))).toMatchObject({ reason: 'already_admitted' });
  });

  it('falls back to offline when the server cannot be reached', async () => {
    const server = new FakeServer();
    server.down = true;
    const engine = await engineFor(server, { value: true });
    await storeManifest(db, manifest([1]));
    expect(await engine.scan(await code(1))).toMatchObject({ kind: 'admit', via: 'offline' });
    expect(await engine.pendingCount()).toBe(1);
    await expect(engine.sync()).rejects.toThrow();
    expect(await engine.pendingCount()).toBe(1);
    server.down = false;
    expect(await engine.sync()).toMatchObject({ admitted: 1 });
  });

  it('judges on the phone when the session has ended, and says so', async () => {
    const server = new FakeServer();
    server.signedOut = true;
    const engine = await engineFor(server, { value: true });
    await storeManifest(db, manifest([1]));
    expect(await engine.scan(await code(1))).toMatchObject({ kind: 'admit', via: 'offline' });
    expect(engine.lastLiveFailure).toBe('unauthorized');
    await expect(engine.sync()).rejects.toMatchObject({ status: 401 });
    expect(await engine.pendingCount()).toBe(1);
  });

  it('shows a conflict when another gate admitted the ticket first', async () => {
    const server = new FakeServer();
    const online = { value: false };
    const engine = await engineFor(server, online, 'south');
    await storeManifest(db, manifest([7]));
    expect(await engine.scan(await code(7))).toMatchObject({ kind: 'admit', via: 'offline' });
    server.admitted.set(ticketId(7), { at: '2026-01-01T19:00:00Z', gate: 'north' });
    online.value = true;
    expect(await engine.sync()).toMatchObject({ conflicts: 1 });
    const [conflict] = await engine.conflicts();
    expect(conflict).toMatchObject({
      outcome: 'already_admitted',
      admitted_gate: 'north',
      qr_label: 'Seat Row A, seat 7, Holder 7',
    });
    await engine.dismissConflict(conflict?.scan_id ?? '');
    expect(await engine.conflicts()).toEqual([]);
  });

  it('refuses refunded tickets and already admitted ones from the manifest offline', async () => {
    const engine = await engineFor(new FakeServer(), { value: false });
    await storeManifest(
      db,
      manifest([1, 2], {
        1: { status: 'refunded' },
        2: { checked_in_at: '2026-01-01T19:00:00Z', gate: 'east' },
      }),
    );
    expect(await engine.scan(await code(1))).toMatchObject({
      reason: 'not_valid',
      message: 'This ticket is refunded.',
    });
    expect(await engine.scan(await code(2))).toMatchObject({
      reason: 'already_admitted',
      admittedGate: 'east',
    });
  });

  it('admits a genuine ticket missing from the manifest, with a note, and only once', async () => {
    const engine = await engineFor(new FakeServer(), { value: false });
    await storeManifest(db, manifest([]));
    expect(await engine.scan(await code(9))).toMatchObject({
      kind: 'admit',
      note: expect.stringMatching(/Not in/),
    });
    expect(await engine.scan(await code(9))).toMatchObject({ reason: 'already_admitted' });
  });

  it('keeps unsynced admissions marked when the manifest is downloaded again', async () => {
    const engine = await engineFor(new FakeServer(), { value: false });
    await storeManifest(db, manifest([1]));
    await engine.scan(await code(1));
    await storeManifest(db, manifest([1]));
    expect(await engine.scan(await code(1))).toMatchObject({ reason: 'already_admitted' });
  });

  it('admits a typed ticket number online once, whatever its case and dashes', async () => {
    const server = new FakeServer();
    const engine = await engineFor(server, { value: true });
    await storeManifest(db, manifest([4]));
    expect(await engine.scanNumber('oooo ooo0 ooo4')).toMatchObject({ kind: 'admit', via: 'online' });
    expect(await engine.scanNumber(numberOf(4))).toMatchObject({
      kind: 'refuse',
      reason: 'already_admitted',
      admittedGate: 'north',
      ticket: { ticketNumber: numberOf(4), seatLabel: 'Row A, seat 4' },
    });
    expect(await engine.scanNumber('K7Q2-9XMB')).toMatchObject({ reason: 'not_a_number' });
    expect(server.admitted.size).toBe(1);
  });

  it('looks a typed number up in the manifest offline and syncs it by number', async () => {
    const server = new FakeServer();
    const online = { value: false };
    const engine = await engineFor(server, online);
    await storeManifest(db, manifest([5, 6]));
    expect(await engine.scanNumber(numberOf(5).toLowerCase())).toMatchObject({
      kind: 'admit',
      via: 'offline',
      ticket: { ticketNumber: numberOf(5), holderName: 'Holder 5' },
    });
    expect(await engine.scanNumber(numberOf(5))).toMatchObject({ reason: 'already_admitted' });
    expect(await engine.scanNumber(numberOf(7))).toMatchObject({ reason: 'unknown_ticket', via: 'offline' });
    const [queued] = await db.getAll('queue');
    expect(queued).toMatchObject({ ticket_number: numberOf(5), session_id: SESSION, ticket_id: ticketId(5) });
    expect(queued?.qr).toBeUndefined();
    online.value = true;
    expect(await engine.sync()).toEqual({ sent: 1, admitted: 1, conflicts: 0 });
    expect(server.admitted.has(ticketId(5))).toBe(true);
  });
});

describe('typed ticket numbers', () => {
  it('are read as Crockford base32 and shown in groups of four', () => {
    expect(normaliseTicketNumber(' k7q2 9xmb-4tz8 ')).toBe('K7Q2-9XMB-4TZ8');
    expect(normaliseTicketNumber('OIL0OIL0OIL0')).toBe('0110-0110-0110');
    for (const wrong of ['', 'K7Q2-9XMB-4TZ', 'K7Q2-9XMB-4TZ88', 'K7Q2-9XMB-4TZU', 'K7Q2_9XMB_4TZ8'])
      expect(normaliseTicketNumber(wrong)).toBeUndefined();
  });
});

describe('conflicts after sync', () => {
  const result = (outcome: ScanResult['outcome'], gate: string | null, at: string | null): ScanResult => ({
    scan_id: 's',
    outcome,
    ticket: null,
    admitted_at: at,
    admitted_gate: gate,
    message: null,
  });
  const scan = { gate: 'north', scanned_at: '2026-01-01T19:00:10Z' };

  it('is none when the scan was admitted', () => {
    expect(isConflict(scan, result('admitted', 'north', scan.scanned_at))).toBe(false);
  });

  it('is one when another gate admitted the ticket first', () => {
    expect(isConflict(scan, result('already_admitted', 'south', '2026-01-01T19:00:00Z'))).toBe(true);
  });

  it('is none for this gate’s own live scan that timed out moments before', () => {
    expect(isConflict(scan, result('already_admitted', 'north', '2026-01-01T19:00:05Z'))).toBe(false);
  });

  it('is one for this gate’s admission long before (a copied ticket)', () => {
    expect(isConflict(scan, result('already_admitted', 'north', '2026-01-01T18:00:00Z'))).toBe(true);
  });

  it('is one when the ticket was refunded', () => {
    expect(isConflict(scan, result('not_valid', null, null))).toBe(true);
  });
});
