/**
 * Replay protection that survives a restart. Every ingress call received under a request id
 * (over HTTP) is recorded in the store, with its answer once it has one, in the COMMIT of the
 * batch that produced the answer: the answer is released only after that COMMIT, so a client
 * is never told an outcome whose record a crash could lose, and an executed call's request id
 * is never forgotten. Records are kept until the request's expiry has passed (then the HTTP
 * interface refuses the request anyway) and pruned in a later batch.
 */
import type { IngressId, Outcome } from '../calls/messages.js';
import type { IngressRecord, StateStore } from '../state/state-store.js';
import { toHex } from '../canisters/principal-ids.js';

/** How often, at most, expired records are pruned (in replica time). */
const PRUNE_EVERY_NS = 10n * 1_000_000_000n;

/** Ingress records waiting for the batch's COMMIT. */
export class IngressLedger {
  /** Records to write at the batch's end, by request id (hex): the latest wins. */
  readonly #dirty = new Map<string, IngressRecord>();
  readonly #now: () => bigint;
  #lastPruneNs = 0n;

  constructor(now: () => bigint) {
    this.#now = now;
  }

  /** A call was queued: it is recorded as received (if still unanswered at the batch's end). */
  received(id: IngressId): void {
    this.#dirty.set(toHex(id.requestId), { ...id, outcome: undefined });
  }

  /** A call was answered: its answer is recorded in the batch's COMMIT. */
  answered(id: IngressId, outcome: Outcome): void {
    this.#dirty.set(toHex(id.requestId), { ...id, outcome });
  }

  /** Whether the batch has something to write. */
  get pending(): boolean {
    return this.#dirty.size > 0;
  }

  /** Writes the records into the open transaction; prunes expired ones at most every 10 s. */
  flush(store: StateStore): void {
    for (const record of this.#dirty.values()) store.putIngress(record);
    this.#dirty.clear();
    const now = this.#now();
    if (now - this.#lastPruneNs >= PRUNE_EVERY_NS) {
      this.#lastPruneNs = now;
      store.pruneIngress(now);
    }
  }
}
