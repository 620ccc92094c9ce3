/**
 * Where a replica's traces survive a restart: `traces.sqlite` beside its state, one row per
 * write (the records of that write as one JSON array, keyed by their last id). Nothing reads it
 * while the replica runs (queries are answered from memory); it is read once when the replica
 * opens and written in batches, so an execution never waits for SQLite, and a batch of 1,000
 * records costs one insert instead of 1,000.
 */
import Database from 'better-sqlite3';
import type { TraceRecord } from './trace-record.js';

// Earlier files kept one row per execution (`records`) or per execution in columns
// (`executions`); traces are diagnostics, so those are dropped rather than converted.
const SCHEMA = `
DROP TABLE IF EXISTS executions;
DROP TABLE IF EXISTS records;
CREATE TABLE IF NOT EXISTS batches (last_id INTEGER PRIMARY KEY, first_id INTEGER NOT NULL, data TEXT NOT NULL);
`;

/** The trace file of a replica. */
export class TraceFile {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<[number, number, string]>;
  readonly #prune: Database.Statement<[number]>;
  readonly #write: (records: readonly TraceRecord[], oldestKept: number) => void;

  /** Opens (or creates) the file. */
  constructor(file: string) {
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    // Traces are diagnostics: losing the last ones to a power cut is fine, an fsync per write is not.
    this.#db.pragma('synchronous = OFF');
    this.#db.exec(SCHEMA);
    this.#insert = this.#db.prepare(
      'INSERT OR REPLACE INTO batches (last_id, first_id, data) VALUES (?, ?, ?)',
    );
    // A batch is dropped once all of it is older than the ring; load skips the rest.
    this.#prune = this.#db.prepare('DELETE FROM batches WHERE last_id < ?');
    this.#write = this.#db.transaction((records: readonly TraceRecord[], oldestKept: number) => {
      const first = records[0];
      const last = records[records.length - 1];
      if (first !== undefined && last !== undefined)
        this.#insert.run(last.id, first.id, JSON.stringify(records));
      this.#prune.run(oldestKept);
    });
  }

  /** The last `limit` records, oldest first. */
  load(limit: number): TraceRecord[] {
    const batches: TraceRecord[][] = [];
    let count = 0;
    for (const data of this.#db
      .prepare('SELECT data FROM batches ORDER BY last_id DESC')
      .pluck()
      .iterate() as IterableIterator<string>) {
      const batch = JSON.parse(data) as TraceRecord[];
      batches.push(batch);
      count += batch.length;
      if (count >= limit) break;
    }
    const records = batches.reverse().flat();
    return records.slice(Math.max(0, records.length - limit));
  }

  /** Adds `records` (ids increasing, after every stored one) and deletes batches wholly older than `oldestKept` (an id), in one transaction. */
  write(records: readonly TraceRecord[], oldestKept: number): void {
    this.#write(records, oldestKept);
  }

  /** Closes the file. */
  close(): void {
    this.#db.close();
  }
}
