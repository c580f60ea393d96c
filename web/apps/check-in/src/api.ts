// The check-in endpoints of order-service (/api/check-in, its own OpenAPI document at
// /api/check-in/openapi.json, whose paths packages/api does not generate).
import { type ApiError, createClient, type Sales } from '@boxoffice/api';

type Schemas = Sales.components['schemas'];

// The schemas come from order-service's OpenAPI (generated into packages/api); only the paths,
// published in the separate check-in document, are written here.
export type ScannedTicket = Schemas['ScannedTicket'];
export type Admission = Schemas['Admission'];
export type OfflineScan = Schemas['OfflineScan'];
export type ScanResult = Schemas['ScanResult'];
export type ManifestEntry = Schemas['ManifestEntry'];
export type GateCount = Schemas['GateCount'];
export type Manifest = Schemas['Manifest'];
export type SessionCounts = Schemas['SessionCounts'];
export type SigningKey = Schemas['SigningKey'];

type Json<T> = { content: { 'application/json': T } };

export type CheckInPaths = {
  '/api/check-in/scans': {
    post: { requestBody: Json<Schemas['Scan']>; responses: { 200: Json<Admission> } };
  };
  '/api/check-in/scans/batch': {
    post: {
      requestBody: Json<Schemas['ScanBatch']>;
      responses: { 200: Json<Schemas['BatchResults']> };
    };
  };
  '/api/check-in/sessions/{id}/manifest': {
    get: { parameters: { path: { id: string } }; responses: { 200: Json<Manifest> } };
  };
  '/api/check-in/sessions/{id}/counts': {
    get: { parameters: { path: { id: string } }; responses: { 200: Json<SessionCounts> } };
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
