// The gate in use: tickets bought through the public API, scanned by staff with a hand-held
// scanner (text + Enter) or the camera, online and offline, on one phone and on two.
import QRCode from 'qrcode';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from './api.ts';
import { closeBrowser, expectAccessible, keepScreenshot, openPage } from './browser.ts';
import {
  altered,
  buyTickets,
  gateEvent,
  openGate,
  STAFF2,
  scanCode,
  serverManifest,
  until,
  verdictText,
} from './check-in-fixtures.ts';

afterAll(closeBrowser);

describe('scanning at the gate', () => {
  it('admits a ticket once; a second scan is refused with the first admission’s gate and time', async () => {
    const event = await gateEvent('admit');
    const [ticket] = await buyTickets(event, ['stalls-A-1'], 'Grace Hopper');
    if (!ticket) throw new Error('no ticket bought');
    const { page } = await openPage('check-in-admit', 'phone');
    await openGate(page, event, 'North 1');
    await expectAccessible(page);
    await keepScreenshot(page, 'check-in-ready-phone');

    expect(await scanCode(page, ticket.qr)).toBe('admit');
    const admitted = await verdictText(page);
    expect(admitted).toContain('ADMIT');
    expect(admitted).toContain('Seat A1');
    expect(admitted).toContain('Grace Hopper');
    await expectAccessible(page);
    await keepScreenshot(page, 'check-in-admit-phone');

    // A hand-held scanner types the code and Enter wherever the focus is, here on a button.
    await page.getByRole('button', { name: 'Check', exact: true }).focus();
    await page.keyboard.type(ticket.qr);
    await page.keyboard.press('Enter');
    await page.locator('[data-scan="2"]').waitFor();
    const refused = await verdictText(page);
    expect(refused).toContain('REFUSED');
    expect(refused).toContain('Already admitted');
    expect(refused).toContain('Gate North 1');
    const first = (await serverManifest(event)).tickets.find((entry) => entry.ticket_id === ticket.ticket_id);
    expect(first?.gate).toBe('North 1');
    // As the phone writes a time of today, in its own locale and time zone.
    const time = await page.evaluate(
      (iso) =>
        new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(
          new Date(iso),
        ),
      String(first?.checked_in_at),
    );
    expect(refused).toContain(time);
    await expectAccessible(page);
    await keepScreenshot(page, 'check-in-refused-phone');

    // Counters: one admitted of one expected, at this gate.
    await page.getByText('1 of 1 expected').waitFor();
  });

  it('refuses a forged code and a ticket for another session, at desktop width too', async () => {
    const event = await gateEvent('refusals');
    const other = await gateEvent('other-session');
    const [ticket] = await buyTickets(event, ['stalls-A-3']);
    const [elsewhere] = await buyTickets(other, ['stalls-A-3']);
    if (!ticket || !elsewhere) throw new Error('no ticket bought');
    const { page } = await openPage('check-in-refusals', 'desktop');
    await openGate(page, event, 'South');
    expect(await scanCode(page, altered(ticket.qr))).toBe('refuse');
    expect(await verdictText(page)).toContain('Forged or altered code');
    expect(await scanCode(page, elsewhere.qr)).toBe('refuse');
    expect(await verdictText(page)).toContain('Wrong session');
    await expectAccessible(page);
    await keepScreenshot(page, 'check-in-refused-desktop');
    expect((await serverManifest(event)).admitted).toBe(0);
    expect(await scanCode(page, ticket.qr)).toBe('admit');
    await keepScreenshot(page, 'check-in-admit-desktop');
  });

  it('refuses a refunded ticket, online and from the downloaded list offline', async () => {
    const event = await gateEvent('refunded');
    const [ticket, kept] = await buyTickets(event, ['stalls-A-1', 'stalls-A-2'], 'Ada Lovelace');
    if (!ticket || !kept) throw new Error('no ticket bought');
    await call('POST', `/api/sales/orders/${ticket.order_id}/refunds`, {
      ticket_ids: [ticket.ticket_id],
      reason: 'restricted view',
    });
    const { page, context } = await openPage('check-in-refunded', 'phone');
    await openGate(page, event, 'West');
    expect(await scanCode(page, ticket.qr)).toBe('refuse');
    expect(await verdictText(page)).toContain('This ticket is refunded.');
    await context.setOffline(true);
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    expect(await scanCode(page, ticket.qr)).toBe('refuse');
    expect(await verdictText(page)).toContain('This ticket is refunded.');
    await expectAccessible(page);
    expect(await scanCode(page, kept.qr)).toBe('admit');
  });

  it('offline: three scans queue, a forged code is refused, and back online each is admitted once', async () => {
    const event = await gateEvent('offline');
    const tickets = await buyTickets(event, ['stalls-A-4', 'stalls-A-5', 'stalls-A-6'], 'Katherine Johnson');
    const { page, context } = await openPage('check-in-offline', 'phone');
    await openGate(page, event, 'East');

    await context.setOffline(true);
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    for (const ticket of tickets) expect(await scanCode(page, ticket.qr)).toBe('admit');
    expect(await verdictText(page)).toContain('Admitted offline');
    await page.getByText('3 scans waiting to sync').waitFor();
    // Refused on the device: the signature no longer matches.
    const [first] = tickets;
    if (!first) throw new Error('no ticket bought');
    expect(await scanCode(page, altered(first.qr))).toBe('refuse');
    expect(await verdictText(page)).toContain('Forged or altered code');
    // The manifest and the queue tell an admitted ticket apart offline.
    expect(await scanCode(page, first.qr)).toBe('refuse');
    expect(await verdictText(page)).toContain('Gate East');
    await expectAccessible(page);
    await keepScreenshot(page, 'check-in-offline-phone');
    expect((await serverManifest(event)).admitted).toBe(0);

    // What this phone will send, to send it again after the sync.
    const queued = await page.evaluate(readQueue);
    expect(queued).toHaveLength(3);

    await context.setOffline(false);
    await page.getByText('All scans synced').waitFor({ timeout: 45_000 });
    const synced = await serverManifest(event);
    expect(synced.admitted).toBe(3);
    expect(synced.gates).toEqual([{ gate: 'East', admitted: 3 }]);

    // Forcing the sync to run again admits nobody twice: the server answers the stored results.
    const again = await page.evaluate(sendBatch, queued);
    expect(again.status).toBe(200);
    expect(again.outcomes).toEqual(['admitted', 'admitted', 'admitted']);
    const after = await serverManifest(event);
    expect(after.admitted).toBe(3);
    expect(after.tickets.filter((entry) => entry.checked_in_at)).toHaveLength(3);
    await page.getByText('3 of 3 expected').waitFor();
  });

  it('scans waiting when the gate is changed and the app reopened still sync', async () => {
    const event = await gateEvent('changed-gate');
    const [ticket] = await buyTickets(event, ['stalls-A-9'], 'Barbara Liskov');
    if (!ticket) throw new Error('no ticket bought');
    const { page, context } = await openPage('check-in-changed-gate', 'phone');
    await openGate(page, event, 'Side door');
    await until('the service worker to control the page', async () =>
      (await page.evaluate(() => !!navigator.serviceWorker.controller)) ? true : undefined,
    );
    await context.setOffline(true);
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    expect(await scanCode(page, ticket.qr)).toBe('admit');
    await page.getByRole('button', { name: 'Change gate' }).click();
    await page.getByText('1 scan waiting to sync').waitFor();
    await page.reload();
    await page.getByText('1 scan waiting to sync').waitFor();
    await context.setOffline(false);
    await page.getByRole('heading', { name: 'Set up this gate' }).waitFor();
    await until('the waiting scan to sync', async () =>
      (await serverManifest(event)).admitted === 1 ? true : undefined,
    );
    await page.getByText('1 scan waiting to sync').waitFor({ state: 'detached' });
  });

  it('two phones, one offline, scan the same ticket: one admission stands and the other phone shows the conflict', async () => {
    const event = await gateEvent('conflict');
    const [ticket] = await buyTickets(event, ['stalls-A-7'], 'Alan Turing');
    if (!ticket) throw new Error('no ticket bought');
    const north = await openPage('check-in-conflict-north', 'phone');
    const south = await openPage('check-in-conflict-south', 'phone');
    await openGate(north.page, event, 'North');
    await openGate(south.page, event, 'South', STAFF2);

    await south.context.setOffline(true);
    await south.page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    expect(await scanCode(south.page, ticket.qr)).toBe('admit');
    expect(await scanCode(north.page, ticket.qr)).toBe('admit');

    await south.context.setOffline(false);
    await south.page.getByText('1 conflict after sync').waitFor({ timeout: 45_000 });
    const conflict = (await south.page.locator('.conflict').textContent()) ?? '';
    expect(conflict).toContain('Alan Turing');
    expect(conflict).toContain('already been admitted at gate North');
    await expectAccessible(south.page);
    await keepScreenshot(south.page, 'check-in-conflict-phone');

    const manifest = await serverManifest(event);
    expect(manifest.admitted).toBe(1);
    expect(manifest.gates).toEqual([{ gate: 'North', admitted: 1 }]);

    await south.page.getByRole('button', { name: 'Dismiss' }).click();
    await south.page.getByText('1 conflict after sync').waitFor({ state: 'detached' });
  });

  it('admits a ticket through the camera, and refuses it when it is shown again', async () => {
    const event = await gateEvent('camera');
    const [ticket] = await buyTickets(event, ['stalls-A-8'], 'Hedy Lamarr');
    if (!ticket) throw new Error('no ticket bought');
    const { page } = await openPage('check-in-camera', 'phone');
    // The camera is a canvas stream showing the ticket's QR code, as a phone screen held up would.
    const qrImage = await QRCode.toDataURL(ticket.qr, { margin: 4, scale: 6, errorCorrectionLevel: 'M' });
    await page.addInitScript(fakeCamera, qrImage);
    await openGate(page, event, 'Camera gate');
    await page.getByRole('button', { name: 'Scan with camera' }).click();
    await page.locator('[data-verdict="admit"]').waitFor({ timeout: 45_000 });
    expect(await verdictText(page)).toContain('Hedy Lamarr');
    await keepScreenshot(page, 'check-in-camera-phone');
    // Held up without a break it is the same person: the camera does not judge it again.
    await page.getByRole('button', { name: 'Stop camera' }).click();
    expect(await verdictText(page)).toContain('ADMIT');
    // Shown again later: refused, with this gate's admission.
    await page.getByRole('button', { name: 'Scan with camera' }).click();
    await page.locator('[data-verdict="refuse"]').waitFor({ timeout: 45_000 });
    expect(await verdictText(page)).toContain('Gate Camera gate');
    await page.getByRole('button', { name: 'Stop camera' }).click();
    expect((await serverManifest(event)).admitted).toBe(1);
  });
});

describe('the camera offline', () => {
  it('reads codes with the reader and its .wasm from the service worker’s cache', async () => {
    const event = await gateEvent('camera-offline');
    const [ticket] = await buyTickets(event, ['stalls-A-10'], 'Radia Perlman');
    if (!ticket) throw new Error('no ticket bought');
    const { page, context } = await openPage('check-in-camera-offline', 'phone');
    const qrImage = await QRCode.toDataURL(ticket.qr, { margin: 4, scale: 6, errorCorrectionLevel: 'M' });
    await page.addInitScript(fakeCamera, qrImage);
    await openGate(page, event, 'Dark gate');
    await until('the service worker to control the page', async () =>
      (await page.evaluate(() => !!navigator.serviceWorker.controller)) ? true : undefined,
    );
    await context.setOffline(true);
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    await page.getByRole('button', { name: 'Scan with camera' }).click();
    await page.locator('[data-verdict="admit"]').waitFor({ timeout: 45_000 });
    expect(await verdictText(page)).toContain('Admitted offline');
    await page.getByRole('button', { name: 'Stop camera' }).click();
    await context.setOffline(false);
    await page.getByText('All scans synced').waitFor({ timeout: 45_000 });
    expect((await serverManifest(event)).admitted).toBe(1);
  });
});

/** In the page: the scans waiting in IndexedDB. */
async function readQueue(): Promise<{ scan_id: string; qr: string; gate: string; scanned_at: string }[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('boxoffice-check-in');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = await new Promise<{ scan_id: string; qr: string; gate: string; scanned_at: string }[]>(
    (resolve, reject) => {
      const request = db.transaction('queue').objectStore('queue').getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    },
  );
  db.close();
  return all.map(({ scan_id, qr, gate, scanned_at }) => ({ scan_id, qr, gate, scanned_at }));
}

/** In the page: sends scans to the batch endpoint with the signed-in staff member's token. */
async function sendBatch(
  scans: { scan_id: string; qr: string; gate: string; scanned_at: string }[],
): Promise<{ status: number; outcomes: string[] }> {
  const key = Object.keys(localStorage).find((name) => name.startsWith('oidc.user:'));
  const user = JSON.parse(localStorage.getItem(key ?? '') ?? '{}') as { access_token?: string };
  const response = await fetch('/api/check-in/scans/batch', {
    method: 'POST',
    headers: { Authorization: `Bearer ${user.access_token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ scans }),
  });
  const body = (await response.json()) as { results?: { outcome: string }[] };
  return { status: response.status, outcomes: (body.results ?? []).map((result) => result.outcome) };
}

/** Init script: getUserMedia answers with a canvas stream showing `image` (a data URL). */
function fakeCamera(image: string): void {
  navigator.mediaDevices.getUserMedia = async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const context = canvas.getContext('2d');
    const picture = new Image();
    picture.src = image;
    await picture.decode();
    const paint = () => {
      if (!context) return;
      context.fillStyle = '#fff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      const size = 360;
      context.drawImage(picture, (canvas.width - size) / 2, (canvas.height - size) / 2, size, size);
    };
    paint();
    // A captured canvas only sends frames when it is painted.
    setInterval(paint, 100);
    return canvas.captureStream(10);
  };
}
