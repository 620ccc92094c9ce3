/**
 * Deadlines of bounded-wait calls in flight. At its deadline (replica time) a call that has no
 * response yet gets SYS_UNKNOWN from the system, and refunds nothing; the callee's response,
 * if it ever comes, is then dropped. A test moves a manual clock to make deadlines pass.
 */
import type { Callback } from './call-context.js';

interface Entry {
  readonly deadlineNs: bigint;
  /** Hex id of the calling canister, which runs the response. */
  readonly caller: string;
  readonly callback: Callback;
}

/** Bounded-wait calls in flight, earliest deadline first. */
export class Deadlines {
  readonly #entries: Entry[] = [];

  /** Tracks a bounded-wait call made by `caller`. */
  add(caller: string, callback: Callback): void {
    const entry = { deadlineNs: callback.deadlineNs, caller, callback };
    // Deadlines mostly arrive in order: search from the end.
    let i = this.#entries.length;
    while (i > 0 && (this.#entries[i - 1] as Entry).deadlineNs > entry.deadlineNs) i--;
    this.#entries.splice(i, 0, entry);
  }

  /** The earliest deadline of a call still waiting, if any. */
  nextNs(): bigint | undefined {
    this.#dropAnswered();
    return this.#entries[0]?.deadlineNs;
  }

  /** Removes and returns the calls whose deadline is at or before `nowNs` and that have no response yet. */
  takeDue(nowNs: bigint): Array<{ caller: string; callback: Callback }> {
    this.#dropAnswered();
    let n = 0;
    while (n < this.#entries.length && (this.#entries[n] as Entry).deadlineNs <= nowNs) n++;
    if (n === 0) return [];
    return this.#entries.splice(0, n).filter((e) => !e.callback.responded);
  }

  /** Forgets the calls of a canister (it was uninstalled or deleted). */
  forget(caller: string): void {
    for (let i = this.#entries.length - 1; i >= 0; i--)
      if ((this.#entries[i] as Entry).caller === caller) this.#entries.splice(i, 1);
  }

  get size(): number {
    return this.#entries.length;
  }

  #dropAnswered(): void {
    while (this.#entries.length > 0 && (this.#entries[0] as Entry).callback.responded)
      this.#entries.shift();
  }
}
