/**
 * Limits on calls, as replica settings with ICP's defaults . They bound what
 * one canister can do to another: queue space, payload sizes, how long a caller may wait, and
 * how deep a chain of nested calls may go.
 */

/** Limits of the call path. */
export interface CallLimits {
  /** Requests queued from one sender to one callee at most; beyond it the reject is SYS_TRANSIENT (IC0201). */
  readonly queueCapacity: number;
  /** Largest ingress argument in bytes (2 MiB). */
  readonly maxIngressPayloadBytes: number;
  /**
   * Largest inter-canister call argument in bytes. Every canister of a tincan replica is on one
   * subnet, so the same-subnet limit (10 MiB) applies; ICP's cross-subnet limit is 2 MiB.
   */
  readonly maxCallPayloadBytes: number;
  /** Largest reply in bytes (2 MiB). */
  readonly maxReplyBytes: number;
  /**
   * Nested calls at most: a call made at this depth is rejected with CANISTER_ERROR (IC0525),
   * so a recursive call chain ends. Ingress calls are depth 0.
   */
  readonly maxCallDepth: number;
  /** Cap of a bounded-wait call's timeout in seconds (300); larger timeouts are silently capped. */
  readonly maxTimeoutSeconds: number;
  /** How deep a composite query's calls may nest (ICP: 6); deeper ends the query with IC0525. */
  readonly maxQueryCallDepth: number;
  /** Instructions all executions of one composite query's call graph may spend (ICP: 5B); beyond, IC0526. */
  readonly queryCallGraphInstructions: number;
  /** Instructions each call in a composite query's graph costs on top of its executions (ICP: 50M). */
  readonly queryCallOverheadInstructions: number;
}

const MIB = 1024 * 1024;

/** ICP's defaults. */
export const DEFAULT_CALL_LIMITS: CallLimits = {
  queueCapacity: 500,
  maxIngressPayloadBytes: 2 * MIB,
  maxCallPayloadBytes: 10 * MIB,
  maxReplyBytes: 2 * MIB,
  maxCallDepth: 256,
  maxTimeoutSeconds: 300,
  maxQueryCallDepth: 6,
  queryCallGraphInstructions: 5e9,
  queryCallOverheadInstructions: 50e6,
};

/** Deadline of a bounded-wait call made at `nowNs`: the timeout in whole seconds, capped. */
export function deadlineFor(nowNs: bigint, timeoutSeconds: number, limits: CallLimits): bigint {
  const seconds = Number.isFinite(timeoutSeconds)
    ? Math.min(Math.max(0, Math.floor(timeoutSeconds)), limits.maxTimeoutSeconds)
    : limits.maxTimeoutSeconds;
  return nowNs + BigInt(seconds) * 1_000_000_000n;
}

/**
 * Counts requests queued per sender→callee pair, so a full queue is refused in O(1). The
 * runtime adds a request when it is queued and removes it when it starts.
 */
export class PairQueues {
  /**
   * Counts by sender, then by callee. Nested maps rather than one map keyed by a joined string:
   * every request passes here three times, and a joined key is a new string each time.
   */
  readonly #counts = new Map<string, Map<string, number>>();

  /** Whether one more request from `source` to `target` fits. */
  hasRoom(source: string, target: string, capacity: number): boolean {
    return (this.#counts.get(source)?.get(target) ?? 0) < capacity;
  }

  /** Requests from `source` to `target` in the queue. */
  count(source: string, target: string): number {
    return this.#counts.get(source)?.get(target) ?? 0;
  }

  /** A request from `source` to `target` was queued. */
  add(source: string, target: string): void {
    let bySource = this.#counts.get(source);
    if (bySource === undefined) {
      bySource = new Map();
      this.#counts.set(source, bySource);
    }
    bySource.set(target, (bySource.get(target) ?? 0) + 1);
  }

  /** A request from `source` to `target` left the queue. */
  remove(source: string, target: string): void {
    const bySource = this.#counts.get(source);
    if (bySource === undefined) return;
    const n = (bySource.get(target) ?? 0) - 1;
    if (n > 0) {
      bySource.set(target, n);
      return;
    }
    bySource.delete(target);
    // Ingress senders come and go: drop their empty maps so the table does not grow without
    // end. Canisters are few and send again: theirs stay, so a busy pair allocates nothing.
    if (bySource.size === 0 && source.startsWith('user:')) this.#counts.delete(source);
  }
}
