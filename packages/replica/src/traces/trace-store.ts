/**
 * The replica's trace store: the last N execution traces in SQLite (a file of its own beside
 * the replica's state, or in memory), queryable by canister, call tree and time. Writes are
 * batched: the recorder hands over linked traces in groups, inserted in one transaction, and
 * the oldest rows beyond the limit are deleted with them.
 */
import Database from 'better-sqlite3';
import { toHex } from '@tincan/bytes';
import { Principal } from '@dfinity/principal';
import type { ExecutionTrace } from '@tincan/runtime';
import { principalFromHex, type TraceAnswer, type TraceRecord, type TraceRecordCause } from './trace-record.js';

/** A runtime trace with its place in a call tree. */
export interface LinkedTrace {
  readonly id: number;
  readonly tree: string;
  readonly parent: number | null;
  readonly wallMs: number;
  readonly trace: ExecutionTrace;
}

/** Filters of {@link TraceStore.list}; every one is optional. */
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

interface Row {
  id: number; tree: string; parent: number | null; canister: string; kind: string; method: string; caller: string; origin: string;
  context: number | null; cause: string; time_ns: string; wall_ms: number; outcome: string; trap: string | null; instructions: number;
  cycles: string; calls: string; timers_set: number; stable_writes: number; heap_bytes: number; arg: Uint8Array; rejected: string | null;
  answer_reply: Uint8Array | null; answer_reject: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS executions (
  id INTEGER PRIMARY KEY, tree TEXT NOT NULL, parent INTEGER, canister TEXT NOT NULL, kind TEXT NOT NULL, method TEXT NOT NULL,
  caller TEXT NOT NULL, origin TEXT NOT NULL, context INTEGER, cause TEXT NOT NULL, time_ns TEXT NOT NULL, wall_ms INTEGER NOT NULL,
  outcome TEXT NOT NULL, trap TEXT, instructions INTEGER NOT NULL, cycles TEXT NOT NULL, calls TEXT NOT NULL, timers_set INTEGER NOT NULL,
  stable_writes INTEGER NOT NULL, heap_bytes INTEGER NOT NULL, arg BLOB NOT NULL, rejected TEXT, answer_reply BLOB, answer_reject TEXT
);
CREATE INDEX IF NOT EXISTS executions_canister ON executions (canister, id);
CREATE INDEX IF NOT EXISTS executions_tree ON executions (tree, id);
CREATE INDEX IF NOT EXISTS executions_roots ON executions (id) WHERE parent IS NULL;
`;

const bigintJson = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);

/** Hex of a principal given as text; undefined when it is not a principal. */
function hexOfText(text: string): string | undefined {
  try {
    return toHex(Principal.fromText(text).toUint8Array());
  } catch {
    return undefined;
  }
}

/** The last N execution traces, in SQLite. */
export class TraceStore {
  readonly #db: Database.Database;
  readonly #limit: number;
  readonly #insert: Database.Statement;
  readonly #prune: Database.Statement;
  readonly #insertAll: (traces: readonly LinkedTrace[]) => void;

  /** Opens (or creates) the store at `file`, or in memory; keeps the last `limit` executions. */
  constructor(file: string | undefined, limit: number) {
    this.#db = new Database(file ?? ':memory:');
    this.#db.pragma('journal_mode = WAL');
    // Traces are diagnostics: losing the last ones to a power cut is fine, fsyncs are not.
    this.#db.pragma('synchronous = OFF');
    this.#db.exec(SCHEMA);
    this.#limit = limit;
    this.#insert = this.#db.prepare(
      'INSERT INTO executions VALUES (@id, @tree, @parent, @canister, @kind, @method, @caller, @origin, @context, @cause, @time_ns, @wall_ms, ' +
        '@outcome, @trap, @instructions, @cycles, @calls, @timers_set, @stable_writes, @heap_bytes, @arg, @rejected, @answer_reply, @answer_reject)',
    );
    this.#prune = this.#db.prepare('DELETE FROM executions WHERE id <= ?');
    this.#insertAll = this.#db.transaction((traces: readonly LinkedTrace[]) => {
      for (const t of traces) this.#insert.run(rowOf(t));
      const last = traces[traces.length - 1];
      if (last !== undefined && last.id > this.#limit) this.#prune.run(last.id - this.#limit);
    });
  }

  /** The highest id stored, 0 when empty: where a reopened recorder continues. */
  lastId(): number {
    return (this.#db.prepare('SELECT max(id) FROM executions').pluck().get() as number | null) ?? 0;
  }

  /** Inserts linked traces (in id order) and drops the oldest beyond the limit. */
  insert(traces: readonly LinkedTrace[]): void {
    if (traces.length > 0) this.#insertAll(traces);
  }

  /** Executions matching `query`, newest first. */
  list(query: TraceQuery = {}): TraceRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.canister !== undefined) {
      where.push('canister = ?');
      params.push(hexOfText(query.canister) ?? '-');
    }
    if (query.caller !== undefined) {
      where.push('caller = ?');
      params.push(hexOfText(query.caller) ?? '-');
    }
    if (query.method !== undefined) where.push('method = ?'), params.push(query.method);
    if (query.outcome !== undefined) where.push('outcome = ?'), params.push(query.outcome);
    if (query.beforeId !== undefined) where.push('id < ?'), params.push(query.beforeId);
    if (query.fromNs !== undefined) where.push('CAST(time_ns AS INTEGER) >= ?'), params.push(query.fromNs);
    if (query.toNs !== undefined) where.push('CAST(time_ns AS INTEGER) <= ?'), params.push(query.toNs);
    const sql = `SELECT * FROM executions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    params.push(limitOf(query.limit));
    return (this.#db.prepare(sql).all(...params) as Row[]).map(recordOfRow);
  }

  /** Every stored execution of one call tree, in execution order. */
  tree(tree: string): TraceRecord[] {
    return (this.#db.prepare('SELECT * FROM executions WHERE tree = ? ORDER BY id').all(tree) as Row[]).map(recordOfRow);
  }

  /** One execution by id. */
  get(id: number): TraceRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM executions WHERE id = ?').get(id) as Row | undefined;
    return row === undefined ? undefined : recordOfRow(row);
  }

  /**
   * Call trees, newest first, whose executions match `query` (a tree matches when any of its
   * executions does: filter by a callee's canister and see the ingress messages that reached it).
   */
  trees(query: TraceQuery = {}): TreeSummary[] {
    const ids: string[] = [];
    let beforeId = query.beforeId;
    const want = limitOf(query.limit);
    // Scans matching executions newest first and collects their distinct trees.
    for (let pages = 0; ids.length < want && pages < 20; pages++) {
      const page = this.list({ ...query, limit: 1_000, ...(beforeId !== undefined && { beforeId }) });
      for (const r of page) if (!ids.includes(r.tree) && ids.length < want) ids.push(r.tree);
      const last = page[page.length - 1];
      if (last === undefined || page.length < 1_000) break;
      beforeId = last.id;
    }
    const summaries: TreeSummary[] = [];
    for (const tree of ids) {
      const stats = this.#db
        .prepare("SELECT min(id) AS first, count(*) AS n, sum(outcome = 'trapped') AS trapped, count(DISTINCT canister) AS canisters FROM executions WHERE tree = ?")
        .get(tree) as { first: number; n: number; trapped: number; canisters: number };
      const root = this.get(stats.first);
      if (root !== undefined) summaries.push({ tree, root, executions: stats.n, trapped: stats.trapped, canisters: stats.canisters });
    }
    return summaries;
  }

  /** How many executions are stored. */
  count(): number {
    return this.#db.prepare('SELECT count(*) FROM executions').pluck().get() as number;
  }

  close(): void {
    this.#db.close();
  }
}

function limitOf(limit: number | undefined): number {
  return limit === undefined || !Number.isFinite(limit) || limit <= 0 ? 100 : Math.min(Math.floor(limit), 1_000);
}

function rowOf({ id, tree, parent, wallMs, trace: t }: LinkedTrace): Record<string, unknown> {
  const answer = t.answer;
  return {
    id, tree, parent, canister: t.canister, kind: t.kind, method: t.method, caller: t.caller, origin: t.origin, context: t.contextId ?? null,
    cause: JSON.stringify(t.cause), time_ns: t.timeNs.toString(), wall_ms: wallMs, outcome: t.outcome, trap: t.trap ?? null,
    instructions: t.instructions,
    cycles: JSON.stringify([t.cyclesCharged, t.cyclesAccepted, t.cyclesRefunded, t.balanceDelta], bigintJson),
    calls: t.calls.length === 0 ? '[]' : JSON.stringify(t.calls, bigintJson),
    timers_set: t.timersSet, stable_writes: t.stableWrites, heap_bytes: t.heapBytes, arg: t.arg,
    rejected: t.rejected === undefined ? null : JSON.stringify(t.rejected),
    answer_reply: answer !== undefined && 'reply' in answer ? answer.reply : null,
    answer_reject: answer !== undefined && 'reject' in answer ? JSON.stringify({ code: answer.reject.code, message: answer.reject.message }) : null,
  };
}

function recordOfRow(row: Row): TraceRecord {
  const [charged = '0', accepted = '0', refunded = '0', delta = '0'] = JSON.parse(row.cycles) as string[];
  const cause = JSON.parse(row.cause) as TraceRecordCause;
  const calls = JSON.parse(row.calls) as Array<{ callId: number; callee: string; method: string; cycles: string; oneway: boolean }>;
  const answer: TraceAnswer | null =
    row.answer_reply !== null ? { reply: toHex(row.answer_reply) } : row.answer_reject !== null ? { reject: JSON.parse(row.answer_reject) as { code: number; message: string } } : null;
  return {
    id: row.id, tree: row.tree, parent: row.parent, canister: principalFromHex(row.canister), kind: row.kind as TraceRecord['kind'],
    method: row.method, caller: principalFromHex(row.caller), origin: principalFromHex(row.origin), contextId: row.context,
    cause: cause.kind === 'call' ? { ...cause, caller: principalFromHex(cause.caller) } : cause,
    timeNs: row.time_ns, wallMs: row.wall_ms, outcome: row.outcome as TraceRecord['outcome'], trap: row.trap, instructions: row.instructions,
    cyclesCharged: charged, cyclesAccepted: accepted, cyclesRefunded: refunded, balanceDelta: delta,
    calls: calls.map((c) => ({ ...c, callee: principalFromHex(c.callee) })),
    timersSet: row.timers_set, stableWrites: row.stable_writes, heapBytes: row.heap_bytes, arg: toHex(row.arg),
    rejected: row.rejected === null ? null : (JSON.parse(row.rejected) as { code: number; message: string }),
    answer,
  };
}
