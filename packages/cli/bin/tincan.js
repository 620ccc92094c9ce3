#!/usr/bin/env node
// The installed `tincan` bin. It is plain JS so that `npm ci` can link it before the build;
// the command is built from src/ by `npm run build`, then bundled (dist/bundle) so that a
// command loads a few files instead of hundreds.
//
// `tincan canister call` is the command users script in loops, so it runs its own build of the
// program (dist/bundle/call/call-<hash>.cjs, see scripts/bundle.mjs): one CommonJS file, run
// with V8's code cache. Most of what a call costs beyond starting Node is compiling its code
// (parsing the bundle, then each function as it first runs); the cache, written after a call
// succeeded, holds the compiled code, so later calls only deserialize it. Node 20 has no code
// cache for ES modules, hence the CommonJS file. V8 checks a cache against its own version
// and flags but only the length of the source, so the cache is named after the bundle, whose
// name holds its content hash.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const args = process.argv.slice(2);
const callBundle = args[0] === 'canister' && args[1] === 'call' ? findCallBundle() : undefined;
if (callBundle !== undefined) await runWithCodeCache(callBundle);
else await runBundled();

async function runBundled() {
  const bundled = new URL('../dist/bundle/tincan.js', import.meta.url);
  await import(existsSync(bundled) ? bundled.href : '../dist/bin/tincan.js').catch((err) => {
    if (
      err &&
      err.code === 'ERR_MODULE_NOT_FOUND' &&
      String(err.message).includes('dist/bin/tincan.js')
    ) {
      process.stderr.write(
        'Error: tincan is not built yet; run `npm run build` in the tincan repository\n',
      );
      process.exit(1);
    }
    throw err;
  });
}

function findCallBundle() {
  const dir = fileURLToPath(new URL('../dist/bundle/call/', import.meta.url));
  try {
    const name = readdirSync(dir).find((n) => /^call-[A-Z0-9]+\.cjs$/.test(n));
    return name === undefined ? undefined : path.join(dir, name);
  } catch {
    return undefined;
  }
}

async function runWithCodeCache(file) {
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // none yet
  }
  const source = readFileSync(file, 'utf8');
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    {
      filename: file,
      cachedData,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    },
  );
  // A cache made by a help run would miss the call's code: write one after a call that worked.
  const help = args.some((a) => a === '--help' || a === '-h' || a === '--version');
  if ((cachedData === undefined || script.cachedDataRejected) && !help) {
    process.once('exit', (code) => {
      if (code === 0) writeCache(script, cacheFile);
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(
    module.exports,
    await requireFor(file),
    module,
    file,
    path.dirname(file),
  );
  await module.exports.main(args);
}

// The bundle requires only Node's builtins: process.getBuiltinModule (Node ≥ 20.16) spares
// loading node:module for them.
async function requireFor(file) {
  const builtin = process.getBuiltinModule?.bind(process);
  const nodeModule = builtin === undefined ? await import('node:module') : undefined;
  let real;
  return (id) => {
    if (builtin !== undefined && id.startsWith('node:')) return builtin(id);
    real ??= (nodeModule ?? builtin('node:module')).createRequire(file);
    return real(id);
  };
}

function writeCache(script, cacheFile) {
  // Written aside and renamed: a concurrent call reads the old cache or the new one, never half.
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, script.createCachedData());
    renameSync(temp, cacheFile);
  } catch {
    // A read-only install runs without the cache.
    rmSync(temp, { force: true });
  }
}
