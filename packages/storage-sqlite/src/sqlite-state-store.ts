import fs from 'node:fs';
import nodePath from 'node:path';
import Database from 'better-sqlite3';
import { ensureError } from '@tincan/errors';
import type {
  CanisterKey,
  CanisterRecord,
  CanisterStatus,
  HeapRowRead,
  HeapRowWrite,
  IngressRecord,
  SnapshotInfo,
  SnapshotModule,
  StableMemoryInfo,
  StateStore,
} from '@tincan/runtime';
import { BrowseStatements } from './browse.js';
import { HeapRowStatements } from './heap-rows.js';
import { IngressStatements } from './ingress.js';
import { ModuleStatements } from './modules.js';
import { SnapshotStatements } from './snapshots.js';
import { fromRow, toRow } from './canister-codec.js';
import { applyPragmas } from './pragmas.js';
import { ensureSchema } from './schema.js';
import { prepareStatements, type Statements } from './statements.js';
import { StorageError } from './storage-error.js';

/** Where {@link openSqliteStore} keeps the data: a database file, or memory only (tests). */
export type SqliteStoreOptions =
  | {
      readonly path: string;
      /** Start a new store file as a copy of this checkpoint. */ readonly from?: string;
    }
  | { readonly memory: true; /** Load this checkpoint into memory. */ readonly from?: string };

/**
 * Opens (creating if absent) a SQLite state store. `path` is the database file; missing parent
 * directories are created. Applies {@link SQLITE_PRAGMAS} and creates the schema.
 * Throws StorageError `ERR_STORAGE_OPEN`, naming the path, if the file is not a usable store.
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStateStore {
  const location = 'path' in options ? options.path : ':memory:';
  let db: Database.Database | undefined;
  try {
    // better-sqlite3 treats '' as an anonymous temporary database; that is never what a caller
    // passing a path meant, and the data would vanish on close.
    if ('path' in options) {
      if (options.path === '') throw new Error('path is empty');
      fs.mkdirSync(nodePath.dirname(options.path), { recursive: true });
      // A fork: a new store starts as a copy of the checkpoint; an existing one is reopened.
      if (options.from !== undefined && !fs.existsSync(options.path))
        fs.copyFileSync(options.from, options.path);
    }
    db =
      'memory' in options && options.from !== undefined
        ? new Database(fs.readFileSync(options.from))
        : new Database(location);
    // A non-database file opens fine; the first statement (a pragma here) reports NOTADB.
    applyPragmas(db);
    return new SqliteStateStore(db);
  } catch (err) {
    db?.close();
    const reason = ensureError(err).message;
    throw new StorageError(
      'ERR_STORAGE_OPEN',
      `cannot open SQLite store at ${JSON.stringify(location)}: ${reason}`,
      { cause: err },
    );
  }
}

/**
 * `StateStore` on one better-sqlite3 connection. Transactions are plain BEGIN/COMMIT/ROLLBACK;
 * outside a transaction each method commits on its own (autocommit), and methods that touch
 * several rows wrap themselves in a transaction so the counts never drift from the entries.
 */
export class SqliteStateStore implements StateStore {
  readonly #db: Database.Database;
  readonly #s: Statements;
  #closed = false;
  readonly #putStable: (
    cid: Uint8Array,
    mem: number,
    key: Uint8Array,
    value: Uint8Array,
  ) => Uint8Array | undefined;
  readonly #deleteStable: (cid: Uint8Array, mem: number, key: Uint8Array) => Uint8Array | undefined;
  readonly #deleteCanister: (cid: Uint8Array) => void;
  readonly #clearStable: (cid: Uint8Array) => void;
  readonly #snapshots: SnapshotStatements;
  readonly #heapRows: HeapRowStatements;
  readonly #writeHeapRows: (cid: Uint8Array, rows: Iterable<HeapRowWrite>) => void;
  readonly #clearHeap: (cid: Uint8Array) => void;
  readonly #ingress: IngressStatements;
  readonly #modules: ModuleStatements;
  /** Module bytes read for single records, by hash: canisters of one module share one copy. */
  readonly #moduleCopies = new Map<string, WeakRef<Uint8Array>>();
  readonly #putCanister: (record: CanisterRecord) => void;
  readonly #takeSnapshot: (cid: Uint8Array, id: number, at: bigint) => void;
  readonly #loadSnapshot: (cid: Uint8Array, id: number) => SnapshotModule | undefined;
  readonly #deleteSnapshot: (cid: Uint8Array, id: number) => boolean;
  #browse: BrowseStatements | undefined;

  /**
   * Takes ownership of an open connection, creates the schema if absent and prepares every
   * statement. Most callers want {@link openSqliteStore}, which also applies the pragmas.
   */
  constructor(db: Database.Database) {
    this.#db = db;
    ensureSchema(db);
    const s = (this.#s = prepareStatements(db));
    this.#putStable = this.#atomic((cid, mem, key, value) => {
      const previous = s.stableGet.get(cid, mem, key);
      s.stableUpsert.run(cid, mem, key, value);
      if (previous === undefined) s.countIncrement.run(cid, mem);
      return previous;
    });
    this.#deleteStable = this.#atomic((cid, mem, key) => {
      const previous = s.stableDelete.get(cid, mem, key);
      if (previous !== undefined) s.countDecrement.run(cid, mem);
      return previous;
    });
    this.#clearStable = this.#atomic((cid) => {
      s.clearStable.run(cid);
      s.clearCounts.run(cid);
    });
    const heapRows = (this.#heapRows = new HeapRowStatements(db));
    this.#writeHeapRows = this.#atomic((cid, rows) => heapRows.write(cid, rows));
    this.#clearHeap = this.#atomic((cid) => {
      s.clearHeap.run(cid);
      heapRows.clear(cid);
    });
    const ingress = (this.#ingress = new IngressStatements(db));
    const modules = (this.#modules = new ModuleStatements(db));
    this.#putCanister = this.#atomic((record) => {
      const before = modules.canisterHash(record.id);
      const changed = before === undefined || Buffer.compare(before, record.moduleHash) !== 0;
      // The row names its module by hash; the bytes are stored once per hash.
      if (changed) modules.put(record.moduleHash, record.module);
      s.putCanister.run(toRow(record));
      // The heap row's balance, if any, would win over the registry's: keep the two equal.
      s.putHeapCycles.run(record.cycles.toString(), record.id);
      if (changed) modules.release(before);
    });
    const snapshots = (this.#snapshots = new SnapshotStatements(db, heapRows, modules));
    this.#takeSnapshot = this.#atomic((cid, id, at) => snapshots.take(cid, id, at));
    this.#loadSnapshot = this.#atomic((cid, id) => snapshots.load(cid, id));
    this.#deleteSnapshot = this.#atomic((cid, id) => snapshots.delete(cid, id));
    this.#deleteCanister = this.#atomic((cid) => {
      const before = modules.canisterHash(cid);
      snapshots.deleteAll(cid);
      s.deleteCanister.run(cid);
      modules.release(before);
      s.clearHeap.run(cid);
      heapRows.clear(cid);
      s.clearStable.run(cid);
      s.clearCounts.run(cid);
      ingress.putOpen(cid, undefined);
    });
  }

  /** Whether a transaction is open; false once closed. Reads SQLite's own state, so it stays true after a failed COMMIT. */
  get inTransaction(): boolean {
    return !this.#closed && this.#db.inTransaction;
  }

  /** Opens a transaction; throws `ERR_TRANSACTION_STATE` if one is open. */
  begin(): void {
    this.#assertOpen();
    if (this.#db.inTransaction)
      throw new StorageError('ERR_TRANSACTION_STATE', 'begin() while a transaction is open');
    this.#s.begin.run();
  }

  /** Commits the open transaction; throws `ERR_TRANSACTION_STATE` if none is open. */
  commit(): void {
    this.#assertInTransaction('commit');
    this.#s.commit.run();
  }

  /** Marks a savepoint inside the open transaction. */
  savepoint(): void {
    this.#assertInTransaction('savepoint');
    this.#s.savepoint.run();
  }

  /** Keeps the writes since the last savepoint. */
  releaseSavepoint(): void {
    this.#assertInTransaction('releaseSavepoint');
    this.#s.release.run();
  }

  /** Discards the writes since the last savepoint and removes it. */
  rollbackToSavepoint(): void {
    this.#assertInTransaction('rollbackToSavepoint');
    // ROLLBACK TO keeps the savepoint on the stack; RELEASE pops it (its writes are gone by then).
    this.#s.rollbackTo.run();
    this.#s.release.run();
  }

  /**
   * Writes a consistent copy of the committed state to `path` (a new file): a checkpoint that
   * `openSqliteStore({ path, from })` or `{ memory: true, from }` starts from.
   */
  checkpoint(path: string): void {
    if (this.#closed) throw new StorageError('ERR_STORAGE_CLOSED', 'the store is closed');
    if (this.#db.inTransaction)
      throw new StorageError('ERR_TRANSACTION_STATE', 'checkpoint() while a transaction is open');
    fs.mkdirSync(nodePath.dirname(path), { recursive: true });
    fs.rmSync(path, { force: true });
    this.#db.prepare('VACUUM INTO ?').run(path);
  }

  /** Discards the open transaction; throws `ERR_TRANSACTION_STATE` if none is open. */
  rollback(): void {
    this.#assertInTransaction('rollback');
    this.#s.rollback.run();
  }

  /** All canisters, ordered by index. Canisters of one module share one copy of its bytes. */
  listCanisters(): CanisterRecord[] {
    this.#assertOpen();
    const read = new Map<string, Uint8Array>();
    return this.#s.listCanisters.all().map((row) => {
      const key = Buffer.from(row.module_hash).toString('hex');
      let module = read.get(key);
      if (module === undefined) {
        module = this.#modules.get(row.module_hash);
        read.set(key, module);
      }
      return fromRow(row, module);
    });
  }

  /** Id, index, module hash and status of every canister, in no order: the cheap read at open. */
  listCanisterKeys(): CanisterKey[] {
    this.#assertOpen();
    return this.#s.listCanisterKeys.all().map((row) => ({
      id: row.id,
      index: row.idx,
      moduleHash: row.module_hash,
      status: row.status as CanisterStatus,
    }));
  }

  /** One canister's registry record, or undefined. Records of one module share one copy of its bytes. */
  getCanister(id: Uint8Array): CanisterRecord | undefined {
    this.#assertOpen();
    const row = this.#s.getCanister.get(id);
    if (row === undefined) return undefined;
    const key = Buffer.from(row.module_hash).toString('hex');
    let module = this.#moduleCopies.get(key)?.deref();
    if (module === undefined) {
      module = this.#modules.get(row.module_hash);
      this.#moduleCopies.set(key, new WeakRef(module));
    }
    return fromRow(row, module);
  }

  /**
   * Inserts or replaces a canister's registry entry; an index taken by another id is an error.
   * The module is stored once per `moduleHash` (which must be the SHA-256 of `module`).
   */
  putCanister(record: CanisterRecord): void {
    this.#assertOpen();
    this.#putCanister(record);
  }

  /** Sets a canister's cycle balance (decimal text): in its heap row, or without one in the registry. */
  putCycles(id: Uint8Array, cycles: bigint): void {
    this.#assertOpen();
    const text = cycles.toString();
    if (this.#s.putHeapCycles.run(text, id).changes === 0) this.#s.putRegistryCycles.run(text, id);
  }

  /** Removes a canister's registry entry, heap, stable entries and counts. */
  deleteCanister(id: Uint8Array): void {
    this.#assertOpen();
    this.#deleteCanister(id);
  }

  /** Replica-wide metadata value, or undefined. */
  getMeta(key: string): Uint8Array | undefined {
    this.#assertOpen();
    return this.#s.getMeta.get(key);
  }

  /** Sets a replica-wide metadata value. */
  putMeta(key: string, value: Uint8Array): void {
    this.#assertOpen();
    this.#s.putMeta.run(key, value);
  }

  /** Removes a replica-wide metadata value. */
  deleteMeta(key: string): void {
    this.#assertOpen();
    this.#s.deleteMeta.run(key);
  }

  /** Every metadata value whose key starts with `prefix`, in key order. */
  listMeta(prefix: string): Array<readonly [string, Uint8Array]> {
    this.#assertOpen();
    // Keys from `prefix` up to (not including) `prefix` followed by the highest code unit.
    return this.#s.listMeta
      .all(prefix, `${prefix}\uffff`)
      .map((row) => [row.key, row.value] as const);
  }

  /** The canister's heap snapshot, or undefined. */
  readHeap(canisterId: Uint8Array): Uint8Array | undefined {
    this.#assertOpen();
    return this.#s.readHeap.get(canisterId);
  }

  /** Replaces the canister's heap snapshot. */
  writeHeap(canisterId: Uint8Array, snapshot: Uint8Array, cycles?: bigint): void {
    this.#assertOpen();
    if (cycles === undefined) this.#s.writeHeap.run(canisterId, snapshot);
    else this.#s.writeHeapCycles.run(canisterId, snapshot, cycles.toString());
  }

  /** The canister's heap object rows. */
  readHeapRows(canisterId: Uint8Array): HeapRowRead[] {
    this.#assertOpen();
    return this.#heapRows.read(canisterId);
  }

  /** Upserts heap object rows; a row without data deletes its object's rows. */
  writeHeapRows(canisterId: Uint8Array, rows: Iterable<HeapRowWrite>): void {
    this.#assertOpen();
    this.#writeHeapRows(canisterId, rows);
  }

  /** Bytes of the heap's meta row and object rows. */
  heapBytes(canisterId: Uint8Array): bigint {
    this.#assertOpen();
    return BigInt(this.#s.readHeap.get(canisterId)?.length ?? 0) + this.#heapRows.bytes(canisterId);
  }

  /** The rows of one heap object, part 0 first. */
  readHeapObject(canisterId: Uint8Array, objectId: number): HeapRowRead[] {
    this.#assertOpen();
    checkCount('objectId', objectId);
    return this.#browser().heapObject(canisterId, objectId);
  }

  /** Drops the canister's heap (meta row and object rows); a no-op if there is none. */
  clearHeap(canisterId: Uint8Array): void {
    this.#assertOpen();
    this.#clearHeap(canisterId);
  }

  /** The value under `key` in stable memory `memoryId`, or undefined. */
  stableGet(canisterId: Uint8Array, memoryId: number, key: Uint8Array): Uint8Array | undefined {
    this.#assertOpen();
    return this.#s.stableGet.get(canisterId, memoryId, key);
  }

  /** Stores `value`; returns the previous value. Bumps the count only for a new key. */
  stablePut(
    canisterId: Uint8Array,
    memoryId: number,
    key: Uint8Array,
    value: Uint8Array,
  ): Uint8Array | undefined {
    this.#assertOpen();
    return this.#putStable(canisterId, memoryId, key, value);
  }

  /** Removes `key`; returns its value. Lowers the count only if the key existed. */
  stableDelete(canisterId: Uint8Array, memoryId: number, key: Uint8Array): Uint8Array | undefined {
    this.#assertOpen();
    return this.#deleteStable(canisterId, memoryId, key);
  }

  /** Whether `key` is present. */
  stableHas(canisterId: Uint8Array, memoryId: number, key: Uint8Array): boolean {
    this.#assertOpen();
    return this.#s.stableHas.get(canisterId, memoryId, key) !== undefined;
  }

  /** Entry count of one stable memory, read from `stable_counts` in O(1). */
  stableCount(canisterId: Uint8Array, memoryId: number): bigint {
    this.#assertOpen();
    return this.#s.countGet.get(canisterId, memoryId) ?? 0n;
  }

  /** Bytes of keys and values in all of a canister's stable maps (a scan: O(entries)). */
  stableBytes(canisterId: Uint8Array): bigint {
    this.#assertOpen();
    return this.#s.stableBytes.get(canisterId) ?? 0n;
  }

  /**
   * Entries in bytewise key order, skipping `startIndex`, at most `length`. Both must be
   * non-negative safe integers: SQLite reads a negative LIMIT as "no limit", which would turn
   * a caller's arithmetic slip into a full scan. OFFSET walks the skipped rows, so the cost
   * grows with `startIndex`.
   */
  stableRange(
    canisterId: Uint8Array,
    memoryId: number,
    startIndex: number,
    length: number,
  ): Array<[Uint8Array, Uint8Array]> {
    this.#assertOpen();
    checkCount('startIndex', startIndex);
    checkCount('length', length);
    if (length === 0) return [];
    return this.#s.stableRange.all(canisterId, memoryId, length, startIndex);
  }

  /** The stable memories that hold entries, with their counts. */
  stableMemories(canisterId: Uint8Array): StableMemoryInfo[] {
    this.#assertOpen();
    return this.#browser().stableMemories(canisterId);
  }

  /** A page of entries after `afterKey` (keyset paging: the cost is the page's, not the offset's). */
  stableAfter(
    canisterId: Uint8Array,
    memoryId: number,
    afterKey: Uint8Array | undefined,
    limit: number,
  ): Array<[Uint8Array, Uint8Array]> {
    this.#assertOpen();
    checkCount('limit', limit);
    if (limit === 0) return [];
    return this.#browser().stableAfter(canisterId, memoryId, afterKey, limit);
  }

  #browser(): BrowseStatements {
    this.#browse ??= new BrowseStatements(this.#db);
    return this.#browse;
  }

  /** Copies the canister's module, heap and stable entries into snapshot `snapshotId`. */
  takeSnapshot(canisterId: Uint8Array, snapshotId: number, takenAtNs: bigint): void {
    this.#assertOpen();
    this.#takeSnapshot(canisterId, snapshotId, takenAtNs);
  }

  /** Replaces heap and stable entries with the snapshot's; returns its module, or undefined. */
  loadSnapshot(canisterId: Uint8Array, snapshotId: number): SnapshotModule | undefined {
    this.#assertOpen();
    return this.#loadSnapshot(canisterId, snapshotId);
  }

  /** The canister's snapshots, oldest first. */
  listSnapshots(canisterId: Uint8Array): SnapshotInfo[] {
    this.#assertOpen();
    return this.#snapshots.list(canisterId);
  }

  /** Deletes a snapshot; returns whether it existed. */
  deleteSnapshot(canisterId: Uint8Array, snapshotId: number): boolean {
    this.#assertOpen();
    return this.#deleteSnapshot(canisterId, snapshotId);
  }

  /** Inserts or replaces the record of an ingress call. */
  putIngress(record: IngressRecord): void {
    this.#assertOpen();
    this.#ingress.put(record);
  }

  /** The record of an ingress call, if kept. */
  getIngress(requestId: Uint8Array): IngressRecord | undefined {
    this.#assertOpen();
    return this.#ingress.get(requestId);
  }

  /** Every kept ingress record, oldest expiry first. */
  listIngress(): IngressRecord[] {
    this.#assertOpen();
    return this.#ingress.list();
  }

  /** Drops the ingress records that expired before `beforeNs`. */
  pruneIngress(beforeNs: bigint): void {
    this.#assertOpen();
    this.#ingress.prune(beforeNs);
  }

  /** Sets (or, with undefined, removes) a canister's open-calls state. */
  putOpenCalls(canisterId: Uint8Array, state: string | undefined): void {
    this.#assertOpen();
    this.#ingress.putOpen(canisterId, state);
  }

  /** Every canister's open-calls state. */
  listOpenCalls(): Array<{ canisterId: Uint8Array; state: string }> {
    this.#assertOpen();
    return this.#ingress.listOpen();
  }

  /** Drops every stable entry and count of the canister. */
  clearStable(canisterId: Uint8Array): void {
    this.#assertOpen();
    this.#clearStable(canisterId);
  }

  /** Closes the connection; SQLite rolls back a transaction left open. Later calls throw `ERR_STORAGE_CLOSED`. */
  close(): void {
    this.#assertOpen();
    this.#closed = true;
    this.#db.close();
  }

  /**
   * Wraps a multi-statement operation so it is atomic in autocommit mode. Inside the caller's
   * transaction it runs directly: better-sqlite3 would otherwise add a SAVEPOINT per call, a
   * cost on the hot path that buys nothing since the caller rolls back the whole transaction.
   */
  #atomic<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    const db = this.#db;
    const wrapped = db.transaction(fn);
    return (...args) => (db.inTransaction ? fn(...args) : wrapped(...args));
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageError('ERR_STORAGE_CLOSED', 'the state store is closed');
  }

  #assertInTransaction(operation: string): void {
    this.#assertOpen();
    if (!this.#db.inTransaction)
      throw new StorageError('ERR_TRANSACTION_STATE', `${operation}() without an open transaction`);
  }
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StorageError(
      'ERR_INVALID_ARGUMENT',
      `${name} must be a non-negative integer, got ${value}`,
    );
  }
}
