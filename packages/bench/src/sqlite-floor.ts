/**
 * The baseline every ratio is taken against: a bare better-sqlite3 loop doing, per iteration,
 * what the runtime's storage does per committed execution, and nothing else.
 *
 *   BEGIN; SELECT the heap row; INSERT … ON CONFLICT DO UPDATE it with a new blob; COMMIT
 *
 * The database is a real file with the store's own pragmas (`applyPragmas`: WAL,
 * synchronous = NORMAL), the table has the store's `heaps` layout, statements are prepared once,
 * and the blob is as large as the counter canister's heap snapshot measured in the same run.
 * No runtime can persist an update faster than this on the same machine, so `ops / floor` is
 * the share of the storage floor a benchmark reaches.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { applyPragmas, openSqliteStore } from '@tincan/storage-sqlite';
import type { BenchCase } from './support.js';

/** A benchmark case plus what closes its database. */
export interface SqliteFloor {
  readonly bench: BenchCase;
  close(): void;
}

/**
 * Opens the floor database `floor.sqlite` in `dir`, with one heap row of `blobBytes` bytes
 * (at least 8). Each iteration reads the row, writes back a fresh blob derived from it (its
 * first 8 bytes count the iterations, so the read is used) and commits.
 */
export function openSqliteFloor(dir: string, blobBytes: number): SqliteFloor {
  const size = Math.max(8, blobBytes);
  const db = new Database(path.join(dir, 'floor.sqlite'));
  applyPragmas(db);
  db.exec(
    'CREATE TABLE heaps (canister_id BLOB PRIMARY KEY NOT NULL, snapshot BLOB NOT NULL) STRICT',
  );
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  const read = db
    .prepare<[Uint8Array], Buffer>('SELECT snapshot FROM heaps WHERE canister_id = ?')
    .pluck();
  const write = db.prepare<[Uint8Array, Uint8Array]>(
    'INSERT INTO heaps (canister_id, snapshot) VALUES (?, ?) ON CONFLICT (canister_id) DO UPDATE SET snapshot = excluded.snapshot',
  );
  // A canister id of the runtime's shape: 8 index bytes plus the 0x01 suffix.
  const id = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  write.run(id, new Uint8Array(size));
  let iterations = 0n;

  const bench: BenchCase = {
    name: `SQLite floor: BEGIN, SELECT, UPSERT ${size} B blob, COMMIT`,
    run(n) {
      for (let i = 0; i < n; i++) {
        begin.run();
        const previous = read.get(id);
        if (previous === undefined) throw new Error('bench: the floor heap row is missing');
        const next = new Uint8Array(size);
        next.set(previous.subarray(0, size));
        new DataView(next.buffer).setBigUint64(
          0,
          new DataView(previous.buffer, previous.byteOffset, 8).getBigUint64(0) + 1n,
        );
        write.run(id, next);
        commit.run();
      }
      iterations += BigInt(n);
    },
    async verify() {
      const row = read.get(id);
      const stored =
        row === undefined ? -1n : new DataView(row.buffer, row.byteOffset, 8).getBigUint64(0);
      if (stored !== iterations)
        throw new Error(`bench: floor row counts ${stored} iterations, ran ${iterations}`);
    },
  };
  return { bench, close: () => db.close() };
}

/**
 * Not a baseline but a diagnostic row: the storage calls the runtime makes for one counter
 * `add(1)`, replayed straight on a `SqliteStateStore` (the replica's store) with no runtime,
 * sandbox or Candid around them: begin, `stableGet` and `stablePut` of the caller's total (the
 * CDK's `get` then `insert`), `writeHeap` of a `heapBytes` snapshot, commit. Its ratio to the
 * floor is what `add` would reach if everything but storage were free.
 */
export function openStoreReplay(dir: string, heapBytes: number): SqliteFloor {
  const store = openSqliteStore({ path: path.join(dir, 'store-replay.sqlite') });
  const id = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  const encoder = new TextEncoder();
  const key = encoder.encode(JSON.stringify('2vxsx-fae'));
  let total = 0n;
  const bench: BenchCase = {
    name: "diagnostic: add(1)'s storage calls on SqliteStateStore, no runtime",
    run(n) {
      for (let i = 0; i < n; i++) {
        store.begin();
        if (total > 0n && store.stableGet(id, 0, key) === undefined)
          throw new Error('bench: replayed total is missing');
        total += 1n;
        store.stablePut(id, 0, key, encoder.encode(JSON.stringify({ __bigint__: String(total) })));
        store.writeHeap(id, new Uint8Array(heapBytes));
        store.commit();
      }
    },
  };
  return { bench, close: () => store.close() };
}
