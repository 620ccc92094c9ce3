/**
 * The last N executions in memory, on the thread that runs canisters, kept as columns
 * (`TraceColumns`): recording an execution writes a row of slots, and a `TraceRecord` (hex,
 * decimal strings, principal text) is built only when a query or the trace file needs it.
 * Queries scan the columns (10,000 executions by default: a few milliseconds) and build records
 * only for what matches.
 */
import { Principal } from '@dfinity/principal';
import { toHex } from '@tincan/bytes';
import type { ExecutionTrace } from '@tincan/runtime';
import { TraceColumns, traceOfRecord } from './trace-columns.js';
import type { TraceRecord } from './trace-record.js';

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

/** Hex of a principal given as text (so filters match however it was typed); undefined when it is none. */
function hexOfText(text: string): string | undefined {
  try {
    return toHex(Principal.fromText(text).toUint8Array());
  } catch {
    return undefined;
  }
}

/** The last `capacity` executions, in id order. */
export class TraceRing {
  readonly #columns: TraceColumns;

  /** An empty ring keeping the last `capacity` executions. */
  constructor(capacity: number) {
    this.#columns = new TraceColumns(capacity);
  }

  /** Adds the newest execution (ids increase), dropping the oldest when full. */
  push(
    id: number,
    root: number,
    parent: number | null,
    wallMs: number,
    trace: ExecutionTrace,
  ): void {
    this.#columns.push(id, root, parent, wallMs, trace);
  }

  /** Adds records read back from the trace file, oldest first, before any execution is pushed. */
  load(records: readonly TraceRecord[]): void {
    const hexes = new Map<string, string>();
    const hexOf = (text: string): string => {
      let hex = hexes.get(text);
      if (hex === undefined) hexes.set(text, (hex = hexOfText(text) ?? ''));
      return hex;
    };
    const roots = new Map<string, number>();
    for (const r of records) {
      let root = roots.get(r.tree);
      if (root === undefined) {
        // A tree's root may be gone already: its first kept record stands for it.
        root = /^e\d+$/.test(r.tree) ? Number(r.tree.slice(1)) : r.id;
        roots.set(r.tree, root);
        if (!r.tree.startsWith('e')) this.#columns.nameTree(root, r.tree);
      }
      this.#columns.push(r.id, root, r.parent, r.wallMs, traceOfRecord(r, hexOf));
    }
  }

  /** How many executions are kept. */
  get size(): number {
    return this.#columns.size;
  }

  /** The id of the oldest kept execution; undefined when empty. */
  get oldestId(): number | undefined {
    return this.#columns.size === 0 ? undefined : this.#columns.id(this.#columns.slot(0));
  }

  /** The oldest `max` kept records with an id above `afterId`, oldest first. */
  since(afterId: number, max: number): TraceRecord[] {
    const c = this.#columns;
    let start = c.size;
    while (start > 0 && c.id(c.slot(start - 1)) > afterId) start--;
    const out: TraceRecord[] = [];
    for (let i = start; i < c.size && out.length < max; i++) out.push(c.record(c.slot(i)));
    return out;
  }

  /** Executions matching `query`, newest first. */
  list(query: TraceQuery = {}): TraceRecord[] {
    const want = limitOf(query.limit);
    const out: TraceRecord[] = [];
    for (const s of this.#matching(query)) {
      out.push(this.#columns.record(s));
      if (out.length >= want) break;
    }
    return out;
  }

  /** Slots of the executions matching `query` (but for its limit), newest first. */
  *#matching(query: TraceQuery): Generator<number> {
    const c = this.#columns;
    const canister = query.canister === undefined ? undefined : hexOfText(query.canister);
    const caller = query.caller === undefined ? undefined : hexOfText(query.caller);
    // A filter naming no principal matches nothing.
    if (
      (query.canister !== undefined && canister === undefined) ||
      (query.caller !== undefined && caller === undefined)
    )
      return;
    for (let i = c.size - 1; i >= 0; i--) {
      const s = c.slot(i);
      if (query.beforeId !== undefined && c.id(s) >= query.beforeId) continue;
      if (canister !== undefined && c.canisterHex(s) !== canister) continue;
      if (caller !== undefined && c.callerHex(s) !== caller) continue;
      if (query.method !== undefined && c.method(s) !== query.method) continue;
      if (query.outcome !== undefined && c.outcome(s) !== query.outcome) continue;
      if (query.fromNs !== undefined && c.timeNs(s) < query.fromNs) continue;
      if (query.toNs !== undefined && c.timeNs(s) > query.toNs) continue;
      yield s;
    }
  }

  /** Every kept execution of one call tree, in execution order. */
  tree(tree: string): TraceRecord[] {
    const c = this.#columns;
    const root = c.rootOf(tree);
    const out: TraceRecord[] = [];
    if (root === undefined) return out;
    for (let i = 0; i < c.size; i++) {
      const s = c.slot(i);
      if (c.root(s) === root) out.push(c.record(s));
    }
    return out;
  }

  /** One execution by id. */
  get(id: number): TraceRecord | undefined {
    // Ids increase along the ring: a binary search finds one.
    const c = this.#columns;
    let lo = 0;
    let hi = c.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = c.id(c.slot(mid));
      if (at === id) return c.record(c.slot(mid));
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
    const c = this.#columns;
    const want = limitOf(query.limit);
    const matched: number[] = [];
    const seen = new Set<number>();
    for (const s of this.#matching(query)) {
      const root = c.root(s);
      if (seen.has(root)) continue;
      seen.add(root);
      matched.push(root);
      if (matched.length >= want) break;
    }
    const stats = new Map<
      number,
      { first: number; n: number; trapped: number; canisters: Set<string> }
    >();
    for (let i = 0; i < c.size; i++) {
      const s = c.slot(i);
      const root = c.root(s);
      if (!seen.has(root)) continue;
      let st = stats.get(root);
      if (st === undefined)
        stats.set(root, (st = { first: s, n: 0, trapped: 0, canisters: new Set() }));
      st.n++;
      if (c.outcome(s) === 'trapped') st.trapped++;
      st.canisters.add(c.canisterHex(s));
    }
    return matched.flatMap((root) => {
      const st = stats.get(root);
      return st === undefined
        ? []
        : [
            {
              tree: c.treeName(root),
              root: c.record(st.first),
              executions: st.n,
              trapped: st.trapped,
              canisters: st.canisters.size,
            },
          ];
    });
  }
}

function limitOf(limit: number | undefined): number {
  return limit === undefined || !Number.isFinite(limit) || limit <= 0
    ? 100
    : Math.min(Math.floor(limit), 1_000);
}
