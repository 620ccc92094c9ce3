/**
 * The clock seam. The runtime never reads the host's time: it asks the clock it was given.
 * Replica time is in nanoseconds since the epoch and never goes backwards.
 */
export interface Clock {
  /** Current replica time in nanoseconds. */
  nowNs(): bigint;
}

/** A clock that moves only when told to: for deterministic tests and replays. */
export class ManualClock implements Clock {
  #nowNs: bigint;

  constructor(startNs: bigint) {
    this.#nowNs = startNs;
  }

  nowNs(): bigint {
    return this.#nowNs;
  }

  /** Moves time forward by `ms` milliseconds. */
  advanceMs(ms: number): void {
    if (ms < 0) throw new RangeError('time never goes backwards');
    this.#nowNs += BigInt(Math.round(ms * 1e6));
  }

  /** Sets time to `ns`; it may not go backwards. */
  setNs(ns: bigint): void {
    if (ns < this.#nowNs) throw new RangeError('time never goes backwards');
    this.#nowNs = ns;
  }
}
