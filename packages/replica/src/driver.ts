/**
 * Drives the synchronous runtime from the Node event loop: when messages are pending it steps
 * in slices, yielding between slices so I/O (HTTP, timers, test code) keeps flowing.
 */
import { describeThrown, isHostObject, type Runtime } from '@tincan/runtime';

const SLICE_MS = 10;
/** Slices run from microtasks before the driver yields to the event loop once. */
const MAX_MICRO_SLICES = 64;
/** Executions per batch at most, so a crash loses little and answers flow steadily. */
const MAX_BATCH = 500;

/** Runs a runtime's pending messages in the background. */
export class Driver {
  readonly #runtime: Runtime;
  readonly #onError: (err: unknown) => void;
  readonly #nowNs: (() => bigint) | undefined;
  #alarm: NodeJS.Timeout | undefined;
  #rounds: NodeJS.Timeout | undefined;
  #scheduled = false;
  #microSlices = 0;
  #stopped = false;
  #idleWaiters: Array<() => void> = [];

  constructor(runtime: Runtime, options: DriverOptions = {}) {
    this.#runtime = runtime;
    this.#onError = options.onError ?? reportError;
    this.#nowNs = options.nowNs;
    if (options.roundMs !== undefined) {
      // Heartbeats run once per round; on the wall clock a round starts every `roundMs`.
      // unref: heartbeats alone do not keep the process alive.
      this.#rounds = setInterval(() => {
        if (this.#runtime.queueHeartbeats() > 0) this.wake();
      }, options.roundMs).unref();
    }
  }

  /**
   * Makes sure pending messages get run soon: right after the current synchronous code (so
   * calls submitted together share a batch and a lone caller waits for no event-loop turn),
   * but at least every 64 slices through the event loop, so I/O and timers are never starved.
   */
  wake(): void {
    if (this.#scheduled || this.#stopped) return;
    this.#scheduled = true;
    if (this.#microSlices < MAX_MICRO_SLICES) {
      this.#microSlices++;
      queueMicrotask(() => this.#slice());
    } else {
      setImmediate(() => {
        this.#microSlices = 0;
        this.#slice();
      });
    }
  }

  /** Resolves once nothing is pending and no timer is due. */
  idle(): Promise<void> {
    if (!this.#runtime.hasWork()) return Promise.resolve();
    this.wake();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops stepping; messages still pending are dropped with the process. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#alarm !== undefined) clearTimeout(this.#alarm);
    if (this.#rounds !== undefined) clearInterval(this.#rounds);
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
    await Promise.resolve();
  }

  /** With a wall clock, wakes the driver when the next canister timer falls due. */
  #setAlarm(): void {
    if (this.#nowNs === undefined) return;
    if (this.#alarm !== undefined) clearTimeout(this.#alarm);
    this.#alarm = undefined;
    const next = this.#runtime.nextTimerNs();
    if (next === undefined) return;
    const delayMs = Math.max(0, Number((next - this.#nowNs()) / 1_000_000n) + 1);
    // unref: a pending canister timer alone does not keep the process alive.
    this.#alarm = setTimeout(() => this.wake(), Math.min(delayMs, 2 ** 31 - 1)).unref();
  }

  #slice(): void {
    this.#scheduled = false;
    if (this.#stopped) return;
    // One slice is one batch: its executions share a commit, then their answers go out.
    const end = performance.now() + SLICE_MS;
    try {
      this.#runtime.runBatch((executed) => executed < MAX_BATCH && performance.now() < end);
    } catch (err) {
      // A runtime failure (a storage error, say) must not become an unhandled error of the
      // process; it is reported and the next slice tries again.
      this.#onError(err);
    }
    if (this.#runtime.hasWork()) this.wake();
    else {
      this.#setAlarm();
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

/** Options of a {@link Driver}. */
export interface DriverOptions {
  readonly onError?: (err: unknown) => void;
  /**
   * The wall clock the replica runs on, for waking up when the next canister timer is due.
   * Absent with a manual clock: then timers fire only when the test moves time.
   */
  readonly nowNs?: () => bigint;
  /** With a wall clock: how often a round starts and heartbeats run, in ms. */
  readonly roundMs?: number;
}

function reportError(err: unknown): void {
  // A canister's value is described, not printed: printing would run its getters.
  console.error('[tincan] replica driver:', isHostObject(err) ? err : describeThrown(err));
}
