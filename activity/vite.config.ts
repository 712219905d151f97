import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './precompress.ts';

// The dev server (`npm run dev:activity`) proxies the API and sockets to `npm run dev:server` on
// port 3000, so the app always talks to its own origin, as it does when the server serves the build.
const server = process.env.GAMEBOOK_SERVER ?? 'http://localhost:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/api': server,
      '/socket.io': { target: server, ws: true },
    },
  },
});
