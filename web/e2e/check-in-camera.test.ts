// The camera as Chromium's fake capture device: a Y4M video written at test time from a real
// ticket's QR matrix (no ffmpeg), so the app's own getUserMedia path is what reads the code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import QRCode from 'qrcode';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ARTEFACTS, ORIGIN, VIEWPORTS } from './browser.ts';
import { buyTickets, gateEvent, openGate, serverManifest, verdictText } from './check-in-fixtures.ts';

const WIDTH = 640;
const HEIGHT = 480;

/** One 4:2:0 frame: the QR's modules as black and white luma, grey-free chroma (128). */
function qrVideo(text: string): Buffer {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const { size, data } = qr.modules;
  const quiet = 4;
  const scale = Math.floor(Math.min(WIDTH, HEIGHT) / (size + quiet * 2));
  const left = Math.floor((WIDTH - size * scale) / 2);
  const top = Math.floor((HEIGHT - size * scale) / 2);
  const luma = Buffer.alloc(WIDTH * HEIGHT, 235);
  for (let y = 0; y < size * scale; y++) {
    for (let x = 0; x < size * scale; x++) {
      if (data[Math.floor(y / scale) * size + Math.floor(x / scale)]) luma[(top + y) * WIDTH + left + x] = 16;
    }
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  return Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`),
    Buffer.from('FRAME\n'),
    luma,
    chroma,
  ]);
}

describe('the camera', () => {
  it('admits a ticket shown to Chromium’s fake camera', async () => {
    const event = await gateEvent('fake-camera');
    const [ticket] = await buyTickets(event, ['stalls-A-9'], 'Margaret Hamilton');
    if (!ticket) throw new Error('no ticket bought');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-in-camera-'));
    const video = path.join(dir, 'ticket.y4m');
    fs.writeFileSync(video, qrVideo(ticket.qr));
    // The capture file is fixed per browser launch: this test has a browser of its own.
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ],
    });
    onTestFinished(async ({ task }) => {
      if (task.result?.state === 'fail') {
        const page = browser.contexts()[0]?.pages()[0];
        fs.mkdirSync(path.join(ARTEFACTS, 'failures'), { recursive: true });
        await page?.screenshot({ path: path.join(ARTEFACTS, 'failures', 'check-in-fake-camera.png') });
      }
      await browser.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const context = await browser.newContext({ viewport: VIEWPORTS.phone, baseURL: ORIGIN });
    await context.grantPermissions(['camera'], { origin: ORIGIN });
    const page = await context.newPage();
    await openGate(page, event, 'Fake camera');
    await page.getByRole('button', { name: 'Scan with camera' }).click();
    await page.locator('[data-verdict="admit"]').waitFor({ timeout: 45_000 });
    expect(await verdictText(page)).toContain('Margaret Hamilton');
    await page.getByRole('button', { name: 'Stop camera' }).click();
    // The same ticket shown again: refused, with this gate and the time of the first admission.
    await page.getByRole('button', { name: 'Scan with camera' }).click();
    await page.locator('[data-verdict="refuse"]').waitFor({ timeout: 45_000 });
    expect(await verdictText(page)).toContain('Gate Fake camera');
    expect((await serverManifest(event)).admitted).toBe(1);
  });
});
