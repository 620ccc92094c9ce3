/**
 * The replica's trace store: the last N execution traces in SQLite (a file of its own beside
 * the replica's state, or in memory), queryable by canister, call tree and time. The SQLite
 * work runs on a worker thread (`trace-worker.ts`); this side posts batches and builds queries,
 * so an execution pays only for handing its trace over.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { toHex } from '@tincan/bytes';
import { Principal } from '@dfinity/principal';
import { principalFromHex, type TraceAnswer, type TraceRecord, type TraceRecordCause } from './trace-record.js';
import { TRACE_SCHEMA, TRACE_WORKER_SOURCE } from './trace-worker.js';
import { TRACE_STRIDE, flattenTrace, type LinkedTrace } from './trace-flat.js';

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
  id: number; tree: string; parent: number | null; canister: string; method: string; caller: string; outcome: string;
  time_ns: string; wall_ms: number; data: string;
}

/** What the `data` column holds, as JSON. */
interface RowData {
  kind: TraceRecord['kind']; origin: string; contextId: number | null; cause: TraceRecordCause; trap: string | null; instructions: number;
  cyclesCharged: string; cyclesAccepted: string; cyclesRefunded: string; balanceDelta: string;
  calls: Array<{ callId: number; callee: string; method: string; cycles: string; oneway: boolean }>;
  timersSet: number; stableWrites: number; heapBytes: number; arg: string; rejected: TraceRecord['rejected']; answer: TraceAnswer | null;
}

const COLUMNS = 'id, tree, parent, canister, method, caller, outcome, CAST(time_ns AS TEXT) AS time_ns, wall_ms, data';

/** Hex of a principal given as text; undefined when it is not a principal. */
function hexOfText(text: string): string | undefined {
  try {
    return toHex(Principal.fromText(text).toUint8Array());
  } catch {
    return undefined;
  }
}

type Answer = { rows: unknown[] } | { error: string } | { closed: true };

/** The last N execution traces, in SQLite on a worker thread. */
export class TraceStore {
  readonly #worker: Worker;
  readonly #limit: number;
  readonly #waiting: Array<(answer: Answer) => void> = [];
  readonly #lastId: number;
  #newestId: number;
  #closed = false;

  /** Opens (or creates) the store at `file`, or in memory; keeps the last `limit` executions. */
  constructor(file: string | undefined, limit: number) {
    this.#limit = limit;
    // The schema is made (and the last id read) here, synchronously, so ids continue at once.
    if (file === undefined) this.#lastId = 0;
    else {
      const db = new Database(file);
      try {
        db.exec(TRACE_SCHEMA);
        this.#lastId = (db.prepare('SELECT max(id) FROM executions').pluck().get() as number | null) ?? 0;
      } finally {
        db.close();
      }
    }
    this.#newestId = this.#lastId;
    const require = createRequire(import.meta.url);
    this.#worker = new Worker(TRACE_WORKER_SOURCE, {
      eval: true,
      workerData: { sqlitePath: require.resolve('better-sqlite3'), file: file ?? ':memory:', schema: TRACE_SCHEMA, limit, stride: TRACE_STRIDE },
    });
    // Idle, the worker does not keep the process alive; it is ref'd while a query is pending.
    this.#worker.unref();
    this.#worker.on('message', (answer: Answer) => {
      this.#waiting.shift()?.(answer);
      if (this.#waiting.length === 0) this.#worker.unref();
    });
    const fail = (err: unknown): void => {
      for (const resolve of this.#waiting.splice(0)) resolve({ error: `trace store: ${String(err)}` });
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', () => fail('the worker exited'));
  }

  /** The highest id stored when the store was opened, 0 when empty: where a recorder continues. */
  lastId(): number {
    return this.#lastId;
  }

  /** Hands linked traces (in id order) to the writer. */
  insert(traces: readonly LinkedTrace[]): void {
    const last = traces[traces.length - 1];
    if (last === undefined || this.#closed) return;
    this.#newestId = last.id;
    const flat: unknown[] = [];
    for (const t of traces) flattenTrace(flat, t);
    this.#worker.postMessage({ insert: flat });
  }

  #ask(message: object): Promise<Answer> {
    if (this.#closed) return Promise.resolve({ error: 'trace store: closed' });
    return new Promise((resolve) => {
      if (this.#waiting.length === 0) this.#worker.ref();
      this.#waiting.push(resolve);
      this.#worker.postMessage(message);
    });
  }

  async #rows(sql: string, params: unknown[]): Promise<Row[]> {
    const answer = await this.#ask({ sql, params });
    if ('error' in answer) throw new Error(answer.error);
    return 'rows' in answer ? (answer.rows as Row[]) : [];
  }

  /** Rows past the limit wait for the next prune; no query shows them. */
  get #oldestKept(): number {
    return this.#newestId - this.#limit;
  }

  /** Executions matching `query`, newest first. */
  async list(query: TraceQuery = {}): Promise<TraceRecord[]> {
    const where = ['id > ?'];
    const params: unknown[] = [this.#oldestKept];
    if (query.canister !== undefined) where.push('canister = ?'), params.push(hexOfText(query.canister) ?? '-');
    if (query.caller !== undefined) where.push('caller = ?'), params.push(hexOfText(query.caller) ?? '-');
    if (query.method !== undefined) where.push('method = ?'), params.push(query.method);
    if (query.outcome !== undefined) where.push('outcome = ?'), params.push(query.outcome);
    if (query.beforeId !== undefined) where.push('id < ?'), params.push(query.beforeId);
    if (query.fromNs !== undefined) where.push('time_ns >= ?'), params.push(query.fromNs);
    if (query.toNs !== undefined) where.push('time_ns <= ?'), params.push(query.toNs);
    params.push(limitOf(query.limit));
    const rows = await this.#rows(`SELECT ${COLUMNS} FROM executions WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`, params);
    return rows.map(recordOfRow);
  }

  /** Every kept execution of one call tree, in execution order. */
  async tree(tree: string): Promise<TraceRecord[]> {
    return (await this.#rows(`SELECT ${COLUMNS} FROM executions WHERE tree = ? AND id > ? ORDER BY id`, [tree, this.#oldestKept])).map(recordOfRow);
  }

  /** One execution by id. */
  async get(id: number): Promise<TraceRecord | undefined> {
    const [row] = await this.#rows(`SELECT ${COLUMNS} FROM executions WHERE id = ? AND id > ?`, [id, this.#oldestKept]);
    return row === undefined ? undefined : recordOfRow(row);
  }

  /**
   * Call trees, newest first, with an execution that matches `query` (a tree matches when any
   * of its executions does: filter by a callee and see the ingress messages that reached it).
   */
  async trees(query: TraceQuery = {}): Promise<TreeSummary[]> {
    const trees: string[] = [];
    let beforeId = query.beforeId;
    const want = limitOf(query.limit);
    // Matching executions, newest first, until enough distinct trees are found.
    for (let pages = 0; trees.length < want && pages < 20; pages++) {
      const page = await this.list({ ...query, limit: 1_000, ...(beforeId !== undefined && { beforeId }) });
      for (const r of page) if (!trees.includes(r.tree) && trees.length < want) trees.push(r.tree);
      const last = page[page.length - 1];
      if (last === undefined || page.length < 1_000) break;
      beforeId = last.id;
    }
    if (trees.length === 0) return [];
    const stats = (await this.#rows(
      `SELECT tree, min(id) AS first, count(*) AS n, sum(outcome = 'trapped') AS trapped, count(DISTINCT canister) AS canisters FROM executions ` +
        `WHERE id > ? AND tree IN (${trees.map(() => '?').join(', ')}) GROUP BY tree`,
      [this.#oldestKept, ...trees],
    )) as unknown as Array<{ tree: string; first: number; n: number; trapped: number; canisters: number }>;
    const firsts = stats.map((s) => s.first);
    const roots = new Map((await this.#rows(`SELECT ${COLUMNS} FROM executions WHERE id IN (${firsts.map(() => '?').join(', ')})`, firsts)).map((r) => [r.id, recordOfRow(r)]));
    const byTree = new Map(stats.map((s) => [s.tree, s]));
    const summaries: TreeSummary[] = [];
    for (const tree of trees) {
      const s = byTree.get(tree);
      const root = s === undefined ? undefined : roots.get(s.first);
      if (s !== undefined && root !== undefined) summaries.push({ tree, root, executions: s.n, trapped: s.trapped, canisters: s.canisters });
    }
    return summaries;
  }

  /** How many executions are kept. */
  async count(): Promise<number> {
    const [row] = (await this.#rows('SELECT count(*) AS n FROM executions WHERE id > ?', [this.#oldestKept])) as unknown as Array<{ n: number }>;
    return row?.n ?? 0;
  }

  /** Writes what was posted and stops the worker. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#ask({ close: true });
    this.#closed = true;
    await this.#worker.terminate();
  }
}

function limitOf(limit: number | undefined): number {
  return limit === undefined || !Number.isFinite(limit) || limit <= 0 ? 100 : Math.min(Math.floor(limit), 1_000);
}

function recordOfRow(row: Row): TraceRecord {
  const d = JSON.parse(row.data) as RowData;
  return {
    id: row.id, tree: row.tree, parent: row.parent, canister: principalFromHex(row.canister), kind: d.kind, method: row.method,
    caller: principalFromHex(row.caller), origin: principalFromHex(d.origin), contextId: d.contextId,
    cause: d.cause.kind === 'call' ? { ...d.cause, caller: principalFromHex(d.cause.caller) } : d.cause,
    timeNs: row.time_ns, wallMs: row.wall_ms, outcome: row.outcome as TraceRecord['outcome'], trap: d.trap, instructions: d.instructions,
    cyclesCharged: d.cyclesCharged, cyclesAccepted: d.cyclesAccepted, cyclesRefunded: d.cyclesRefunded, balanceDelta: d.balanceDelta,
    calls: d.calls.map((c) => ({ ...c, callee: principalFromHex(c.callee) })),
    timersSet: d.timersSet, stableWrites: d.stableWrites, heapBytes: d.heapBytes, arg: d.arg, rejected: d.rejected, answer: d.answer,
  };
}
