// A ticket's QR code, read and verified on the device, so a gate can judge a code without the
// network. The layout is order-service's (shared-dto/src/ticket_qr.rs): base64url without
// padding of `payload || signature`, where payload is
//   version (1) | ticket id (16) | session id (16) | issued at, i64 big-endian seconds (8)
//   | seat id length (1) + UTF-8 | holder name length (1) + UTF-8
// and the signature is Ed25519 (64 bytes) over "boxoffice-ticket-qr-v1" || payload.

export const FORMAT_VERSION = 1;
export const SIGNING_CONTEXT = 'boxoffice-ticket-qr-v1';
const SIGNATURE_LEN = 64;
const FIXED_LEN = 1 + 16 + 16 + 8;
const MAX_CODE_CHARS = 1024;

export interface TicketClaims {
  ticketId: string;
  sessionId: string;
  /** undefined for a standing place. */
  seatId: string | undefined;
  holderName: string;
  issuedAt: Date;
}

export type QrFailure = 'malformed' | 'unsupported_version' | 'bad_signature';

export type QrVerdict = { ok: true; claims: TicketClaims } | { ok: false; failure: QrFailure };

export const QR_FAILURE_TEXT: Record<QrFailure, string> = {
  malformed: 'This is not a Boxoffice ticket code.',
  unsupported_version: 'This ticket code is in a format this app does not read. Update the app.',
  bad_signature: 'The code was altered or not issued by Boxoffice.',
};

/** Strict base64url without padding; refuses non-canonical trailing bits like the server does. */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const char of text) {
    value = (value << 6) | alphabet.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (value >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero, so that no two texts decode to one code.
  if (bits > 0 && (value & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}

export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function uuidOf(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The claims of a payload (signature already checked), or why it cannot be read. */
export function parsePayload(payload: Uint8Array): TicketClaims | QrFailure {
  if (payload.length < FIXED_LEN + 2) return 'malformed';
  if (payload[0] !== FORMAT_VERSION) return 'unsupported_version';
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const seconds = view.getBigInt64(33, false);
  let at = FIXED_LEN;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const text = (): string | undefined => {
    const length = payload[at];
    if (length === undefined || at + 1 + length > payload.length) return undefined;
    const bytes = payload.subarray(at + 1, at + 1 + length);
    at += 1 + length;
    try {
      return decoder.decode(bytes);
    } catch {
      return undefined;
    }
  };
  const seat = text();
  const holder = text();
  if (seat === undefined || holder === undefined || at !== payload.length) return 'malformed';
  return {
    ticketId: uuidOf(payload.subarray(1, 17)),
    sessionId: uuidOf(payload.subarray(17, 33)),
    seatId: seat === '' ? undefined : seat,
    holderName: holder,
    issuedAt: new Date(Number(seconds) * 1000),
  };
}

/** Imports the key `GET /api/sales/ticket-signing-key` gives as `public_key`. */
export async function importVerifyingKey(publicKey: string): Promise<CryptoKey> {
  const raw = decodeBase64Url(publicKey.trim());
  if (raw?.length !== 32) throw new Error('the ticket signing key is not a 32-byte Ed25519 key');
  return crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, [
    'verify',
  ]);
}

/** Checks the signature first, then reads what the code asserts. */
export async function verifyTicketCode(code: string, key: CryptoKey): Promise<QrVerdict> {
  const text = code.trim();
  if (!text || text.length > MAX_CODE_CHARS) return { ok: false, failure: 'malformed' };
  const bytes = decodeBase64Url(text);
  if (!bytes || bytes.length < FIXED_LEN + 2 + SIGNATURE_LEN) return { ok: false, failure: 'malformed' };
  const payload = bytes.subarray(0, bytes.length - SIGNATURE_LEN);
  const signature = bytes.slice(bytes.length - SIGNATURE_LEN);
  const context = new TextEncoder().encode(SIGNING_CONTEXT);
  const message = new Uint8Array(context.length + payload.length);
  message.set(context);
  message.set(payload, context.length);
  let genuine = false;
  try {
    genuine = await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
  } catch {
    genuine = false;
  }
  if (!genuine) return { ok: false, failure: 'bad_signature' };
  const claims = parsePayload(payload);
  return typeof claims === 'string' ? { ok: false, failure: claims } : { ok: true, claims };
}

/** Reads a code's claims without checking its signature (only to say what a refused code named). */
export function peekTicketCode(code: string): TicketClaims | undefined {
  const bytes = decodeBase64Url(code.trim());
  if (!bytes || bytes.length < FIXED_LEN + 2 + SIGNATURE_LEN) return undefined;
  const claims = parsePayload(bytes.subarray(0, bytes.length - SIGNATURE_LEN));
  return typeof claims === 'string' ? undefined : claims;
}
