/**
 * A canister's module as the management canister's `install_code` takes it: the UTF-8 bytes of
 * its esbuild bundle (tincan's stand-in for a Wasm module), not instrumented: the replica
 * instruments every module itself as it loads it, so an uploaded module cannot bring a meter
 * of its own. Also the module hash the IC reports: SHA-256 of exactly these bytes.
 */
import { createHash } from 'node:crypto';
import { bundleCanister } from '@tincan/bundler';
import { cdkEntry } from './cdk-entry.js';

/** A bundled canister, ready for `install_code`. */
export interface CanisterModule {
  /** `wasm_module`: the bundle's UTF-8 bytes (uninstrumented). */
  readonly wasmModule: Uint8Array;
  /** SHA-256 of `wasmModule`: the `module_hash` that `canister_status` reports after install. */
  readonly moduleHash: Uint8Array;
  /** Source map (JSON) of the bundle. */
  readonly sourceMap: string;
}

/** Bundles the canister at `entry` into an `install_code` module. */
export async function buildCanisterModule(
  entry: string,
  options: { env?: Readonly<Record<string, string>> } = {},
): Promise<CanisterModule> {
  const bundle = await bundleCanister({
    entry,
    cdkEntry: cdkEntry(),
    ...(options.env !== undefined && { env: options.env }),
  });
  const wasmModule = new TextEncoder().encode(bundle.code);
  return {
    wasmModule,
    moduleHash: new Uint8Array(createHash('sha256').update(wasmModule).digest()),
    sourceMap: bundle.map,
  };
}
