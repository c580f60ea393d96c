import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// Served at /check-in/ behind the origin's nginx; `npm run dev` serves it on :5175 and proxies /api to the
// running stack (BOXOFFICE_ORIGIN, default http://127.0.0.1:8080).
export default defineConfig({
  base: '/check-in/',
  plugins: [
    react(),
    VitePWA({
      // The app registers the worker itself (src/pwa.ts) so it can tell when it is ready.
      injectRegister: false,
      registerType: 'autoUpdate',
      scope: '/check-in/',
      includeAssets: ['icons/apple-touch-icon.png'],
      manifest: {
        id: '/check-in/',
        name: 'Boxoffice Check-in',
        short_name: 'Check-in',
        description: 'Scan tickets at the gate, online or offline.',
        start_url: '/check-in/',
        scope: '/check-in/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#f5f6f8',
        theme_color: '#3b36c9',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The app shell and the barcode reader's .wasm: everything a gate needs with no network.
        globPatterns: ['**/*.{js,css,html,wasm,png,svg,webmanifest}'],
        maximumFileSizeToCacheInBytes: 6 * 1024 * 1024,
        navigateFallback: '/check-in/index.html',
        // API calls and event streams always go to the network; the callback page needs the
        // provider's fresh answer in its query string but is the app shell all the same.
        navigateFallbackDenylist: [/^\/api\//],
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  worker: { format: 'es' },
  server: {
    host: '127.0.0.1',
    port: 5175,
    strictPort: true,
    proxy: { '/api': { target: process.env.BOXOFFICE_ORIGIN ?? 'http://127.0.0.1:8080' } },
  },
  preview: { host: '127.0.0.1', port: 5175, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
