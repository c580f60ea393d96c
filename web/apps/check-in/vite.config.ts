import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served at /check-in/ behind the origin's nginx; `npm run dev` serves it on :5175 and proxies /api to the
// running stack (BOXOFFICE_ORIGIN, default http://127.0.0.1:8080).
export default defineConfig({
  base: '/check-in/',
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: 5175,
    strictPort: true,
    proxy: { '/api': { target: process.env.BOXOFFICE_ORIGIN ?? 'http://127.0.0.1:8080' } },
  },
  preview: { host: '127.0.0.1', port: 5175, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
