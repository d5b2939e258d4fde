import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `vite` (dev server with HMR) forwards API calls: a running `pnpm easel dev`. */
const gateway = process.env.EASEL_GATEWAY_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2048,
  },
  server: {
    proxy: {
      '/v1': { target: gateway, ws: true },
      '/healthz': gateway,
    },
  },
});
