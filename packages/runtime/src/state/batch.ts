/**
 * Group commit. The executions of one batch share a store transaction; each runs inside its
 * own savepoint, so each stays atomic (a trap rolls back to its savepoint alone). Answers to
 * ingress calls are held until the batch commits: a client never sees an outcome that a crash
 * could still undo. Messages between canisters flow within the batch; a crash loses the whole
 * batch, which leaves every canister consistent with every other.
 */
import type { StateStore } from './state-store.js';

/** State kept in memory during a batch and written just before its COMMIT. */
export interface BatchWrites {
  /** Whether anything is waiting to be written. */
  pending(): boolean;
  /** Writes it into the open transaction. */
  flush(): void;
}

/** The open batch of executions. */
export class Batch {
  readonly #store: StateStore;
  readonly #extra: BatchWrites | undefined;
  #held: Array<() => void> = [];

  readonly #afterCommit: (() => void) | undefined;

  /**
   * `extra` writes what the runtime keeps in memory during a batch (cycle balances);
   * `afterCommit` runs once a batch's state is all in the store (hibernation).
   */
  constructor(store: StateStore, extra?: BatchWrites, afterCommit?: () => void) {
    this.#store = store;
    this.#extra = extra;
    this.#afterCommit = afterCommit;
  }

  /** Opens an execution's savepoint, and the batch's transaction if needed. */
  beginExecution(): void {
    if (!this.#store.inTransaction) this.#store.begin();
    this.#store.savepoint();
  }

  /** Keeps the execution's writes. */
  keepExecution(): void {
    this.#store.releaseSavepoint();
  }

  /** Discards the execution's writes. */
  dropExecution(): void {
    this.#store.rollbackToSavepoint();
  }

  /** Runs `deliver` once the batch has committed. */
  hold(deliver: () => void): void {
    this.#held.push(deliver);
  }

  /** Commits the batch, then releases the held answers in order. */
  commit(): void {
    if (this.#extra?.pending() === true) {
      if (!this.#store.inTransaction) this.#store.begin();
      this.#extra.flush();
    }
    if (this.#store.inTransaction) this.#store.commit();
    this.#afterCommit?.();
    const held = this.#held;
    this.#held = [];
    for (const deliver of held) deliver();
  }
}
