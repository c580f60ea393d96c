import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served at /manage/ behind the origin's nginx; `npm run dev` serves it on :5174 and proxies /api to the
// running stack (BOXOFFICE_ORIGIN, default http://127.0.0.1:8080).
export default defineConfig({
  base: '/manage/',
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: 5174,
    strictPort: true,
    proxy: { '/api': { target: process.env.BOXOFFICE_ORIGIN ?? 'http://127.0.0.1:8080' } },
  },
  preview: { host: '127.0.0.1', port: 5174, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
