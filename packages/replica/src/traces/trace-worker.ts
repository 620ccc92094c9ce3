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
const hex = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const str = (n) => n.toString();
function dataOf(t) {
  const answer = t.answer === undefined ? null : 'reply' in t.answer ? { reply: hex(t.answer.reply) } : { reject: { code: t.answer.reject.code, message: t.answer.reject.message } };
  return JSON.stringify({
    kind: t.kind, origin: t.origin, contextId: t.contextId === undefined ? null : t.contextId, cause: t.cause, trap: t.trap === undefined ? null : t.trap,
    instructions: t.instructions, cyclesCharged: str(t.cyclesCharged), cyclesAccepted: str(t.cyclesAccepted), cyclesRefunded: str(t.cyclesRefunded),
    balanceDelta: str(t.balanceDelta), calls: t.calls.map((c) => ({ callId: c.callId, callee: c.callee, method: c.method, cycles: str(c.cycles), oneway: c.oneway })),
    timersSet: t.timersSet, stableWrites: t.stableWrites, heapBytes: t.heapBytes, arg: hex(t.arg),
    rejected: t.rejected === undefined ? null : t.rejected, answer,
  });
}
const insertAll = db.transaction((batch) => {
  for (const { id, tree, parent, wallMs, trace: t } of batch) insert.run(id, tree, parent, t.canister, t.method, t.caller, t.outcome, t.timeNs, wallMs, dataOf(t));
  const last = batch[batch.length - 1].id;
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
