/**
 * What the runtime knows about a module without loading it: whether it has a `@heartbeat`.
 * Recorded when a module is installed or loaded, in the store's metadata by module hash, so a
 * heartbeat round after a restart loads only the canisters whose code has a heartbeat.
 */
import type { CanisterDescription } from '@tincan/abi';
import { toHex } from '@tincan/bytes';
import type { StateStore } from '../state/state-store.js';

const KEY = 'module-heartbeat:';

/** Heartbeat flags by module hash, cached in memory. */
export class ModuleTraits {
  readonly #store: StateStore;
  readonly #known = new Map<string, boolean>();

  constructor(store: StateStore) {
    this.#store = store;
  }

  /** Records what a loaded module's description tells. */
  record(moduleHash: Uint8Array, description: CanisterDescription): void {
    const key = toHex(moduleHash);
    const has = description.methods.some((m) => m.mode === 'heartbeat');
    if (this.#known.get(key) === has) return;
    this.#known.set(key, has);
    this.#store.putMeta(KEY + key, new Uint8Array([has ? 1 : 0]));
  }

  /** Whether the module has a heartbeat; undefined when it was never recorded (a store from before). */
  hasHeartbeat(moduleHash: Uint8Array): boolean | undefined {
    const key = toHex(moduleHash);
    let has = this.#known.get(key);
    if (has === undefined) {
      const stored = this.#store.getMeta(KEY + key);
      if (stored === undefined) return undefined;
      has = stored[0] === 1;
      this.#known.set(key, has);
    }
    return has;
  }
}
