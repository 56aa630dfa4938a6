import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath, URL } from 'node:url';

/** The server the dev proxy talks to (`make serve-dev` listens on :5000). */
const backend = process.env.QC_DEV_BACKEND ?? 'http://localhost:5000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/socket.io': { target: backend, changeOrigin: true, ws: true },
      '/health': { target: backend, changeOrigin: true },
      '/images': { target: backend, changeOrigin: true },
    },
  },
  build: {
    target: 'es2022',
    // The bundle report reads the manifest to find the chunks of the first load.
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
});
