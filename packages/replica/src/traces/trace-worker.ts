/**
 * The trace store's writer thread: SQLite work for traces runs here, not on the thread that
 * executes canisters. The main thread posts batches of linked traces and queries; this worker
 * turns each trace into a row (the indexed columns plus the rest as JSON), inserts a batch in
 * one transaction, deletes the oldest rows past the limit, and answers queries in the order
 * they came, so a query sees every batch posted before it.
 *
 * Plain CommonJS evaluated from a string, loading better-sqlite3 by the path the replica
 * resolves, so it runs the same from TypeScript sources (tests) and from dist.
 */

/**
 * Columns of the `executions` table, in order; `data` holds the rest of a trace as JSON. No
 * secondary index: the table holds the last N executions (10,000 by default), a scan of them
 * answers a dashboard query in milliseconds, and every index would cost each insert.
 */
export const TRACE_SCHEMA = `
CREATE TABLE IF NOT EXISTS executions (
  id INTEGER PRIMARY KEY, tree TEXT NOT NULL, parent INTEGER, canister TEXT NOT NULL, method TEXT NOT NULL, caller TEXT NOT NULL,
  outcome TEXT NOT NULL, time_ns INTEGER NOT NULL, wall_ms INTEGER NOT NULL, data TEXT NOT NULL
);
`;

/** The worker's source. */
export const TRACE_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlitePath);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
// Traces are diagnostics: losing the last ones to a power cut is fine, an fsync per batch is not.
db.pragma('synchronous = OFF');
db.exec(workerData.schema);
const limit = workerData.limit;
// Deleting in chunks of a tenth of the limit keeps the prune off most batches.
const pruneEvery = Math.max(1, Math.floor(limit / 10));
let pruned = 0;
const insert = db.prepare('INSERT INTO executions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
const prune = db.prepare('DELETE FROM executions WHERE id <= ?');
const STRIDE = workerData.stride;
function causeOf(kind, a, b) {
  if (kind === 'ingress') return a === '' ? { kind } : { kind, requestId: a };
  if (kind === 'call') return { kind, caller: a, callId: b };
  if (kind === 'response' || kind === 'cleanup') return { kind, callId: b };
  if (kind === 'timer') return { kind, timerId: b };
  return { kind };
}
// One flat batch: STRIDE values per trace, in the layout of trace-flat.ts.
function dataOf(f, i) {
  const calls = f[i + 21] === null ? [] : f[i + 21].map((c) => ({ callId: c[0], callee: c[1], method: c[2], cycles: c[3], oneway: c[4] }));
  const answer = f[i + 28] !== null ? { reply: f[i + 28] } : f[i + 29] >= 0 ? { reject: { code: f[i + 29], message: f[i + 30] } } : null;
  return JSON.stringify({
    kind: f[i + 5], origin: f[i + 8], contextId: f[i + 9], cause: causeOf(f[i + 10], f[i + 11], f[i + 12]), trap: f[i + 15],
    instructions: f[i + 16], cyclesCharged: f[i + 17].toString(), cyclesAccepted: f[i + 18].toString(), cyclesRefunded: f[i + 19].toString(),
    balanceDelta: f[i + 20].toString(), calls, timersSet: f[i + 22], stableWrites: f[i + 23], heapBytes: f[i + 24], arg: f[i + 25],
    rejected: f[i + 26] >= 0 ? { code: f[i + 26], message: f[i + 27] } : null, answer,
  });
}
const insertAll = db.transaction((f) => {
  for (let i = 0; i < f.length; i += STRIDE) insert.run(f[i], f[i + 1], f[i + 2], f[i + 4], f[i + 6], f[i + 7], f[i + 14], f[i + 13], f[i + 3], dataOf(f, i));
  const last = f[f.length - STRIDE];
  if (last - limit - pruned >= pruneEvery) {
    prune.run(last - limit);
    pruned = last - limit;
  }
});
parentPort.on('message', (message) => {
  if (message.insert !== undefined) {
    if (message.insert.length > 0) insertAll(message.insert);
    return;
  }
  if (message.close === true) {
    db.close();
    parentPort.postMessage({ closed: true });
    return;
  }
  try {
    parentPort.postMessage({ rows: db.prepare(message.sql).all(...message.params) });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
});
`;
