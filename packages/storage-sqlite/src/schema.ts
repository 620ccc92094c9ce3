import type Database from 'better-sqlite3';
import { StorageError } from './storage-error.js';
import { HEAP_ROW_TABLES } from './heap-rows.js';
import { MODULE_TABLES, MOVE_INLINE_MODULES } from './modules.js';

/** Version of the table layout below; bump it (and add a migration) whenever the layout changes. */
export const SCHEMA_VERSION = 5;

const KEEP_CYCLES_TRIGGER = `
  CREATE TRIGGER heaps_keep_cycles BEFORE DELETE ON heaps WHEN OLD.cycles IS NOT NULL
  BEGIN UPDATE canisters SET cycles = OLD.cycles WHERE id = OLD.canister_id; END;`;

/**
 * STRICT tables make SQLite reject values of the wrong type instead of silently coercing them
 * (e.g. a fractional memory id). `stable` and `stable_counts` are WITHOUT ROWID so the composite
 * key is the b-tree itself: point lookups and key-ordered range scans need one b-tree, not two.
 * `heaps` and `canisters` keep rowids because their rows hold large blobs, which WITHOUT ROWID
 * tables store poorly. The store's own bookkeeping lives in `store_meta`, apart from `meta`,
 * so no replica key can clash with `schema_version`.
 *
 * Cycle balances change with nearly every execution. Updating `canisters.cycles` would rewrite
 * the row with its module blob, and a table of their own would add a page to every commit; so
 * the balance of a canister that has a heap lives in its `heaps` row (`heaps.cycles`, which
 * wins when set), on the page the batch writes anyway. A trigger moves it back into
 * `canisters.cycles` before a heap row is deleted.
 */
/**
 * `ingress` keeps the answer to every ingress call received under a request id until the
 * request expires (replay protection across restarts); `open_calls` keeps, per canister, what
 * it had open at the last commit (call contexts, outstanding calls, timers), so a restart can
 * answer what it cannot resume.
 */
const INGRESS_TABLES = `
  CREATE TABLE ingress (
    request_id BLOB PRIMARY KEY NOT NULL,
    sender BLOB NOT NULL,
    expiry_ns INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('received', 'replied', 'rejected')),
    reply BLOB,
    reject_code INTEGER,
    reject_message TEXT,
    error_code TEXT
  ) STRICT;
  CREATE INDEX ingress_expiry ON ingress (expiry_ns);
  CREATE TABLE open_calls (
    canister_id BLOB PRIMARY KEY NOT NULL,
    state TEXT NOT NULL
  ) STRICT;`;

const CREATE_TABLES = `
  ${INGRESS_TABLES}
  CREATE TABLE store_meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
  ) STRICT;
  CREATE TABLE canisters (
    id BLOB PRIMARY KEY NOT NULL,
    idx INTEGER NOT NULL UNIQUE,
    module BLOB NOT NULL,
    module_hash BLOB NOT NULL,
    candid TEXT NOT NULL,
    controllers BLOB NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'stopping', 'stopped')),
    version TEXT NOT NULL,
    cycles TEXT NOT NULL,
    settings_json TEXT NOT NULL
  ) STRICT;
  CREATE TABLE heaps (
    canister_id BLOB PRIMARY KEY NOT NULL,
    snapshot BLOB NOT NULL,
    cycles TEXT
  ) STRICT;
  ${KEEP_CYCLES_TRIGGER}
  CREATE TABLE stable (
    canister_id BLOB NOT NULL,
    memory_id INTEGER NOT NULL,
    key BLOB NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (canister_id, memory_id, key)
  ) WITHOUT ROWID, STRICT;
  CREATE TABLE stable_counts (
    canister_id BLOB NOT NULL,
    memory_id INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (canister_id, memory_id)
  ) WITHOUT ROWID, STRICT;
  CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
  ) STRICT;
  CREATE TABLE snapshots (
    canister_id BLOB NOT NULL,
    snapshot_id INTEGER NOT NULL,
    taken_at_ns TEXT NOT NULL,
    module BLOB NOT NULL,
    module_hash BLOB NOT NULL,
    candid TEXT NOT NULL,
    heap BLOB,
    PRIMARY KEY (canister_id, snapshot_id)
  ) STRICT;
  CREATE TABLE snapshot_stable (
    canister_id BLOB NOT NULL,
    snapshot_id INTEGER NOT NULL,
    memory_id INTEGER NOT NULL,
    key BLOB NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (canister_id, snapshot_id, memory_id, key)
  ) WITHOUT ROWID, STRICT;
  ${HEAP_ROW_TABLES}
  ${MODULE_TABLES}
`;

const MIGRATE_2_TO_3 = `
  ${INGRESS_TABLES}
  UPDATE store_meta SET value = '3' WHERE key = 'schema_version';
`;

const MIGRATE_1_TO_2 = `
  ALTER TABLE heaps ADD COLUMN cycles TEXT;
  ${KEEP_CYCLES_TRIGGER}
  UPDATE store_meta SET value = '2' WHERE key = 'schema_version';
`;

/** Version 4 keeps the heap as object rows; a version-3 heap (one snapshot) still loads. */
const MIGRATE_3_TO_4 = `
  ${HEAP_ROW_TABLES}
  UPDATE store_meta SET value = '4' WHERE key = 'schema_version';
`;

/** Version 5 stores each module once, by hash, instead of once per canister and snapshot. */
const MIGRATE_4_TO_5 = `
  ${MODULE_TABLES}
  ${MOVE_INLINE_MODULES}
  UPDATE store_meta SET value = '5' WHERE key = 'schema_version';
`;

/**
 * Creates the tables in an empty database, or checks the schema version of an existing store.
 * Runs in an IMMEDIATE transaction so two processes opening a fresh file cannot both create it.
 * Throws StorageError `ERR_STORAGE_OPEN` for a database that holds other tables or another
 * schema version: writing into it would corrupt someone else's data.
 */
export function ensureSchema(db: Database.Database): void {
  const run = db.transaction(() => {
    const tables = db
      .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table'")
      .pluck()
      .all();
    if (!tables.includes('store_meta')) {
      if (tables.length > 0) {
        throw new StorageError(
          'ERR_STORAGE_OPEN',
          `database is not a tincan store (has tables: ${tables.join(', ')})`,
        );
      }
      db.exec(CREATE_TABLES);
      db.prepare("INSERT INTO store_meta (key, value) VALUES ('schema_version', ?)").run(
        String(SCHEMA_VERSION),
      );
      return;
    }
    let found = db
      .prepare<[], string>("SELECT value FROM store_meta WHERE key = 'schema_version'")
      .pluck()
      .get();
    if (found === '1') {
      // Version 2 adds `heaps.cycles`; the registry's cycles stay valid until a balance is written.
      db.exec(MIGRATE_1_TO_2);
      found = '2';
    }
    if (found === '2') {
      // Version 3 adds the ingress records and the open calls, both empty.
      db.exec(MIGRATE_2_TO_3);
      found = '3';
    }
    if (found === '3') {
      // Version 4 adds the heap's object rows; the heaps stored so far load as one snapshot.
      db.exec(MIGRATE_3_TO_4);
      found = '4';
    }
    if (found === '4') {
      db.exec(MIGRATE_4_TO_5);
      found = '5';
    }
    if (found !== String(SCHEMA_VERSION)) {
      throw new StorageError(
        'ERR_STORAGE_OPEN',
        `store has schema version ${found ?? '(none)'}, this build reads ${SCHEMA_VERSION}`,
      );
    }
  });
  run.immediate();
}
