// Screenshots of the states page with each renderer and zoom, for looking at by eye:
// `node bench/shot.mjs OUT_DIR`.

import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

const out = process.argv[2] ?? '/tmp/seatmap-shots';
mkdirSync(out, { recursive: true });
const root = fileURLToPath(new URL('.', import.meta.url));
const server = await createServer({ root, logLevel: 'warn', server: { port: 0, host: '127.0.0.1' } });
await server.listen();
const address = server.httpServer?.address();
const port = typeof address === 'object' && address ? address.port : 0;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'],
});
try {
  for (const renderer of ['webgl', 'canvas2d']) {
    for (const zoom of ['labels', 'near', 'far']) {
      const page = await browser.newPage({ viewport: { width: 900, height: 640 } });
      page.on('pageerror', (error) => console.error('page error:', error.message));
      page.on('console', (message) => console.log(`[${renderer}/${zoom}]`, message.text()));
      await page.goto(`http://127.0.0.1:${port}/demo.html?renderer=${renderer}&zoom=${zoom}`);
      await page.waitForFunction(() => window.seatmapDemo, null, { timeout: 60_000 });
      const file = `${out}/${renderer}-${zoom}.png`;
      await page.screenshot({ path: file });
      console.log(file);
      if (zoom === 'labels') {
        await page.evaluate(() => window.seatmapDemo.pulse());
        const pulse = `${out}/${renderer}-pulse.png`;
        await page.screenshot({ path: pulse });
        console.log(pulse);
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
