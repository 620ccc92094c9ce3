/**
 * The heap's object rows: one row per heap object (part 0) and one per page of a large typed
 * array (parts 1, 2, …), so a commit writes only the objects an execution changed. The heap's
 * meta row (format, `Math.random` state, next object id) stays in `heaps.snapshot`, with the
 * balance, together with the canister instance's own row. Snapshots copy the rows into
 * `snapshot_heap_rows`. `heap_rows` keeps its rowid: in a rowid table a row of up to about 4 KB
 * sits in its leaf page, so rewriting one 2 KiB page of a typed array dirties one database page
 * (a WITHOUT ROWID row over about 1 KB spills into overflow pages).
 */
import type Database from 'better-sqlite3';
import type { HeapRowRead, HeapRowWrite } from '@tincan/runtime';

/** Tables of the heap rows (created with the schema, or by the migration to version 3). */
export const HEAP_ROW_TABLES = `
  CREATE TABLE heap_rows (
    canister_id BLOB NOT NULL,
    object_id INTEGER NOT NULL,
    part INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (canister_id, object_id, part)
  ) STRICT;
  CREATE TABLE snapshot_heap_rows (
    canister_id BLOB NOT NULL,
    snapshot_id INTEGER NOT NULL,
    object_id INTEGER NOT NULL,
    part INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (canister_id, snapshot_id, object_id, part)
  ) WITHOUT ROWID, STRICT;
`;

type Id = Uint8Array;

/** Prepared statements over the heap rows of one connection. */
export class HeapRowStatements {
  readonly #read: Database.Statement<[Id], [number, number, Uint8Array]>;
  readonly #upsert: Database.Statement<[Id, number, number, Uint8Array]>;
  readonly #deleteObject: Database.Statement<[Id, number]>;
  readonly #clear: Database.Statement<[Id]>;
  readonly #bytes: Database.Statement<[Id], bigint>;
  readonly #take: Database.Statement<[number, Id]>;
  readonly #load: Database.Statement<[Id, number]>;
  readonly #deleteSnapshot: Database.Statement<[Id, number]>;
  readonly #deleteSnapshots: Database.Statement<[Id]>;

  constructor(db: Database.Database) {
    this.#read = db
      .prepare<[Id], [number, number, Uint8Array]>(
        'SELECT object_id, part, data FROM heap_rows WHERE canister_id = ?',
      )
      .raw();
    this.#upsert = db.prepare<[Id, number, number, Uint8Array]>(
      'INSERT INTO heap_rows (canister_id, object_id, part, data) VALUES (?, ?, ?, ?) ON CONFLICT (canister_id, object_id, part) DO UPDATE SET data = excluded.data',
    );
    this.#deleteObject = db.prepare<[Id, number]>(
      'DELETE FROM heap_rows WHERE canister_id = ? AND object_id = ?',
    );
    this.#clear = db.prepare<[Id]>('DELETE FROM heap_rows WHERE canister_id = ?');
    this.#bytes = db
      .prepare<[Id], bigint>(
        'SELECT COALESCE(SUM(length(data)), 0) FROM heap_rows WHERE canister_id = ?',
      )
      .pluck()
      .safeIntegers();
    this.#take = db.prepare<[number, Id]>(
      'INSERT INTO snapshot_heap_rows (canister_id, snapshot_id, object_id, part, data) SELECT canister_id, ?, object_id, part, data FROM heap_rows WHERE canister_id = ?',
    );
    this.#load = db.prepare<[Id, number]>(
      'INSERT INTO heap_rows (canister_id, object_id, part, data) SELECT canister_id, object_id, part, data FROM snapshot_heap_rows WHERE canister_id = ? AND snapshot_id = ?',
    );
    this.#deleteSnapshot = db.prepare<[Id, number]>(
      'DELETE FROM snapshot_heap_rows WHERE canister_id = ? AND snapshot_id = ?',
    );
    this.#deleteSnapshots = db.prepare<[Id]>(
      'DELETE FROM snapshot_heap_rows WHERE canister_id = ?',
    );
  }

  read(cid: Id): HeapRowRead[] {
    return this.#read.all(cid).map(([id, part, data]) => ({ id, part, data }));
  }

  write(cid: Id, rows: Iterable<HeapRowWrite>): void {
    for (const row of rows) {
      if (row.data === undefined) this.#deleteObject.run(cid, row.id);
      else this.#upsert.run(cid, row.id, row.part, row.data);
    }
  }

  clear(cid: Id): void {
    this.#clear.run(cid);
  }

  bytes(cid: Id): bigint {
    return this.#bytes.get(cid) ?? 0n;
  }

  /** Copies the live rows into snapshot `snapshotId`. */
  take(cid: Id, snapshotId: number): void {
    this.#take.run(snapshotId, cid);
  }

  /** Replaces the live rows with snapshot `snapshotId`'s. */
  load(cid: Id, snapshotId: number): void {
    this.#clear.run(cid);
    this.#load.run(cid, snapshotId);
  }

  deleteSnapshot(cid: Id, snapshotId: number): void {
    this.#deleteSnapshot.run(cid, snapshotId);
  }

  deleteSnapshots(cid: Id): void {
    this.#deleteSnapshots.run(cid);
  }
}
