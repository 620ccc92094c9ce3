/**
 * The scheduler seam: which runnable message executes next. The runtime only offers messages
 * whose execution keeps ICP's ordering rule (requests between a pair of canisters start in send
 * order), so any policy is correct; policies differ only in which interleaving they produce.
 */

/** A runnable message, as a policy sees it. */
export interface SchedulerCandidate {
  /** Global enqueue order. */
  readonly seq: number;
  /** Canister that would execute it (hex of its id). */
  readonly canister: string;
  readonly kind: 'request' | 'response' | 'timer' | 'heartbeat';
}

/** Picks the next message among candidates (never empty). */
export interface SchedulerPolicy {
  /** When true the runtime may skip building candidates: the oldest message always runs. */
  readonly fifo: boolean;
  /** Index into `candidates` of the message to run. */
  pick(candidates: readonly SchedulerCandidate[]): number;
}

/** Runs messages in the order they were enqueued. */
export const fifoPolicy: SchedulerPolicy = { fifo: true, pick: () => 0 };

/**
 * Picks uniformly at random from a seeded stream, so one seed always reproduces the same
 * interleaving. Used by property tests to explore schedules.
 */
export function seededPolicy(seed: number): SchedulerPolicy {
  let state = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    // xorshift32: tiny, fast and plenty for schedule exploration.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  return { fifo: false, pick: (candidates) => next() % candidates.length };
}
