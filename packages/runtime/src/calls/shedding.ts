/**
 * Load shedding of bounded-wait messages. ICP may drop a best-effort request or response under
 * load; tincan drops them with a fixed probability drawn from a seeded stream, so a test
 * injects the same faults on every run. Guaranteed-response messages are never dropped.
 */

/** The shedding policy, a replica setting. */
export interface LoadShedding {
  /** Chance in [0, 1] that a bounded-wait request or response is dropped. */
  readonly dropProbability: number;
  /** Seed of the drop decisions; the same seed drops the same messages. */
  readonly seed?: number;
}

/** Decides, deterministically, which bounded-wait messages are dropped. */
export class Shedder {
  readonly #probability: number;
  #state: number;

  constructor(policy: LoadShedding | undefined) {
    this.#probability = Math.min(1, Math.max(0, policy?.dropProbability ?? 0));
    this.#state = (policy?.seed ?? 1) >>> 0 || 1;
  }

  /** Whether the next bounded-wait message is dropped. */
  drop(): boolean {
    if (this.#probability === 0) return false;
    return this.#next() < this.#probability;
  }

  /** mulberry32: a small, well-mixed 32-bit generator. */
  #next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
