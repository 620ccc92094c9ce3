/**
 * Where a replica's traces survive a restart: `traces.sqlite` beside its state, one row per
 * execution (its id and the record as JSON). Nothing reads it while the replica runs (queries
 * are answered from memory); it is read once when the replica opens and written in batches,
 * so an execution never waits for SQLite.
 */
import Database from 'better-sqlite3';
import type { TraceRecord } from './trace-record.js';

const SCHEMA = `
DROP TABLE IF EXISTS executions;
CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
`;

/** The trace file of a replica. */
export class TraceFile {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<[number, string]>;
  readonly #prune: Database.Statement<[number]>;
  readonly #write: (records: readonly TraceRecord[], oldestKept: number) => void;

  /** Opens (or creates) the file. */
  constructor(file: string) {
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    // Traces are diagnostics: losing the last ones to a power cut is fine, an fsync per write is not.
    this.#db.pragma('synchronous = OFF');
    this.#db.exec(SCHEMA);
    this.#insert = this.#db.prepare('INSERT OR REPLACE INTO records (id, data) VALUES (?, ?)');
    this.#prune = this.#db.prepare('DELETE FROM records WHERE id < ?');
    this.#write = this.#db.transaction((records: readonly TraceRecord[], oldestKept: number) => {
      for (const r of records) this.#insert.run(r.id, JSON.stringify(r));
      this.#prune.run(oldestKept);
    });
  }

  /** The last `limit` records, oldest first. */
  load(limit: number): TraceRecord[] {
    const rows = this.#db.prepare('SELECT data FROM records ORDER BY id DESC LIMIT ?').pluck().all(limit) as string[];
    return rows.reverse().map((data) => JSON.parse(data) as TraceRecord);
  }

  /** Adds `records` and deletes every record older than `oldestKept` (an id), in one transaction. */
  write(records: readonly TraceRecord[], oldestKept: number): void {
    this.#write(records, oldestKept);
  }

  /** Closes the file. */
  close(): void {
    this.#db.close();
  }
}
