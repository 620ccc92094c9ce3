/**
 * Remembers bundles with the modification times of every file that went into them. Test
 * suites deploy the same canister many times; re-bundling costs ~100 ms, a cache hit only a
 * `stat` per input.
 */
import { statSync } from 'node:fs';

interface Entry<T> {
  readonly value: T;
  readonly stamps: ReadonlyArray<readonly [string, number, number]>;
}

/** A cache of build outputs keyed by options, valid while no input file changed. */
export class BundleCache<T> {
  readonly #entries = new Map<string, Entry<T>>();

  /** The cached value for `key`, if every input is unchanged. */
  lookup(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    for (const [file, mtimeMs, size] of entry.stamps) {
      const now = stamp(file);
      if (now === undefined || now[0] !== mtimeMs || now[1] !== size) {
        this.#entries.delete(key);
        return undefined;
      }
    }
    return entry.value;
  }

  /** Stores `value`, built from `inputs`. Inputs that cannot be stat-ed make it uncacheable. */
  store(key: string, value: T, inputs: readonly string[]): void {
    const stamps: Array<readonly [string, number, number]> = [];
    for (const file of inputs) {
      const s = stamp(file);
      if (s === undefined) return;
      stamps.push([file, s[0], s[1]]);
    }
    this.#entries.set(key, { value, stamps });
  }
}

function stamp(file: string): [number, number] | undefined {
  try {
    const s = statSync(file);
    return [s.mtimeMs, s.size];
  } catch {
    return undefined;
  }
}
