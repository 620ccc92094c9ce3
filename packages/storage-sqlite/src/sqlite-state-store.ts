/**
 * The SQLite `StateStore`: canisters' registry records, heaps, stable maps, snapshots, ingress
 * records and metadata, on one connection (`sqlite-connection.ts`, which it extends: transactions,
 * checkpoints, atomic operations). `open-store.ts` opens one.
 */
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
import type Database from 'better-sqlite3';
import { BrowseStatements } from './browse.js';
import { fromRow } from './canister-codec.js';
import { HeapRowStatements } from './heap-rows.js';
import { IngressStatements } from './ingress.js';
import { ModuleStatements } from './modules.js';
import { prepareMultiRowWrites, type MultiRowWrites } from './multi-row-writes.js';
import { SnapshotStatements } from './snapshots.js';
import { SqliteConnection } from './sqlite-connection.js';
import { StorageError } from './storage-error.js';

/**
 * `StateStore` on one better-sqlite3 connection. Outside a transaction each method commits on
 * its own (autocommit), and methods that touch several rows wrap themselves in a transaction
 * so the counts never drift from the entries.
 */
export class SqliteStateStore extends SqliteConnection implements StateStore {
  readonly #writes: MultiRowWrites;
  readonly #snapshots: SnapshotStatements;
  readonly #heapRows: HeapRowStatements;
  readonly #ingress: IngressStatements;
  readonly #modules: ModuleStatements;
  /** Module bytes read for single records, by hash: canisters of one module share one copy. */
  readonly #moduleCopies = new Map<string, WeakRef<Uint8Array>>();
  #browse: BrowseStatements | undefined;

  /**
   * Takes ownership of an open connection, creates the schema if absent and prepares every
   * statement. Most callers want {@link openSqliteStore}, which also applies the pragmas.
   */
  constructor(db: Database.Database) {
    super(db);
    const heapRows = (this.#heapRows = new HeapRowStatements(db));
    const ingress = (this.#ingress = new IngressStatements(db));
    const modules = (this.#modules = new ModuleStatements(db));
    const snapshots = (this.#snapshots = new SnapshotStatements(db, heapRows, modules));
    this.#writes = prepareMultiRowWrites(
      this.statements,
      { heapRows, ingress, modules, snapshots },
      (fn) => this.atomic(fn),
    );
  }

  /** All canisters, ordered by index. Canisters of one module share one copy of its bytes. */
  listCanisters(): CanisterRecord[] {
    this.assertOpen();
    const read = new Map<string, Uint8Array>();
    return this.statements.listCanisters.all().map((row) => {
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
    this.assertOpen();
    return this.statements.listCanisterKeys.all().map((row) => ({
      id: row.id,
      index: row.idx,
      moduleHash: row.module_hash,
      status: row.status as CanisterStatus,
    }));
  }

  /** One canister's registry record, or undefined. Records of one module share one copy of its bytes. */
  getCanister(id: Uint8Array): CanisterRecord | undefined {
    this.assertOpen();
    const row = this.statements.getCanister.get(id);
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
    this.assertOpen();
    this.#writes.putCanister(record);
  }

  /** Sets a canister's cycle balance (decimal text): in its heap row, or without one in the registry. */
  putCycles(id: Uint8Array, cycles: bigint): void {
    this.assertOpen();
    const text = cycles.toString();
    if (this.statements.putHeapCycles.run(text, id).changes === 0)
      this.statements.putRegistryCycles.run(text, id);
  }

  /** Removes a canister's registry entry, heap, stable entries and counts. */
  deleteCanister(id: Uint8Array): void {
    this.assertOpen();
    this.#writes.deleteCanister(id);
  }

  /** Replica-wide metadata value, or undefined. */
  getMeta(key: string): Uint8Array | undefined {
    this.assertOpen();
    return this.statements.getMeta.get(key);
  }

  /** Sets a replica-wide metadata value. */
  putMeta(key: string, value: Uint8Array): void {
    this.assertOpen();
    this.statements.putMeta.run(key, value);
  }

  /** Removes a replica-wide metadata value. */
  deleteMeta(key: string): void {
    this.assertOpen();
    this.statements.deleteMeta.run(key);
  }

  /** Every metadata value whose key starts with `prefix`, in key order. */
  listMeta(prefix: string): Array<readonly [string, Uint8Array]> {
    this.assertOpen();
    // Keys from `prefix` up to (not including) `prefix` followed by the highest code unit.
    return this.statements.listMeta
      .all(prefix, `${prefix}\uffff`)
      .map((row) => [row.key, row.value] as const);
  }

  /** The canister's heap snapshot, or undefined. */
  readHeap(canisterId: Uint8Array): Uint8Array | undefined {
    this.assertOpen();
    return this.statements.readHeap.get(canisterId);
  }

  /** Replaces the canister's heap snapshot. */
  writeHeap(canisterId: Uint8Array, snapshot: Uint8Array, cycles?: bigint): void {
    this.assertOpen();
    if (cycles === undefined) this.statements.writeHeap.run(canisterId, snapshot);
    else this.statements.writeHeapCycles.run(canisterId, snapshot, cycles.toString());
  }

  /** The canister's heap object rows. */
  readHeapRows(canisterId: Uint8Array): HeapRowRead[] {
    this.assertOpen();
    return this.#heapRows.read(canisterId);
  }

  /** Upserts heap object rows; a row without data deletes its object's rows. */
  writeHeapRows(canisterId: Uint8Array, rows: Iterable<HeapRowWrite>): void {
    this.assertOpen();
    this.#writes.writeHeapRows(canisterId, rows);
  }

  /** Bytes of the heap's meta row and object rows. */
  heapBytes(canisterId: Uint8Array): bigint {
    this.assertOpen();
    return (
      BigInt(this.statements.readHeap.get(canisterId)?.length ?? 0) +
      this.#heapRows.bytes(canisterId)
    );
  }

  /** The rows of one heap object, part 0 first. */
  readHeapObject(canisterId: Uint8Array, objectId: number): HeapRowRead[] {
    this.assertOpen();
    checkCount('objectId', objectId);
    return this.#browser().heapObject(canisterId, objectId);
  }

  /** Drops the canister's heap (meta row and object rows); a no-op if there is none. */
  clearHeap(canisterId: Uint8Array): void {
    this.assertOpen();
    this.#writes.clearHeap(canisterId);
  }

  /** The value under `key` in stable memory `memoryId`, or undefined. */
  stableGet(canisterId: Uint8Array, memoryId: number, key: Uint8Array): Uint8Array | undefined {
    this.assertOpen();
    return this.statements.stableGet.get(canisterId, memoryId, key);
  }

  /** Stores `value`; returns the previous value. Bumps the count only for a new key. */
  stablePut(
    canisterId: Uint8Array,
    memoryId: number,
    key: Uint8Array,
    value: Uint8Array,
  ): Uint8Array | undefined {
    this.assertOpen();
    return this.#writes.putStable(canisterId, memoryId, key, value);
  }

  /** Removes `key`; returns its value. Lowers the count only if the key existed. */
  stableDelete(canisterId: Uint8Array, memoryId: number, key: Uint8Array): Uint8Array | undefined {
    this.assertOpen();
    return this.#writes.deleteStable(canisterId, memoryId, key);
  }

  /** Whether `key` is present. */
  stableHas(canisterId: Uint8Array, memoryId: number, key: Uint8Array): boolean {
    this.assertOpen();
    return this.statements.stableHas.get(canisterId, memoryId, key) !== undefined;
  }

  /** Entry count of one stable memory, read from `stable_counts` in O(1). */
  stableCount(canisterId: Uint8Array, memoryId: number): bigint {
    this.assertOpen();
    return this.statements.countGet.get(canisterId, memoryId) ?? 0n;
  }

  /** Bytes of keys and values in all of a canister's stable maps (a scan: O(entries)). */
  stableBytes(canisterId: Uint8Array): bigint {
    this.assertOpen();
    return this.statements.stableBytes.get(canisterId) ?? 0n;
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
    this.assertOpen();
    checkCount('startIndex', startIndex);
    checkCount('length', length);
    if (length === 0) return [];
    return this.statements.stableRange.all(canisterId, memoryId, length, startIndex);
  }

  /** The stable memories that hold entries, with their counts. */
  stableMemories(canisterId: Uint8Array): StableMemoryInfo[] {
    this.assertOpen();
    return this.#browser().stableMemories(canisterId);
  }

  /** A page of entries after `afterKey` (keyset paging: the cost is the page's, not the offset's). */
  stableAfter(
    canisterId: Uint8Array,
    memoryId: number,
    afterKey: Uint8Array | undefined,
    limit: number,
  ): Array<[Uint8Array, Uint8Array]> {
    this.assertOpen();
    checkCount('limit', limit);
    if (limit === 0) return [];
    return this.#browser().stableAfter(canisterId, memoryId, afterKey, limit);
  }

  #browser(): BrowseStatements {
    this.#browse ??= new BrowseStatements(this.db);
    return this.#browse;
  }

  /** Copies the canister's module, heap and stable entries into snapshot `snapshotId`. */
  takeSnapshot(canisterId: Uint8Array, snapshotId: number, takenAtNs: bigint): void {
    this.assertOpen();
    this.#writes.takeSnapshot(canisterId, snapshotId, takenAtNs);
  }

  /** Replaces heap and stable entries with the snapshot's; returns its module, or undefined. */
  loadSnapshot(canisterId: Uint8Array, snapshotId: number): SnapshotModule | undefined {
    this.assertOpen();
    return this.#writes.loadSnapshot(canisterId, snapshotId);
  }

  /** The canister's snapshots, oldest first. */
  listSnapshots(canisterId: Uint8Array): SnapshotInfo[] {
    this.assertOpen();
    return this.#snapshots.list(canisterId);
  }

  /** Deletes a snapshot; returns whether it existed. */
  deleteSnapshot(canisterId: Uint8Array, snapshotId: number): boolean {
    this.assertOpen();
    return this.#writes.deleteSnapshot(canisterId, snapshotId);
  }

  /** Inserts or replaces the record of an ingress call. */
  putIngress(record: IngressRecord): void {
    this.assertOpen();
    this.#ingress.put(record);
  }

  /** The record of an ingress call, if kept. */
  getIngress(requestId: Uint8Array): IngressRecord | undefined {
    this.assertOpen();
    return this.#ingress.get(requestId);
  }

  /** Every kept ingress record, oldest expiry first. */
  listIngress(): IngressRecord[] {
    this.assertOpen();
    return this.#ingress.list();
  }

  /** Drops the ingress records that expired before `beforeNs`. */
  pruneIngress(beforeNs: bigint): void {
    this.assertOpen();
    this.#ingress.prune(beforeNs);
  }

  /** Sets (or, with undefined, removes) a canister's open-calls state. */
  putOpenCalls(canisterId: Uint8Array, state: string | undefined): void {
    this.assertOpen();
    this.#ingress.putOpen(canisterId, state);
  }

  /** Every canister's open-calls state. */
  listOpenCalls(): Array<{ canisterId: Uint8Array; state: string }> {
    this.assertOpen();
    return this.#ingress.listOpen();
  }

  /** Drops every stable entry and count of the canister. */
  clearStable(canisterId: Uint8Array): void {
    this.assertOpen();
    this.#writes.clearStable(canisterId);
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
