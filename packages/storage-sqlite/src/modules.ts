/**
 * Canister modules, stored once per module hash (content-addressed): a thousand canisters of
 * one module hold one copy of its bytes. `canisters.module` and `snapshots.module` stay empty
 * and their `module_hash` names the row here. A module row goes when nothing names it any more.
 */
import type Database from 'better-sqlite3';

/** The `modules` table, with the indexes that let a release find references without a scan. */
export const MODULE_TABLES = `
  CREATE TABLE modules (
    hash BLOB PRIMARY KEY NOT NULL,
    module BLOB NOT NULL
  ) STRICT;
  CREATE INDEX canisters_module_hash ON canisters (module_hash);
  CREATE INDEX snapshots_module_hash ON snapshots (module_hash);`;

/** Moves the modules kept inline in canister and snapshot rows into `modules`. */
export const MOVE_INLINE_MODULES = `
  INSERT OR IGNORE INTO modules (hash, module) SELECT module_hash, module FROM canisters WHERE length(module) > 0;
  INSERT OR IGNORE INTO modules (hash, module) SELECT module_hash, module FROM snapshots WHERE length(module) > 0;
  UPDATE canisters SET module = x'' WHERE length(module) > 0;
  UPDATE snapshots SET module = x'' WHERE length(module) > 0;`;

/** Module statements on one connection. */
export class ModuleStatements {
  readonly #put: Database.Statement<[Uint8Array, Uint8Array]>;
  readonly #get: Database.Statement<[Uint8Array]>;
  readonly #release: Database.Statement<[Uint8Array, Uint8Array, Uint8Array]>;
  readonly #canisterHash: Database.Statement<[Uint8Array]>;
  readonly #snapshotHash: Database.Statement<[Uint8Array, number]>;
  readonly #snapshotHashes: Database.Statement<[Uint8Array]>;

  constructor(db: Database.Database) {
    // DO NOTHING: a module already stored is not written again (its hash names its bytes).
    this.#put = db.prepare(
      'INSERT INTO modules (hash, module) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING',
    );
    this.#get = db.prepare('SELECT module FROM modules WHERE hash = ?').pluck();
    this.#release = db.prepare(
      `DELETE FROM modules WHERE hash = ?
         AND NOT EXISTS (SELECT 1 FROM canisters WHERE module_hash = ?)
         AND NOT EXISTS (SELECT 1 FROM snapshots WHERE module_hash = ?)`,
    );
    this.#canisterHash = db.prepare('SELECT module_hash FROM canisters WHERE id = ?').pluck();
    this.#snapshotHash = db
      .prepare('SELECT module_hash FROM snapshots WHERE canister_id = ? AND snapshot_id = ?')
      .pluck();
    this.#snapshotHashes = db
      .prepare('SELECT DISTINCT module_hash FROM snapshots WHERE canister_id = ?')
      .pluck();
  }

  /** Stores `module` under `hash` unless it is stored already. */
  put(hash: Uint8Array, module: Uint8Array): void {
    if (module.length > 0) this.#put.run(hash, module);
  }

  /** The module stored under `hash`; empty when there is none (a canister without code). */
  get(hash: Uint8Array): Uint8Array {
    if (hash.length === 0) return Buffer.alloc(0);
    return (this.#get.get(hash) as Uint8Array | undefined) ?? Buffer.alloc(0);
  }

  /** Deletes the module under `hash` if no canister or snapshot names it any more. */
  release(hash: Uint8Array | undefined): void {
    if (hash !== undefined && hash.length > 0) this.#release.run(hash, hash, hash);
  }

  /** The module hash a canister's row names now, if it has a row. */
  canisterHash(canisterId: Uint8Array): Uint8Array | undefined {
    return this.#canisterHash.get(canisterId) as Uint8Array | undefined;
  }

  /** The module hash a snapshot names, if it exists. */
  snapshotHash(canisterId: Uint8Array, snapshotId: number): Uint8Array | undefined {
    return this.#snapshotHash.get(canisterId, snapshotId) as Uint8Array | undefined;
  }

  /** The module hashes a canister's snapshots name. */
  snapshotHashes(canisterId: Uint8Array): Uint8Array[] {
    return this.#snapshotHashes.all(canisterId) as Uint8Array[];
  }
}
