/**
 * A canister's committed timers, and the set of canisters that have any: the runtime looks for
 * due timers before every step, and walking every canister of a large replica for that would
 * cost more than the step itself.
 */

/** One committed timer: when it fires next, and its interval (0 for one-shot). */
export interface Timer {
  atNs: bigint;
  readonly intervalNs: bigint;
}

/** A Map of timers that keeps its owner in `timed` (one set per runtime) while it is not empty. */
export class TimerTable<Owner> extends Map<number, Timer> {
  readonly #owner: Owner;
  readonly #timed: Set<Owner> | undefined;

  constructor(owner: Owner, timed: Set<Owner> | undefined) {
    super();
    this.#owner = owner;
    this.#timed = timed;
  }

  override set(id: number, timer: Timer): this {
    super.set(id, timer);
    this.#timed?.add(this.#owner);
    return this;
  }

  override delete(id: number): boolean {
    const deleted = super.delete(id);
    if (this.size === 0) this.#timed?.delete(this.#owner);
    return deleted;
  }

  override clear(): void {
    super.clear();
    this.#timed?.delete(this.#owner);
  }
}
