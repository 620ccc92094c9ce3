/**
 * Bundles the compiled `tincan` command (dist/bin/tincan.js) into dist/bundle/ with esbuild:
 * one file for the client commands, lazily loaded chunks for the rest, so a command reads a few
 * files instead of hundreds. The replica, HTTP server, bundler and bindings generator stay
 * external (they are only loaded by start, deploy and generate). `canister call` gets a second,
 * one-file CommonJS build of the same program (dist/bundle/call/, see `callOnly` below).
 *
 * @dfinity/agent imports its BLS library at load time, whose set-up costs about 100 ms of CPU
 * even when no signature is checked; here its `utils/bls.js` loads the library on first use.
 * Likewise its HTTP agent imports @noble/curves' Ed25519 (about 20 ms to load and set up) only
 * to verify query node signatures, which the CLI checks only against a pinned root key: here
 * the agent gets a stand-in that `connect` fills (`Symbol.for('tincan.loadEd25519')`) before
 * it creates an agent that verifies them.
 */
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const lazyBls = {
  name: 'lazy-bls',
  setup(b) {
    b.onLoad({ filter: /@dfinity[\\/]agent[\\/]lib[\\/]esm[\\/]utils[\\/]bls\.js$/ }, () => ({
      loader: 'js',
      contents: `
export let verify;
export async function blsVerify(pk, sig, msg) {
  const [{ bls12_381 }, { bytesToHex }] = await Promise.all([import('@noble/curves/bls12-381'), import('@noble/hashes/utils')]);
  const hex = (v) => (typeof v === 'string' ? v : bytesToHex(v));
  return bls12_381.verifyShortSignature(hex(sig), hex(msg), hex(pk));
}
`,
      resolveDir: root,
    }));
  },
};

const LAZY_ED25519 = 'tincan-lazy-ed25519';
const lazyEd25519 = {
  name: 'lazy-ed25519',
  setup(b) {
    const agentHttp = /@dfinity[\\/]agent[\\/]lib[\\/]esm[\\/]agent[\\/]http[\\/]index\.js$/;
    b.onLoad({ filter: agentHttp }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const source = await readFile(args.path, 'utf8');
      const statement = "import { ed25519 } from '@noble/curves/ed25519';";
      if (!source.includes(statement))
        throw new Error(`lazy-ed25519: ${args.path} no longer imports Ed25519 as expected`);
      return {
        loader: 'js',
        contents: source.replace(statement, `import { ed25519 } from '${LAZY_ED25519}';`),
      };
    });
    b.onResolve({ filter: new RegExp(`^${LAZY_ED25519}$`) }, () => ({
      path: LAZY_ED25519,
      namespace: LAZY_ED25519,
    }));
    b.onLoad({ filter: /.*/, namespace: LAZY_ED25519 }, () => ({
      loader: 'js',
      resolveDir: root,
      contents: `
let impl;
export const ed25519 = {
  verify(sig, msg, pk) {
    if (impl === undefined) throw new Error('tincan: Ed25519 was not loaded before verifying a query signature');
    return impl.verify(sig, msg, pk);
  },
};
globalThis[Symbol.for('tincan.loadEd25519')] = async () => {
  impl ??= (await import('@noble/curves/ed25519')).ed25519;
};
`,
    }));
  },
};

// @dfinity/agent and @dfinity/principal hash request ids, certificate trees and principals with
// @noble/hashes' SHA-2 in JavaScript: its module sets up tables for all of SHA-224 to SHA-512
// at load and hashes without the JIT's help in a short process. Here their SHA-256 and SHA-224
// are node:crypto's (same digests). @noble/curves keeps its own (it needs the hash objects).
const NODE_SHA2 = 'tincan-node-sha2';
const nodeSha2 = {
  name: 'node-sha2',
  setup(b) {
    b.onResolve({ filter: /^@noble\/hashes\/sha2(\.js)?$/ }, (args) =>
      /@dfinity[\\/](agent|principal)[\\/]/.test(args.importer)
        ? { path: NODE_SHA2, namespace: NODE_SHA2 }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: NODE_SHA2 }, () => ({
      loader: 'js',
      resolveDir: root,
      contents: `
import { createHash } from 'node:crypto';
const digest = (algorithm) => (data) => {
  const d = createHash(algorithm).update(data).digest();
  return new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.length));
};
export const sha256 = digest('sha256');
export const sha224 = digest('sha224');
`,
    }));
  },
};

// `tincan canister call` runs a second build of the same program (dist/bundle/call/), picked and
// loaded by bin/tincan.js: one CommonJS file whose compiled code V8 caches between runs (ES
// modules get no code cache on Node 20), named by its content hash so that a cache never
// outlives the code it was made from. There the call command imports its implementation
// statically and every other command's lazy import points at the unbundled dist/ modules
// (never loaded by a call).
const callOnly = {
  name: 'call-only',
  setup(b) {
    const commandsDir = /[\\/]dist[\\/]commands[\\/][^\\/]+\.js$/;
    b.onLoad({ filter: /[\\/]dist[\\/]commands[\\/]canister\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const source = await readFile(args.path, 'utf8');
      const lazy = "(await import('../call-command.js')).runCall(input)";
      if (!source.includes(lazy))
        throw new Error(`call-only: ${args.path} no longer loads the call as expected`);
      return {
        loader: 'js',
        contents: `import { runCall as __tincanRunCall } from '../call-command.js';\n${source.replace(lazy, '__tincanRunCall(input)')}`,
      };
    });
    const outdir = path.join(root, 'dist/bundle/call');
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !commandsDir.test(args.importer)) return undefined;
      if (!args.path.startsWith('.')) return { path: args.path, external: true };
      const relative = path
        .relative(outdir, path.resolve(path.dirname(args.importer), args.path))
        .split(path.sep)
        .join('/');
      return { path: relative.startsWith('.') ? relative : `./${relative}`, external: true };
    });
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['import', 'default'],
  external: [
    '@tincan/replica',
    '@tincan/http',
    '@tincan/dashboard',
    'better-sqlite3',
    'esbuild',
    '@icp-sdk/bindgen',
    '@icp-sdk/bindgen/*',
  ],
  banner: {
    js: `import { createRequire as __tincanRequire } from 'node:module'; const require = __tincanRequire(import.meta.url);`,
  },
  logLevel: 'warning',
  metafile: process.env.TINCAN_BUNDLE_META !== undefined,
};

// Chunk names are content hashes: clear the old ones so no stale chunk is shipped.
rmSync(new URL('../dist/bundle', import.meta.url), { recursive: true, force: true });

const [main, call] = await Promise.all([
  build({
    ...common,
    entryPoints: { tincan: 'dist/bin/tincan.js' },
    outdir: 'dist/bundle',
    plugins: [lazyBls, lazyEd25519, nodeSha2],
  }),
  build({
    ...common,
    entryPoints: { call: 'dist/main.js' },
    outdir: 'dist/bundle/call',
    entryNames: '[name]-[hash]',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    splitting: false,
    banner: {},
    // Less source to read; names stay (error names are printed).
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [callOnly, lazyBls, lazyEd25519, nodeSha2],
  }),
]);
if (process.env.TINCAN_BUNDLE_META !== undefined) {
  writeFileSync(
    process.env.TINCAN_BUNDLE_META,
    JSON.stringify({
      inputs: { ...main.metafile.inputs, ...call.metafile.inputs },
      outputs: { ...main.metafile.outputs, ...call.metafile.outputs },
    }),
  );
}
