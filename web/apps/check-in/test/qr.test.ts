import { describe, expect, it } from 'vitest';
import {
  decodeBase64Url,
  encodeBase64Url,
  importVerifyingKey,
  peekTicketCode,
  verifyTicketCode,
} from '../src/qr.ts';
import { signCode, testKey } from './tickets.ts';

const TICKET = '01920000-0000-7000-8000-000000000001';
const SESSION = '01920000-0000-7000-8000-000000000002';

describe('ticket codes', () => {
  it('verifies a genuine code and reads its claims', async () => {
    const key = await testKey();
    const code = await signCode(
      { ticketId: TICKET, sessionId: SESSION, seatId: 'stalls-A-12', holderName: 'Ada Lovelace' },
      key,
    );
    expect(code.length).toBeLessThan(200);
    const verdict = await verifyTicketCode(`  ${code}\n`, await importVerifyingKey(key.publicKey));
    expect(verdict).toEqual({
      ok: true,
      claims: {
        ticketId: TICKET,
        sessionId: SESSION,
        seatId: 'stalls-A-12',
        holderName: 'Ada Lovelace',
        issuedAt: new Date(1_790_000_000_000),
      },
    });
  });

  it('reads a standing place and a name with accents', async () => {
    const key = await testKey();
    const code = await signCode({ ticketId: TICKET, sessionId: SESSION, holderName: 'Zoë Ångström' }, key);
    const verdict = await verifyTicketCode(code, await importVerifyingKey(key.publicKey));
    expect(verdict.ok && verdict.claims.seatId).toBeUndefined();
    expect(verdict.ok && verdict.claims.holderName).toBe('Zoë Ångström');
  });

  it('refuses a code with any character changed', async () => {
    const key = await testKey();
    const verifying = await importVerifyingKey(key.publicKey);
    const code = await signCode(
      { ticketId: TICKET, sessionId: SESSION, seatId: 'A-1', holderName: 'Ada' },
      key,
    );
    for (let index = 0; index < code.length; index += 7) {
      const altered = code.slice(0, index) + (code[index] === 'A' ? 'B' : 'A') + code.slice(index + 1);
      const verdict = await verifyTicketCode(altered, verifying);
      expect(verdict.ok, `character ${index}`).toBe(false);
    }
  });

  it('refuses a code signed by another key as forged', async () => {
    const code = await signCode({ ticketId: TICKET, sessionId: SESSION }, await testKey());
    const verdict = await verifyTicketCode(code, await importVerifyingKey((await testKey()).publicKey));
    expect(verdict).toEqual({ ok: false, failure: 'bad_signature' });
  });

  it('calls garbage malformed', async () => {
    const verifying = await importVerifyingKey((await testKey()).publicKey);
    for (const text of ['', 'hello', '!!!!', 'A'.repeat(2000), 'https://example.com/?t=1']) {
      expect(await verifyTicketCode(text, verifying)).toEqual({ ok: false, failure: 'malformed' });
    }
  });

  it('reports an unknown format version once the signature holds', async () => {
    const key = await testKey();
    const code = await signCode({ ticketId: TICKET, sessionId: SESSION, version: 2 }, key);
    expect(await verifyTicketCode(code, await importVerifyingKey(key.publicKey))).toEqual({
      ok: false,
      failure: 'unsupported_version',
    });
  });

  it('peeks at what a code names without trusting it', async () => {
    const code = await signCode({ ticketId: TICKET, sessionId: SESSION }, await testKey());
    expect(peekTicketCode(code)?.ticketId).toBe(TICKET);
    expect(peekTicketCode('nonsense')).toBeUndefined();
  });

  it('decodes base64url strictly', () => {
    const bytes = Uint8Array.from([0, 1, 2, 250, 251, 252, 253]);
    expect(decodeBase64Url(encodeBase64Url(bytes))).toEqual(bytes);
    expect(decodeBase64Url('AB')).toBeUndefined(); // non-zero trailing bits
    expect(decodeBase64Url('AA==')).toBeUndefined();
  });
});
