// Opens the designer benchmark page (/manage/bench/designer) at 20,000 and 100,000 seats in
// headless Chromium through the running origin and prints the figures. Not a test: the
// numbers depend on the machine. Usage: node apps/organiser/bench/designer.mjs
import { chromium } from 'playwright-core';

const origin = process.env.BOXOFFICE_ORIGIN ?? 'http://127.0.0.1:8080';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
});
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const p95 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] ?? 0;
console.log('seats   | first render | edit (move a block) med / p95 | pan frame med / p95 (ms)');
for (const seats of [20_000, 100_000]) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const opened = Date.now();
  await page.goto(`${origin}/manage/bench/designer?seats=${seats}`);
  await page.locator('.designer__canvas canvas').waitFor({ timeout: 120_000 });
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
  const first = Date.now() - opened;
  // Edits: select the first block, then nudge it with the arrow key; time to the next frame.
  await page.getByRole('button', { name: /^Block 1\b/ }).click();
  await page.locator('.designer__canvas').focus();
  const edits = [];
  for (let i = 0; i < 10; i += 1) {
    edits.push(
      await page.evaluate(
        () =>
          new Promise((resolve) => {
            const start = performance.now();
            const target = document.querySelector('.designer__canvas');
            target?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
            requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
          }),
      ),
    );
  }
  // Panning: one wheel step per animation frame over the overlay.
  const frames = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const overlay = document.querySelector('.designer__overlay');
        const times = [];
        let last = performance.now();
        let n = 0;
        const step = () => {
          const now = performance.now();
          times.push(now - last);
          last = now;
          overlay?.dispatchEvent(
            new WheelEvent('wheel', { deltaX: 8, deltaY: 4, bubbles: true, clientX: 300, clientY: 300 }),
          );
          if (++n < 60) requestAnimationFrame(step);
          else resolve(times.slice(1));
        };
        requestAnimationFrame(step);
      }),
  );
  console.log(
    `${String(seats).padStart(7)} | ${String(first).padStart(9)} ms | ${median(edits).toFixed(0).padStart(12)} / ${p95(edits).toFixed(0)} | ${median(frames).toFixed(0)} / ${p95(frames).toFixed(0)}`,
  );
  await page.close();
}
await browser.close();
