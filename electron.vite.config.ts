import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * The renderer's CSP allows only its own scripts. The dev server (npm run dev) needs an inline
 * preamble (React refresh) and a WebSocket for hot reload: relax the policy there, never in builds.
 */
function devServerCsp(): Plugin {
  return {
    name: 'roman-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws://localhost:* http://localhost:*"),
  };
}

export default defineConfig({
  main: {
    build: {
      // pg, better-sqlite3 … stay in node_modules (native addon, loaded at run time).
      externalizeDeps: { exclude: ['electron-store'] }, // electron-store is ESM-only: bundle it
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          // The sample workspace's embedded Postgres runs in its own process (forked by the core).
          'sample-engine': resolve(__dirname, 'src/main/core/sample/engine-process.ts'),
          // The local cache and the sync run in a worker thread (started by store/cache-client.ts).
          'cache-worker': resolve(__dirname, 'src/main/core/store/cache-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload may only require('electron'): bundle everything else, as CommonJS.
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react(), devServerCsp()],
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
});
