// Builds the console into console/dist for the gateway to serve at /console/ (gateway/parts/console-part.ts).
// No React plugin: Vite's own transformer compiles the JSX (automatic runtime); a production build needs no fast refresh.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    // The strict Content-Security-Policy allows no inline script: keep every asset a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
