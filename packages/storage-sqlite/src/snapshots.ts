/**
 * Canister snapshots in SQLite: copies of a canister's heap rows and stable entries, made and
 * restored with INSERT … SELECT so no row passes through JavaScript. The module is named by its
 * hash (see modules.ts), not copied.
 */
import type Database from 'better-sqlite3';
import type { SnapshotInfo, SnapshotModule } from '@tincan/runtime';
import type { HeapRowStatements } from './heap-rows.js';
import type { ModuleStatements } from './modules.js';

/** Snapshot statements on one connection. */
export class SnapshotStatements {
  readonly #take: Database.Statement<[number, string, Uint8Array]>;
  readonly #takeStable: Database.Statement<[number, Uint8Array]>;
  readonly #module: Database.Statement<[Uint8Array, number]>;
  readonly #clearStable: Database.Statement<[Uint8Array]>;
  readonly #clearCounts: Database.Statement<[Uint8Array]>;
  readonly #loadStable: Database.Statement<[Uint8Array, number]>;
  readonly #loadCounts: Database.Statement<[Uint8Array]>;
  readonly #loadHeap: Database.Statement<[Uint8Array, Uint8Array, number]>;
  readonly #clearHeap: Database.Statement<[Uint8Array]>;
  readonly #list: Database.Statement<[Uint8Array]>;
  readonly #delete: Database.Statement<[Uint8Array, number]>;
  readonly #deleteStable: Database.Statement<[Uint8Array, number]>;
  readonly #deleteAll: Database.Statement<[Uint8Array]>;
  readonly #deleteAllStable: Database.Statement<[Uint8Array]>;

  readonly #heapRows: HeapRowStatements;
  readonly #modules: ModuleStatements;

  constructor(db: Database.Database, heapRows: HeapRowStatements, modules: ModuleStatements) {
    this.#heapRows = heapRows;
    this.#modules = modules;
    this.#take = db.prepare(
      `INSERT INTO snapshots (canister_id, snapshot_id, taken_at_ns, module, module_hash, candid, heap)
       SELECT c.id, ?, ?, c.module, c.module_hash, c.candid, (SELECT h.snapshot FROM heaps h WHERE h.canister_id = c.id)
       FROM canisters c WHERE c.id = ?`,
    );
    this.#takeStable = db.prepare(
      'INSERT INTO snapshot_stable (canister_id, snapshot_id, memory_id, key, value) SELECT canister_id, ?, memory_id, key, value FROM stable WHERE canister_id = ?',
    );
    this.#module = db.prepare(
      'SELECT module_hash AS moduleHash, candid FROM snapshots WHERE canister_id = ? AND snapshot_id = ?',
    );
    this.#clearStable = db.prepare('DELETE FROM stable WHERE canister_id = ?');
    this.#clearCounts = db.prepare('DELETE FROM stable_counts WHERE canister_id = ?');
    this.#loadStable = db.prepare(
      'INSERT INTO stable (canister_id, memory_id, key, value) SELECT canister_id, memory_id, key, value FROM snapshot_stable WHERE canister_id = ? AND snapshot_id = ?',
    );
    this.#loadCounts = db.prepare(
      'INSERT INTO stable_counts (canister_id, memory_id, count) SELECT canister_id, memory_id, count(*) FROM stable WHERE canister_id = ? GROUP BY memory_id',
    );
    this.#loadHeap = db.prepare(
      // An upsert, not REPLACE: the heap row also holds the canister's balance.
      `INSERT INTO heaps (canister_id, snapshot) SELECT ?, heap FROM snapshots WHERE canister_id = ? AND snapshot_id = ? AND heap IS NOT NULL
       ON CONFLICT (canister_id) DO UPDATE SET snapshot = excluded.snapshot`,
    );
    this.#clearHeap = db.prepare('DELETE FROM heaps WHERE canister_id = ?');
    this.#list = db.prepare(
      `SELECT s.snapshot_id AS id, s.taken_at_ns AS takenAtNs,
              coalesce(length(s.heap), 0)
                + coalesce((SELECT sum(length(data)) FROM snapshot_heap_rows r WHERE r.canister_id = s.canister_id AND r.snapshot_id = s.snapshot_id), 0) + coalesce((SELECT sum(length(key) + length(value)) FROM snapshot_stable t WHERE t.canister_id = s.canister_id AND t.snapshot_id = s.snapshot_id), 0) AS size
       FROM snapshots s WHERE s.canister_id = ? ORDER BY s.snapshot_id`,
    );
    this.#delete = db.prepare('DELETE FROM snapshots WHERE canister_id = ? AND snapshot_id = ?');
    this.#deleteStable = db.prepare(
      'DELETE FROM snapshot_stable WHERE canister_id = ? AND snapshot_id = ?',
    );
    this.#deleteAll = db.prepare('DELETE FROM snapshots WHERE canister_id = ?');
    this.#deleteAllStable = db.prepare('DELETE FROM snapshot_stable WHERE canister_id = ?');
  }

  take(canisterId: Uint8Array, snapshotId: number, takenAtNs: bigint): void {
    this.#take.run(snapshotId, String(takenAtNs), canisterId);
    this.#takeStable.run(snapshotId, canisterId);
    this.#heapRows.take(canisterId, snapshotId);
  }

  load(canisterId: Uint8Array, snapshotId: number): SnapshotModule | undefined {
    const row = this.#module.get(canisterId, snapshotId) as
      { moduleHash: Uint8Array; candid: string } | undefined;
    if (row === undefined) return undefined;
    this.#clearStable.run(canisterId);
    this.#clearCounts.run(canisterId);
    this.#loadStable.run(canisterId, snapshotId);
    this.#loadCounts.run(canisterId);
    this.#clearHeap.run(canisterId);
    this.#loadHeap.run(canisterId, canisterId, snapshotId);
    this.#heapRows.load(canisterId, snapshotId);
    return {
      module: this.#modules.get(row.moduleHash),
      moduleHash: row.moduleHash,
      candid: row.candid,
    };
  }

  list(canisterId: Uint8Array): SnapshotInfo[] {
    return (
      this.#list.all(canisterId) as Array<{
        id: number | bigint;
        takenAtNs: string;
        size: number | bigint;
      }>
    ).map((r) => ({
      id: Number(r.id),
      takenAtNs: BigInt(r.takenAtNs),
      size: BigInt(r.size),
    }));
  }

  delete(canisterId: Uint8Array, snapshotId: number): boolean {
    const hash = this.#modules.snapshotHash(canisterId, snapshotId);
    this.#deleteStable.run(canisterId, snapshotId);
    this.#heapRows.deleteSnapshot(canisterId, snapshotId);
    const deleted = this.#delete.run(canisterId, snapshotId).changes > 0;
    this.#modules.release(hash);
    return deleted;
  }

  deleteAll(canisterId: Uint8Array): void {
    const hashes = this.#modules.snapshotHashes(canisterId);
    this.#deleteAllStable.run(canisterId);
    this.#heapRows.deleteSnapshots(canisterId);
    this.#deleteAll.run(canisterId);
    for (const hash of hashes) this.#modules.release(hash);
  }
}
