/**
 * Guards: the plain-TypeScript way to release something (a per-caller lock, a reservation)
 * even when the code after an `await` traps.
 *
 * A trap in the code after an `await` rolls back that callback's changes, including whatever a
 * `finally` block released in it. ICP then runs the call's cleanup against the state from
 * before the callback. tincan's cleanup releases every guard the method's invocation still
 * holds, and that release commits. So a lock taken before the `await` is released either by
 * the method itself (`lock.release()` in `finally`) or, after a trap, by the cleanup.
 *
 * ```ts
 * const lock = guard(() => this.locks.delete(from)); // released exactly once
 * this.locks.add(from);
 * try {
 *   await call(...);
 *   ...                 // may trap: the cleanup then runs lock's release
 * } finally {
 *   lock.release();
 * }
 * ```
 *
 * Guards live in module memory, not in the heap, like the continuations they belong to; they
 * do not survive a replica restart, and neither do calls in flight.
 */

/** A release registered with {@link guard}. */
export interface Guard {
  /** Runs the release now, once; later calls do nothing. */
  release(): void;
  /** Forgets the release without running it (the work it would undo is complete). */
  dismiss(): void;
  /** Whether the release has run or was dismissed (in a committed execution, or in this one so far). */
  readonly released: boolean;
}

/** The async code of one method call (or timer) across its executions. */
export class Invocation {
  readonly guards = new Set<GuardImpl>();
}

class GuardImpl implements Guard {
  released = false;
  readonly #fn: () => void;
  readonly #invocation: Invocation;

  constructor(fn: () => void, invocation: Invocation) {
    this.#fn = fn;
    this.#invocation = invocation;
    invocation.guards.add(this);
  }

  release(): void {
    if (this.#settle()) this.#fn();
  }

  dismiss(): void {
    this.#settle();
  }

  /** Marks the guard released (undone if the execution does not commit); false if it was. */
  #settle(): boolean {
    if (this.released) return false;
    this.released = true;
    this.#invocation.guards.delete(this);
    op.released.push(this);
    return true;
  }

  /** Undoes a release made by an execution that did not commit. */
  hold(): void {
    this.released = false;
    this.#invocation.guards.add(this);
  }

  /** Forgets a guard created by an execution that did not commit. */
  discard(): void {
    this.released = true;
    this.#invocation.guards.delete(this);
  }
}

let current: Invocation | undefined;
/** What the running execution did to guards, to undo if it does not commit. */
let op: { created: GuardImpl[]; released: GuardImpl[] } = { created: [], released: [] };

/**
 * Registers `release` to run exactly once: when you call `release()`, or in the call's cleanup
 * when the code after an `await` of this method traps. Call it in an update method (or timer),
 * before or after an `await`.
 */
export function guard(release: () => void): Guard {
  if (current === undefined)
    throw new Error('guard() can only be used while a canister method runs');
  const g = new GuardImpl(release, current);
  op.created.push(g);
  return g;
}

/** Kernel entry bookkeeping: a new execution starts, in `invocation`. */
export function beginExecution(invocation: Invocation): void {
  current = invocation;
  op = { created: [], released: [] };
}

/** The invocation of the running execution. */
export function currentInvocation(): Invocation | undefined {
  return current;
}

/** The execution did not commit: its guard changes are undone with the rest of its state. */
export function rollBackGuards(): void {
  for (const g of op.released) g.hold();
  for (const g of op.created) g.discard();
  op = { created: [], released: [] };
}

/**
 * Runs the cleanup of `invocation`: releases every guard it still holds. Every release runs
 * even if one throws; the first error is rethrown afterwards, so the cleanup traps (and rolls
 * back) as a whole.
 */
export function runCleanup(invocation: Invocation): void {
  beginExecution(invocation);
  let failure: { error: unknown } | undefined;
  for (const g of [...invocation.guards]) {
    try {
      g.release();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure !== undefined) throw failure.error;
}
