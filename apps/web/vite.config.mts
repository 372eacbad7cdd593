import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `vite` (dev server) proxies like server/main.ts does, to services started with `pnpm start`.
const upstream = (target: string, prefix: RegExp) => ({
  target,
  changeOrigin: true,
  rewrite: (path: string) => path.replace(prefix, ''),
});

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api/history': upstream(process.env.LOGIN_HISTORY_URL ?? 'http://127.0.0.1:3002', /^\/api\/history/),
      '/api/guard': upstream(process.env.ACCOUNT_GUARD_URL ?? 'http://127.0.0.1:3003', /^\/api\/guard/),
    },
  },
});
