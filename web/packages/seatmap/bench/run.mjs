// Runs the benchmark page once in headless Debian Chromium and prints its figures.
// `npm run bench` from this package; CHROMIUM overrides the browser path.

import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

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
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(`http://127.0.0.1:${port}/index.html`);
  const handle = await page.waitForFunction(() => window.seatmapBench, null, {
    timeout: 600_000,
    polling: 500,
  });
  const outcome = await handle.jsonValue();
  if (outcome.error) {
    console.error(await page.locator('#results').textContent());
    process.exitCode = 1;
  } else {
    console.log(outcome.table);
    if (process.argv.includes('--json')) console.log(JSON.stringify(outcome.results, null, 2));
  }
} finally {
  await browser.close();
  await server.close();
}
