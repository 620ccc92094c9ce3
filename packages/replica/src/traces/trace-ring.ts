/**
 * The last N executions in memory, on the thread that runs canisters: a ring of the linked
 * traces the runtime handed over, each turned into a `TraceRecord` (hex, decimal strings) the
 * first time a query or the trace file needs it, and kept so. Recording an execution is a
 * slot write; queries scan the ring (10,000 records by default: a few milliseconds).
 */
import { Principal } from '@dfinity/principal';
import { recordOfTrace, type LinkedTrace, type TraceRecord } from './trace-record.js';

/** Filters of {@link TraceRing.list}; every one is optional. */
export interface TraceQuery {
  /** Text of a canister's principal. */
  readonly canister?: string;
  readonly method?: string;
  /** Text of the caller's principal. */
  readonly caller?: string;
  readonly outcome?: TraceRecord['outcome'];
  /** Only executions with an id below this (paging backwards). */
  readonly beforeId?: number;
  /** Replica time range, ns. */
  readonly fromNs?: bigint;
  readonly toNs?: bigint;
  /** At most this many (newest first); 100 by default, 1,000 at most. */
  readonly limit?: number;
}

/** One call tree in a listing: its root and what happened in it. */
export interface TreeSummary {
  readonly tree: string;
  readonly root: TraceRecord;
  readonly executions: number;
  readonly trapped: number;
  readonly canisters: number;
}

type Slot = LinkedTrace | TraceRecord;

/** The canonical text of a principal given as text (so filters match however it was typed). */
function canonicalText(text: string): string {
  try {
    return Principal.fromText(text).toText();
  } catch {
    return text;
  }
}

/** The last `capacity` executions, in id order. */
export class TraceRing {
  readonly #slots: Slot[] = [];
  readonly #capacity: number;
  /** Index of the oldest slot once the ring is full. */
  #head = 0;

  /** An empty ring keeping the last `capacity` executions. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Adds the newest execution (ids increase), dropping the oldest when full. */
  push(slot: Slot): void {
    if (this.#slots.length < this.#capacity) this.#slots.push(slot);
    else {
      this.#slots[this.#head] = slot;
      this.#head = (this.#head + 1) % this.#capacity;
    }
  }

  /** How many executions are kept. */
  get size(): number {
    return this.#slots.length;
  }

  /** The id of the oldest kept execution; undefined when empty. */
  get oldestId(): number | undefined {
    return this.#slots[this.#head]?.id;
  }

  /** The record at position `i` (0: the oldest), turned into a record once. */
  #at(i: number): TraceRecord {
    const index = (this.#head + i) % this.#slots.length;
    const slot = this.#slots[index]!;
    if (!('trace' in slot)) return slot;
    const record = recordOfTrace(slot);
    this.#slots[index] = record;
    return record;
  }

  /** The oldest `max` kept records with an id above `afterId`, oldest first. */
  since(afterId: number, max: number): TraceRecord[] {
    let start = this.#slots.length;
    while (start > 0 && this.#slots[(this.#head + start - 1) % this.#slots.length]!.id > afterId) start--;
    const out: TraceRecord[] = [];
    for (let i = start; i < this.#slots.length && out.length < max; i++) out.push(this.#at(i));
    return out;
  }

  /** Executions matching `query`, newest first. */
  list(query: TraceQuery = {}): TraceRecord[] {
    const want = limitOf(query.limit);
    const out: TraceRecord[] = [];
    for (const r of this.#matching(query)) {
      out.push(r);
      if (out.length >= want) break;
    }
    return out;
  }

  /** Records matching `query` (but for its limit), newest first. */
  *#matching(query: TraceQuery): Generator<TraceRecord> {
    const canister = query.canister === undefined ? undefined : canonicalText(query.canister);
    const caller = query.caller === undefined ? undefined : canonicalText(query.caller);
    for (let i = this.#slots.length - 1; i >= 0; i--) {
      const r = this.#at(i);
      if (query.beforeId !== undefined && r.id >= query.beforeId) continue;
      if (canister !== undefined && r.canister !== canister) continue;
      if (caller !== undefined && r.caller !== caller) continue;
      if (query.method !== undefined && r.method !== query.method) continue;
      if (query.outcome !== undefined && r.outcome !== query.outcome) continue;
      if (query.fromNs !== undefined && BigInt(r.timeNs) < query.fromNs) continue;
      if (query.toNs !== undefined && BigInt(r.timeNs) > query.toNs) continue;
      yield r;
    }
  }

  /** Every kept execution of one call tree, in execution order. */
  tree(tree: string): TraceRecord[] {
    const out: TraceRecord[] = [];
    for (let i = 0; i < this.#slots.length; i++) if (this.#slots[(this.#head + i) % this.#slots.length]!.tree === tree) out.push(this.#at(i));
    return out;
  }

  /** One execution by id. */
  get(id: number): TraceRecord | undefined {
    // Ids increase along the ring: a binary search finds one.
    let lo = 0;
    let hi = this.#slots.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = this.#slots[(this.#head + mid) % this.#slots.length]!.id;
      if (at === id) return this.#at(mid);
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /**
   * Call trees, newest first, with an execution that matches `query` (a tree matches when any
   * of its executions does: filter by a callee and see the ingress messages that reached it).
   */
  trees(query: TraceQuery = {}): TreeSummary[] {
    const want = limitOf(query.limit);
    const matched: string[] = [];
    const seen = new Set<string>();
    for (const r of this.#matching(query)) {
      if (seen.has(r.tree)) continue;
      seen.add(r.tree);
      matched.push(r.tree);
      if (matched.length >= want) break;
    }
    const stats = new Map<string, { root: TraceRecord; n: number; trapped: number; canisters: Set<string> }>();
    for (let i = 0; i < this.#slots.length; i++) {
      const slot = this.#slots[(this.#head + i) % this.#slots.length]!;
      if (!seen.has(slot.tree)) continue;
      const r = this.#at(i);
      let s = stats.get(r.tree);
      if (s === undefined) stats.set(r.tree, (s = { root: r, n: 0, trapped: 0, canisters: new Set() }));
      s.n++;
      if (r.outcome === 'trapped') s.trapped++;
      s.canisters.add(r.canister);
    }
    return matched.flatMap((tree) => {
      const s = stats.get(tree);
      return s === undefined ? [] : [{ tree, root: s.root, executions: s.n, trapped: s.trapped, canisters: s.canisters.size }];
    });
  }
}

function limitOf(limit: number | undefined): number {
  return limit === undefined || !Number.isFinite(limit) || limit <= 0 ? 100 : Math.min(Math.floor(limit), 1_000);
}
