/**
 * Bundles the compiled `tincan` command (dist/bin/tincan.js) into dist/bundle/ with esbuild:
 * one file for the client commands, lazily loaded chunks for the rest, so a `canister call`
 * reads a few files instead of hundreds. The replica, HTTP server, bundler and bindings
 * generator stay external (they are only loaded by start, deploy and generate).
 *
 * @dfinity/agent imports its BLS library at load time, whose set-up costs about 100 ms of CPU
 * even when no signature is checked; here its `utils/bls.js` loads the library on first use.
 */
import { build } from 'esbuild';
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

await build({
  absWorkingDir: root,
  entryPoints: { tincan: 'dist/bin/tincan.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['import', 'default'],
  external: ['@tincan/replica', '@tincan/http', '@tincan/dashboard', 'better-sqlite3', 'esbuild', '@icp-sdk/bindgen', '@icp-sdk/bindgen/*'],
  banner: { js: `import { createRequire as __tincanRequire } from 'node:module'; const require = __tincanRequire(import.meta.url);` },
  plugins: [lazyBls],
  logLevel: 'warning',
});
