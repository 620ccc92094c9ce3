/**
 * The clock of a replica on the wall clock (`tincan start`): host time plus an offset that
 * `advance` raises, so a developer can move the replica forward (timers fall due, `time()`
 * jumps) without waiting. It never goes backwards, even if the host's clock does.
 */
import type { Clock } from '@tincan/runtime';

/** Wall-clock time plus an offset that only grows. */
export class LiveClock implements Clock {
  #offsetNs: bigint;
  #lastNs = 0n;

  /** Starts `offsetNs` ahead of the host's clock (a replica reopened after `advance`). */
  constructor(offsetNs = 0n) {
    if (offsetNs < 0n) throw new RangeError('time never goes backwards');
    this.#offsetNs = offsetNs;
  }

  nowNs(): bigint {
    const now = BigInt(Date.now()) * 1_000_000n + this.#offsetNs;
    if (now > this.#lastNs) this.#lastNs = now;
    return this.#lastNs;
  }

  /** How far ahead of the host's clock the replica is, in ns. */
  get offsetNs(): bigint {
    return this.#offsetNs;
  }

  /** Moves time forward by `ms` milliseconds. */
  advanceMs(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError('time never goes backwards');
    this.#offsetNs += BigInt(Math.round(ms * 1e6));
  }
}
