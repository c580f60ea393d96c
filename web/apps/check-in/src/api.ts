// The check-in endpoints of order-service (/api/check-in, its own OpenAPI document at
// /api/check-in/openapi.json, which packages/api does not generate types from), typed by hand
// after the service's utoipa schemas in order-service/src/routes/check_in.rs.
import { type ApiError, createClient, type Sales } from '@boxoffice/api';

export interface ScannedTicket {
  ticket_id: string;
  event_id: string;
  session_id: string;
  seat_id: string | null;
  seat_label: string | null;
  block_id: string;
  tier_id: string;
  tier_name: string | null;
  holder_name: string;
}

export interface Admission {
  outcome: 'admitted';
  ticket: ScannedTicket;
  checked_in_at: string;
  gate: string;
}

export interface OfflineScan {
  scan_id: string;
  qr: string;
  gate: string;
  scanned_at: string;
}

export type BatchOutcome =
  | 'admitted'
  | 'already_admitted'
  | 'not_valid'
  | 'invalid_code'
  | 'invalid_scan_time'
  | 'unknown_ticket'
  | 'forbidden';

export interface ScanResult {
  scan_id: string;
  outcome: BatchOutcome;
  ticket: ScannedTicket | null;
  admitted_at: string | null;
  admitted_gate: string | null;
  message: string | null;
}

export interface ManifestEntry {
  ticket_id: string;
  seat_id: string | null;
  seat_label: string | null;
  block_id: string;
  tier_id: string;
  tier_name: string | null;
  holder_name: string;
  status: 'valid' | 'refunded' | 'void';
  checked_in_at: string | null;
  gate: string | null;
}

export interface GateCount {
  gate: string;
  admitted: number;
}

export interface Manifest {
  session_id: string;
  event_id: string;
  generated_at: string;
  expected: number;
  admitted: number;
  gates: GateCount[];
  tickets: ManifestEntry[];
}

export type SigningKey = Sales.components['schemas']['SigningKey'];

type Json<T> = { content: { 'application/json': T } };

export type CheckInPaths = {
  '/api/check-in/scans': {
    post: { requestBody: Json<{ qr: string; gate: string }>; responses: { 200: Json<Admission> } };
  };
  '/api/check-in/scans/batch': {
    post: {
      requestBody: Json<{ scans: OfflineScan[] }>;
      responses: { 200: Json<{ results: ScanResult[] }> };
    };
  };
  '/api/check-in/sessions/{id}/manifest': {
    get: { parameters: { path: { id: string } }; responses: { 200: Json<Manifest> } };
  };
};

export type CheckInClient = ReturnType<typeof createClient<CheckInPaths>>;

/**
 * A client that never redirects to sign in on a 401: at a gate a scan must not turn into a page
 * change. The caller queues the scan instead and asks for a sign-in when it suits staff.
 */
export function createCheckInClient(accessToken: () => Promise<string | undefined>): CheckInClient {
  return createClient<CheckInPaths>({ accessToken });
}

/** The server was not reached, or answered as a gateway does when the service is down. */
export function isUnreachable(error: unknown): boolean {
  const status = (error as Partial<ApiError> | undefined)?.status;
  return status === 0 || status === 502 || status === 503 || status === 504;
}
