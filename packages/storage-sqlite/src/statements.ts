import type Database from 'better-sqlite3';
import type { CanisterKeyRow, CanisterRow } from './canister-codec.js';

type Id = Uint8Array;
type Mem = number;
type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** The statement set of one connection; result types reflect `pluck()`/`raw()` where used. */
export interface Statements {
  readonly begin: Stmt<[]>;
  readonly commit: Stmt<[]>;
  readonly rollback: Stmt<[]>;
  readonly savepoint: Stmt<[]>;
  readonly release: Stmt<[]>;
  readonly rollbackTo: Stmt<[]>;
  readonly listCanisters: Stmt<[], CanisterRow>;
  readonly getCanister: Stmt<[Id], CanisterRow>;
  readonly listCanisterKeys: Stmt<[], CanisterKeyRow>;
  readonly putCanister: Stmt<[CanisterRow]>;
  readonly putHeapCycles: Stmt<[string, Id]>;
  readonly putRegistryCycles: Stmt<[string, Id]>;
  readonly deleteCanister: Stmt<[Id]>;
  readonly getMeta: Stmt<[string], Uint8Array>;
  readonly putMeta: Stmt<[string, Uint8Array]>;
  readonly deleteMeta: Stmt<[string]>;
  readonly listMeta: Stmt<[string, string], { key: string; value: Uint8Array }>;
  readonly readHeap: Stmt<[Id], Uint8Array>;
  readonly writeHeap: Stmt<[Id, Uint8Array]>;
  readonly writeHeapCycles: Stmt<[Id, Uint8Array, string]>;
  readonly clearHeap: Stmt<[Id]>;
  readonly stableGet: Stmt<[Id, Mem, Uint8Array], Uint8Array>;
  readonly stableHas: Stmt<[Id, Mem, Uint8Array], number>;
  readonly stableUpsert: Stmt<[Id, Mem, Uint8Array, Uint8Array]>;
  readonly stableDelete: Stmt<[Id, Mem, Uint8Array], Uint8Array>;
  readonly stableRange: Stmt<[Id, Mem, number, number], [Uint8Array, Uint8Array]>;
  readonly clearStable: Stmt<[Id]>;
  readonly countGet: Stmt<[Id, Mem], bigint>;
  readonly stableBytes: Stmt<[Id], bigint>;
  readonly countIncrement: Stmt<[Id, Mem]>;
  readonly countDecrement: Stmt<[Id, Mem]>;
  readonly clearCounts: Stmt<[Id]>;
}

/**
 * Prepares every statement the store runs, once per connection: preparing is a parse and plan,
 * which would dominate the per-message begin/readHeap/writeHeap/commit cycle if repeated.
 * Single-column reads use `pluck()` so no row object is built; `stableRange` uses `raw()` so
 * each row already is the `[key, value]` tuple the interface returns.
 */
export function prepareStatements(db: Database.Database): Statements {
  return {
    begin: db.prepare<[]>('BEGIN'),
    commit: db.prepare<[]>('COMMIT'),
    rollback: db.prepare<[]>('ROLLBACK'),
    savepoint: db.prepare<[]>('SAVEPOINT execution'),
    release: db.prepare<[]>('RELEASE execution'),
    rollbackTo: db.prepare<[]>('ROLLBACK TO execution'),

    listCanisters: db.prepare<[], CanisterRow>(
      `SELECT id, idx, x'' AS module, module_hash, candid, controllers, status, version,
              COALESCE((SELECT h.cycles FROM heaps h WHERE h.canister_id = id), cycles) AS cycles, settings_json
       FROM canisters ORDER BY idx`,
    ),
    getCanister: db.prepare<[Id], CanisterRow>(
      `SELECT c.id, c.idx, x'' AS module, c.module_hash, c.candid, c.controllers, c.status, c.version,
              COALESCE((SELECT h.cycles FROM heaps h WHERE h.canister_id = c.id), c.cycles) AS cycles, c.settings_json
       FROM canisters c WHERE c.id = ?`,
    ),
    listCanisterKeys: db.prepare<[], CanisterKeyRow>(
      'SELECT id, idx, module_hash, status FROM canisters',
    ),
    putHeapCycles: db.prepare<[string, Id]>('UPDATE heaps SET cycles = ? WHERE canister_id = ?'),
    putRegistryCycles: db.prepare<[string, Id]>('UPDATE canisters SET cycles = ? WHERE id = ?'),
    // ON CONFLICT(id) rather than INSERT OR REPLACE: REPLACE would also silently delete a
    // *different* canister that holds the same idx; this way an idx clash is an error.
    putCanister: db.prepare<CanisterRow>(
      `INSERT INTO canisters (id, idx, module, module_hash, candid, controllers, status, version, cycles, settings_json)
       VALUES (@id, @idx, @module, @module_hash, @candid, @controllers, @status, @version, @cycles, @settings_json)
       ON CONFLICT (id) DO UPDATE SET idx = excluded.idx, module = excluded.module,
         module_hash = excluded.module_hash, candid = excluded.candid, controllers = excluded.controllers,
         status = excluded.status, version = excluded.version, cycles = excluded.cycles,
         settings_json = excluded.settings_json`,
    ),
    deleteCanister: db.prepare<[Id]>('DELETE FROM canisters WHERE id = ?'),

    getMeta: db.prepare<[string], Uint8Array>('SELECT value FROM meta WHERE key = ?').pluck(),
    putMeta: db.prepare<[string, Uint8Array]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    deleteMeta: db.prepare<[string]>('DELETE FROM meta WHERE key = ?'),
    listMeta: db.prepare<[string, string], { key: string; value: Uint8Array }>(
      'SELECT key, value FROM meta WHERE key >= ? AND key < ? ORDER BY key',
    ),

    readHeap: db
      .prepare<[Id], Uint8Array>('SELECT snapshot FROM heaps WHERE canister_id = ?')
      .pluck(),
    writeHeap: db.prepare<[Id, Uint8Array]>(
      'INSERT INTO heaps (canister_id, snapshot) VALUES (?, ?) ON CONFLICT (canister_id) DO UPDATE SET snapshot = excluded.snapshot',
    ),
    writeHeapCycles: db.prepare<[Id, Uint8Array, string]>(
      'INSERT INTO heaps (canister_id, snapshot, cycles) VALUES (?, ?, ?) ON CONFLICT (canister_id) DO UPDATE SET snapshot = excluded.snapshot, cycles = excluded.cycles',
    ),
    clearHeap: db.prepare<[Id]>('DELETE FROM heaps WHERE canister_id = ?'),

    stableGet: db
      .prepare<[Id, Mem, Uint8Array], Uint8Array>(
        'SELECT value FROM stable WHERE canister_id = ? AND memory_id = ? AND key = ?',
      )
      .pluck(),
    stableHas: db
      .prepare<[Id, Mem, Uint8Array], number>(
        'SELECT 1 FROM stable WHERE canister_id = ? AND memory_id = ? AND key = ?',
      )
      .pluck(),
    stableUpsert: db.prepare<[Id, Mem, Uint8Array, Uint8Array]>(
      `INSERT INTO stable (canister_id, memory_id, key, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (canister_id, memory_id, key) DO UPDATE SET value = excluded.value`,
    ),
    // RETURNING tells us in one statement whether the key existed, which drives the count.
    stableDelete: db
      .prepare<[Id, Mem, Uint8Array], Uint8Array>(
        'DELETE FROM stable WHERE canister_id = ? AND memory_id = ? AND key = ? RETURNING value',
      )
      .pluck(),
    // Key order is BLOB order, i.e. memcmp: exactly the bytewise order the interface promises.
    stableRange: db
      .prepare<[Id, Mem, number, number], [Uint8Array, Uint8Array]>(
        'SELECT key, value FROM stable WHERE canister_id = ? AND memory_id = ? ORDER BY key LIMIT ? OFFSET ?',
      )
      .raw(),
    clearStable: db.prepare<[Id]>('DELETE FROM stable WHERE canister_id = ?'),

    // safeIntegers: the count is returned as a bigint, matching `stableCount(): bigint`.
    countGet: db
      .prepare<[Id, Mem], bigint>(
        'SELECT count FROM stable_counts WHERE canister_id = ? AND memory_id = ?',
      )
      .pluck()
      .safeIntegers(),
    // A scan of the canister's entries: only canisters with a memory allocation pay it per execution.
    stableBytes: db
      .prepare<[Id], bigint>(
        'SELECT COALESCE(SUM(length(key) + length(value)), 0) FROM stable WHERE canister_id = ?',
      )
      .pluck()
      .safeIntegers(),
    countIncrement: db.prepare<[Id, Mem]>(
      `INSERT INTO stable_counts (canister_id, memory_id, count) VALUES (?, ?, 1)
       ON CONFLICT (canister_id, memory_id) DO UPDATE SET count = count + 1`,
    ),
    countDecrement: db.prepare<[Id, Mem]>(
      'UPDATE stable_counts SET count = count - 1 WHERE canister_id = ? AND memory_id = ?',
    ),
    clearCounts: db.prepare<[Id]>('DELETE FROM stable_counts WHERE canister_id = ?'),
  };
}
