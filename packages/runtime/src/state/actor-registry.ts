/**
 * The runtime's canisters by id (hex), read from the store on demand. Opening a store reads
 * only each canister's id, index, module hash and status; a canister's record (controllers,
 * settings, Candid, …) is read and its actor made the first time something asks for it. So a
 * start on a state directory of many canisters costs one narrow scan, not a record per canister.
 *
 * It is a `Map` for its users: `get`/`has` read a not-yet-made actor through, and iterating
 * (`values()`, `size`, …) makes every actor first. Paths that run often iterate only what they
 * need: {@link ActorRegistry.made} and {@link ActorRegistry.pendingKeys}.
 */
import { toHex } from '@tincan/bytes';
import { CanisterActor } from '../canisters/canister-actor.js';
import type { TimerQueue } from '../scheduling/timer-table.js';
import type { CanisterKey, CanisterRecord } from './state-store.js';

/** Canister actors by hex id; records are read from the store the first time they are needed. */
export class ActorRegistry extends Map<string, CanisterActor> {
  /** Canisters in the store whose actor is not made yet. */
  readonly #pending = new Map<string, CanisterKey>();
  #read: ((id: Uint8Array) => CanisterRecord | undefined) | undefined;
  #timerQueue: TimerQueue<CanisterActor> | undefined;

  /** Takes the store's keys; their records are read with `read` when first asked for. */
  adopt(
    keys: readonly CanisterKey[],
    read: (id: Uint8Array) => CanisterRecord | undefined,
    timerQueue: TimerQueue<CanisterActor>,
  ): void {
    this.#read = read;
    this.#timerQueue = timerQueue;
    for (const key of keys) this.#pending.set(toHex(key.id), key);
  }

  /** Keys of the canisters whose actor is not made yet (cheap: nothing is read). */
  pendingKeys(): IterableIterator<CanisterKey> {
    return this.#pending.values();
  }

  /** The actors made so far (nothing is read). */
  made(): IterableIterator<CanisterActor> {
    return super.values();
  }

  /** How many canisters there are, made or not (nothing is read). */
  get count(): number {
    return super.size + this.#pending.size;
  }

  /** Makes the actor of a pending canister; undefined if `key` is not pending or no longer stored. */
  #make(key: string): CanisterActor | undefined {
    const pending = this.#pending.get(key);
    if (pending === undefined || this.#read === undefined) return undefined;
    this.#pending.delete(key);
    const record = this.#read(pending.id);
    if (record === undefined) return undefined;
    const actor = new CanisterActor(record, this.#timerQueue);
    super.set(key, actor);
    return actor;
  }

  #makeAll(): void {
    for (const key of [...this.#pending.keys()]) this.#make(key);
  }

  override get(key: string): CanisterActor | undefined {
    return super.get(key) ?? this.#make(key);
  }

  override has(key: string): boolean {
    return super.has(key) || this.#pending.has(key);
  }

  override set(key: string, actor: CanisterActor): this {
    this.#pending.delete(key);
    return super.set(key, actor);
  }

  override delete(key: string): boolean {
    const pending = this.#pending.delete(key);
    return super.delete(key) || pending;
  }

  override clear(): void {
    this.#pending.clear();
    super.clear();
  }

  override get size(): number {
    this.#makeAll();
    return super.size;
  }

  override values(): MapIterator<CanisterActor> {
    this.#makeAll();
    return super.values();
  }

  override keys(): MapIterator<string> {
    this.#makeAll();
    return super.keys();
  }

  override entries(): MapIterator<[string, CanisterActor]> {
    this.#makeAll();
    return super.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, CanisterActor]> {
    return this.entries();
  }

  override forEach(
    fn: (value: CanisterActor, key: string, map: Map<string, CanisterActor>) => void,
    thisArg?: unknown,
  ): void {
    this.#makeAll();
    super.forEach(fn, thisArg);
  }
}
