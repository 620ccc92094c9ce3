/**
 * Read-only statements for looking at a canister's committed state from outside it (the
 * dashboard): one heap object's rows by id, the stable memories a canister uses, and a page of
 * one stable map's entries after a key. Keyset paging (`key > ?`) walks only the page, where
 * `stableRange`'s OFFSET walks every skipped entry. Prepared on first use: a replica nobody
 * browses never pays for them.
 */
import type Database from 'better-sqlite3';
import type { HeapRowRead, StableMemoryInfo } from '@tincan/runtime';

type Id = Uint8Array;

/** The browsing statements of one connection. */
export class BrowseStatements {
  readonly #object: Database.Statement<[Id, number], [number, number, Uint8Array]>;
  readonly #memories: Database.Statement<[Id], [number, bigint]>;
  readonly #first: Database.Statement<[Id, number, number], [Uint8Array, Uint8Array]>;
  readonly #after: Database.Statement<[Id, number, Uint8Array, number], [Uint8Array, Uint8Array]>;

  constructor(db: Database.Database) {
    this.#object = db
      .prepare<[Id, number], [number, number, Uint8Array]>(
        'SELECT object_id, part, data FROM heap_rows WHERE canister_id = ? AND object_id = ? ORDER BY part',
      )
      .raw();
    this.#memories = db
      .prepare<[Id], [number, bigint]>(
        'SELECT memory_id, count FROM stable_counts WHERE canister_id = ? AND count > 0 ORDER BY memory_id',
      )
      .raw()
      .safeIntegers();
    this.#first = db
      .prepare<[Id, number, number], [Uint8Array, Uint8Array]>(
        'SELECT key, value FROM stable WHERE canister_id = ? AND memory_id = ? ORDER BY key LIMIT ?',
      )
      .raw();
    this.#after = db
      .prepare<[Id, number, Uint8Array, number], [Uint8Array, Uint8Array]>(
        'SELECT key, value FROM stable WHERE canister_id = ? AND memory_id = ? AND key > ? ORDER BY key LIMIT ?',
      )
      .raw();
  }

  heapObject(cid: Id, objectId: number): HeapRowRead[] {
    return this.#object.all(cid, objectId).map(([id, part, data]) => ({ id, part, data }));
  }

  stableMemories(cid: Id): StableMemoryInfo[] {
    return this.#memories
      .all(cid)
      .map(([memoryId, count]) => ({ memoryId: Number(memoryId), count }));
  }

  stableAfter(
    cid: Id,
    memoryId: number,
    after: Uint8Array | undefined,
    limit: number,
  ): Array<[Uint8Array, Uint8Array]> {
    return after === undefined
      ? this.#first.all(cid, memoryId, limit)
      : this.#after.all(cid, memoryId, after, limit);
  }
}
