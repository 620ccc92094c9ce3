#!/usr/bin/env node
// The installed `tincan` bin. It is plain JS so that `npm ci` can link it before the build;
// the command is built from src/bin/tincan.ts by `npm run build`, then bundled (dist/bundle)
// so that a command loads a few files instead of hundreds.
import { existsSync } from 'node:fs';

const bundled = new URL('../dist/bundle/tincan.js', import.meta.url);
import(existsSync(bundled) ? bundled.href : '../dist/bin/tincan.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/bin/tincan.js')) {
    process.stderr.write('Error: tincan is not built yet; run `npm run build` in the tincan repository\n');
    process.exit(1);
  }
  throw err;
});
