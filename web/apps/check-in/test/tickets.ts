// Ticket codes signed the way order-service signs them, for tests that need genuine and forged codes.
import { encodeBase64Url, SIGNING_CONTEXT } from '../src/qr.ts';

export interface TestKey {
  publicKey: string;
  privateKey: CryptoKey;
}

export async function testKey(): Promise<TestKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { publicKey: encodeBase64Url(raw), privateKey: pair.privateKey };
}

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  return Uint8Array.from({ length: 16 }, (_, i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

export interface CodeFields {
  ticketId: string;
  sessionId: string;
  seatId?: string;
  holderName?: string;
  issuedAt?: number;
  version?: number;
}

export function payloadOf(fields: CodeFields): Uint8Array {
  const seat = new TextEncoder().encode(fields.seatId ?? '');
  const holder = new TextEncoder().encode(fields.holderName ?? '');
  const bytes = new Uint8Array(1 + 16 + 16 + 8 + 1 + seat.length + 1 + holder.length);
  bytes[0] = fields.version ?? 1;
  bytes.set(uuidBytes(fields.ticketId), 1);
  bytes.set(uuidBytes(fields.sessionId), 17);
  new DataView(bytes.buffer).setBigInt64(33, BigInt(fields.issuedAt ?? 1_790_000_000), false);
  bytes[41] = seat.length;
  bytes.set(seat, 42);
  bytes[42 + seat.length] = holder.length;
  bytes.set(holder, 43 + seat.length);
  return bytes;
}

export async function signCode(fields: CodeFields, key: TestKey): Promise<string> {
  const payload = payloadOf(fields);
  const context = new TextEncoder().encode(SIGNING_CONTEXT);
  const message = new Uint8Array(context.length + payload.length);
  message.set(context);
  message.set(payload, context.length);
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key.privateKey, message));
  const code = new Uint8Array(payload.length + signature.length);
  code.set(payload);
  code.set(signature, payload.length);
  return encodeBase64Url(code);
}
