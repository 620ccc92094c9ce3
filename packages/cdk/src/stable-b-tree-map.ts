/**
 * A map kept in stable memory: every entry lives in the replica's store, survives upgrades and
 * restarts, and is read and written as part of the current execution's transaction, so a trap
 * rolls it back with the rest of the execution. Keys are ordered by their serialized bytes.
 */
import { HANDLE_SYMBOL, systemApi } from '@tincan/abi';
import { stableJson, type Serializable } from './stable-json.js';

const MAX_MEMORY_ID = 253;

/** A stable ordered map, Azle's `StableBTreeMap`. */
export class StableBTreeMap<Key = unknown, Value = unknown> {
  readonly memoryId: number;
  readonly #keys: Serializable;
  readonly #values: Serializable;

  constructor(
    memoryId: number,
    keySerializable: Serializable = stableJson,
    valueSerializable: Serializable = stableJson,
  ) {
    if (!Number.isInteger(memoryId) || memoryId < 0 || memoryId > MAX_MEMORY_ID) {
      throw new RangeError(
        `StableBTreeMap memoryId must be an integer from 0 to ${MAX_MEMORY_ID}, got ${String(memoryId)}`,
      );
    }
    this.memoryId = memoryId;
    this.#keys = keySerializable;
    this.#values = valueSerializable;
  }

  /** Whether `key` is present. */
  containsKey(key: Key): boolean {
    return systemApi().stableMapContains(this.memoryId, this.#keys.toBytes(key));
  }

  /** The value under `key`, or undefined. */
  get(key: Key): Value | undefined {
    const bytes = systemApi().stableMapGet(this.memoryId, this.#keys.toBytes(key));
    return bytes === undefined ? undefined : (this.#values.fromBytes(bytes) as Value);
  }

  /** Stores `value` under `key`; returns the previous value. */
  insert(key: Key, value: Value): Value | undefined {
    const old = systemApi().stableMapInsert(
      this.memoryId,
      this.#keys.toBytes(key),
      this.#values.toBytes(value),
    );
    return old === undefined ? undefined : (this.#values.fromBytes(old) as Value);
  }

  /** Removes `key`; returns its value. */
  remove(key: Key): Value | undefined {
    const old = systemApi().stableMapRemove(this.memoryId, this.#keys.toBytes(key));
    return old === undefined ? undefined : (this.#values.fromBytes(old) as Value);
  }

  /** Whether the map has no entries. */
  isEmpty(): boolean {
    return this.len() === 0;
  }

  /** Number of entries. */
  len(): number {
    return Number(systemApi().stableMapLen(this.memoryId));
  }

  /** Entries in key order, from `startIndex`, at most `length`. */
  items(startIndex = 0, length?: number): Array<[Key, Value]> {
    return this.#range(startIndex, length).map(([k, v]) => [
      this.#keys.fromBytes(k) as Key,
      this.#values.fromBytes(v) as Value,
    ]);
  }

  /** Keys in order, from `startIndex`, at most `length`. */
  keys(startIndex = 0, length?: number): Key[] {
    return this.#range(startIndex, length).map(([k]) => this.#keys.fromBytes(k) as Key);
  }

  /** Values in key order, from `startIndex`, at most `length`. */
  values(startIndex = 0, length?: number): Value[] {
    return this.#range(startIndex, length).map(([, v]) => this.#values.fromBytes(v) as Value);
  }

  #range(startIndex: number, length: number | undefined): Array<[Uint8Array, Uint8Array]> {
    const len = length ?? Math.max(0, this.len() - startIndex);
    return systemApi().stableMapRange(this.memoryId, startIndex, len);
  }
}

// A handle to stable memory, not heap data: heap snapshots leave it out.
Object.defineProperty(StableBTreeMap.prototype, Symbol.for(HANDLE_SYMBOL), { value: true });
