/**
 * Bundles the dashboard's browser code (src/ui/main.ts, plain DOM, @dfinity/agent and the
 * Candid parser) into dist/ui/app.js with esbuild at build time: the page loads one local
 * script, nothing from a CDN.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: { app: 'src/ui/main.ts' },
  outdir: 'dist/ui',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['source', 'browser', 'import', 'default'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
