/**
 * `raw_rand`: 32 bytes per call from a deterministic stream derived from the replica seed. A
 * replica with the same seed answers the same sequence; the position in the stream is kept in
 * the replica's metadata, so a restart continues it instead of repeating bytes.
 */
import { createHash } from 'node:crypto';
import type { StateStore } from '@tincan/runtime';

const COUNTER_KEY = 'raw_rand_counter';

/** The replica's `raw_rand` stream. */
export class RawRand {
  readonly #store: StateStore;
  readonly #seed: Uint8Array;

  constructor(store: StateStore, seed: Uint8Array) {
    this.#store = store;
    this.#seed = seed;
  }

  /** The next 32 bytes of the stream. */
  next(): Uint8Array {
    const stored = this.#store.getMeta(COUNTER_KEY);
    const counter =
      stored === undefined ? 0n : new DataView(stored.buffer, stored.byteOffset, 8).getBigUint64(0);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, counter + 1n);
    this.#store.putMeta(COUNTER_KEY, bytes);
    return new Uint8Array(
      createHash('sha256').update('tincan raw_rand\0').update(this.#seed).update(bytes).digest(),
    );
  }
}
