#!/usr/bin/env node
// The installed `tincan` bin. It is plain JS so that `npm ci` can link it before the build;
// the command itself is built from src/bin/tincan.ts by `npm run build`.
import('../dist/bin/tincan.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/bin/tincan.js')) {
    process.stderr.write('Error: tincan is not built yet; run `npm run build` in the tincan repository\n');
    process.exit(1);
  }
  throw err;
});
