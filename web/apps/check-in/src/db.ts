// What the phone keeps for scanning without the network, in IndexedDB: the gate's setup, the
// signing key, the session's ticket manifest, the scans waiting to sync and the results of
// synced ones (conflicts among them stay until staff have seen them).
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { GateCount, ManifestEntry, ScanResult, SigningKey } from './api.ts';

export interface GateSetup {
  event_id: string;
  event_title: string;
  session_id: string;
  session_starts_at: string;
  gate: string;
}

export interface ManifestSummary {
  session_id: string;
  event_id: string;
  generated_at: string;
  expected: number;
  admitted: number;
  gates: GateCount[];
}

/** A manifest entry, plus this phone's own admission while it is not yet synced. */
export interface StoredTicket extends ManifestEntry {
  local_admission?: { at: string; gate: string; scan_id: string };
}

/** An admission made offline, waiting for the batch endpoint: of a scanned code or a typed number. */
export interface QueuedScan {
  scan_id: string;
  qr?: string;
  ticket_number?: string;
  gate: string;
  scanned_at: string;
  session_id: string;
  ticket_id: string;
  /** What the gate showed, so a conflict can name the person. */
  label: string;
}

export interface SyncedScan extends ScanResult {
  qr_label: string;
  scanned_at: string;
  gate: string;
  synced_at: string;
  /** The server did not admit what this phone admitted offline, and staff have not dismissed it. */
  conflict: boolean;
}

interface CheckInSchema extends DBSchema {
  settings: {
    key: 'setup' | 'signing-key' | 'manifest';
    value: GateSetup | SigningKey | ManifestSummary;
  };
  tickets: { key: string; value: StoredTicket; indexes: { ticket_number: string } };
  queue: { key: string; value: QueuedScan; indexes: { scanned_at: string } };
  synced: { key: string; value: SyncedScan; indexes: { synced_at: string } };
}

export type CheckInDb = IDBPDatabase<CheckInSchema>;

export const DB_NAME = 'boxoffice-check-in';

export function openCheckInDb(name: string = DB_NAME): Promise<CheckInDb> {
  return openDB<CheckInSchema>(name, 2, {
    upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) {
        db.createObjectStore('settings');
        db.createObjectStore('tickets', { keyPath: 'ticket_id' });
        db.createObjectStore('queue', { keyPath: 'scan_id' }).createIndex('scanned_at', 'scanned_at');
        db.createObjectStore('synced', { keyPath: 'scan_id' }).createIndex('synced_at', 'synced_at');
      }
      // Typed ticket numbers are looked up offline; manifests downloaded before numbers existed
      // are replaced by the next refresh.
      if (oldVersion < 2) tx.objectStore('tickets').createIndex('ticket_number', 'ticket_number');
    },
  });
}

export async function readSetup(db: CheckInDb): Promise<GateSetup | undefined> {
  return (await db.get('settings', 'setup')) as GateSetup | undefined;
}

export async function readSigningKey(db: CheckInDb): Promise<SigningKey | undefined> {
  return (await db.get('settings', 'signing-key')) as SigningKey | undefined;
}

export async function readManifestSummary(db: CheckInDb): Promise<ManifestSummary | undefined> {
  return (await db.get('settings', 'manifest')) as ManifestSummary | undefined;
}
