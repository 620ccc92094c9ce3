/**
 * The runtime's storage seam. The runtime never opens files: the replica passes a `StateStore`
 * in. All writes between `begin()` and `commit()` land atomically; `rollback()` discards them.
 * Reads inside a transaction see its own writes. One transaction is open at a time.
 */

import type { Outcome } from '../calls/messages.js';

/**
 * An ingress update call the replica accepted under a request id: kept until its expiry has
 * passed, so the same signed request sent again (even after a restart) is answered from here
 * and never executed twice.
 */
export interface IngressRecord {
  readonly requestId: Uint8Array;
  /** Principal bytes of the sender (only the sender may read the status). */
  readonly sender: Uint8Array;
  /** The request's `ingress_expiry`, in ns. */
  readonly expiryNs: bigint;
  /** The answer; undefined while the call is received but not answered. */
  readonly outcome: Outcome | undefined;
}

/** Lifecycle status of a canister. */
export type CanisterStatus = 'running' | 'stopping' | 'stopped';

/** What opening a store reads of each canister: enough to find it, not its record. */
export interface CanisterKey {
  readonly id: Uint8Array;
  readonly index: number;
  readonly moduleHash: Uint8Array;
  readonly status: CanisterStatus;
}

/** Registry entry of one canister. */
export interface CanisterRecord {
  /** Principal bytes of the canister id. */
  readonly id: Uint8Array;
  /** Creation order; also how ids were allocated. */
  readonly index: number;
  /** The installed JS bundle (UTF-8), or empty when no code is installed. */
  readonly module: Uint8Array;
  /** SHA-256 of `module`, or empty. */
  readonly moduleHash: Uint8Array;
  /** Candid interface (.did text) of the installed code. */
  readonly candid: string;
  /** Principal bytes of the controllers. */
  readonly controllers: readonly Uint8Array[];
  readonly status: CanisterStatus;
  /** ICP's canister_version: bumped by every install, upgrade and settings change. */
  readonly version: bigint;
  readonly cycles: bigint;
  /** Free-form JSON for settings later issues add, so the schema need not change. */
  readonly settingsJson: string;
}

/** The code a snapshot was taken with. */
export interface SnapshotModule {
  readonly module: Uint8Array;
  readonly moduleHash: Uint8Array;
  readonly candid: string;
}

/** One snapshot, as listed. */
export interface SnapshotInfo {
  readonly id: number;
  readonly takenAtNs: bigint;
  /** Bytes of heap and stable entries it holds. */
  readonly size: bigint;
}

/** One stored row of a heap object (part 0), or one page of a large typed array (part 1, 2, …). */
export interface HeapRowRead {
  readonly id: number;
  readonly part: number;
  readonly data: Uint8Array;
}

/** A heap row to write; no `data` (with part -1) deletes every row of object `id`. */
export interface HeapRowWrite {
  readonly id: number;
  readonly part: number;
  readonly data: Uint8Array | undefined;
}

/** One stable memory a canister uses, with its entry count. */
export interface StableMemoryInfo {
  readonly memoryId: number;
  readonly count: bigint;
}

/** Persistent state of a replica: canister registry, heaps, stable maps, replica metadata. */
export interface StateStore {
  /** Opens a transaction. Throws if one is already open. */
  begin(): void;
  /** Commits the open transaction. */
  commit(): void;
  /** Discards the open transaction. */
  rollback(): void;
  /** Whether a transaction is open. */
  readonly inTransaction: boolean;
  /**
   * Marks a point inside the open transaction. Savepoints let several message executions share
   * one commit while each stays atomic: one that traps rolls back to its savepoint alone.
   */
  savepoint(): void;
  /** Keeps the writes since the last savepoint (they commit with the transaction). */
  releaseSavepoint(): void;
  /** Discards the writes since the last savepoint and removes it. */
  rollbackToSavepoint(): void;

  /** All canisters, ordered by `index`. */
  listCanisters(): CanisterRecord[];
  /** Id, index, module hash and status of every canister, in no order (cheap: no record is built). */
  listCanisterKeys(): CanisterKey[];
  /** One canister's record, or undefined. */
  getCanister(id: Uint8Array): CanisterRecord | undefined;
  /** Inserts or replaces a canister's registry entry. */
  putCanister(record: CanisterRecord): void;
  /** Sets a canister's cycle balance (the rest of its registry entry stays). */
  putCycles(id: Uint8Array, cycles: bigint): void;
  /** Removes a canister with its heap and stable maps. */
  deleteCanister(id: Uint8Array): void;

  /** Replica-wide metadata (id allocator, seeds, …). */
  getMeta(key: string): Uint8Array | undefined;
  putMeta(key: string, value: Uint8Array): void;
  /** Removes a metadata value (a no-op when there is none). */
  deleteMeta(key: string): void;
  /** Every metadata value whose key starts with `prefix`, in key order. */
  listMeta(prefix: string): Array<readonly [string, Uint8Array]>;

  /** The canister's heap meta row (or, from older stores, its whole heap snapshot), if any. */
  readHeap(canisterId: Uint8Array): Uint8Array | undefined;
  /** Stores the heap meta row; with `cycles`, the cycle balance in the same write. */
  writeHeap(canisterId: Uint8Array, snapshot: Uint8Array, cycles?: bigint): void;
  /** The canister's heap object rows, by object id and part. */
  readHeapRows(canisterId: Uint8Array): HeapRowRead[];
  /** Upserts heap object rows; a row with part -1 and no data deletes every row of its object. */
  writeHeapRows(canisterId: Uint8Array, rows: Iterable<HeapRowWrite>): void;
  /** Bytes of the canister's heap: its meta row and object rows. */
  heapBytes(canisterId: Uint8Array): bigint;
  /** The rows of one heap object (part 0, then its pages), for browsing; none if absent. */
  readHeapObject(canisterId: Uint8Array, objectId: number): HeapRowRead[];
  /** Drops the heap: meta row and object rows (reinstall, upgrade, uninstall). */
  clearHeap(canisterId: Uint8Array): void;

  stableGet(canisterId: Uint8Array, memoryId: number, key: Uint8Array): Uint8Array | undefined;
  /** Stores `value`; returns the previous value. */
  stablePut(
    canisterId: Uint8Array,
    memoryId: number,
    key: Uint8Array,
    value: Uint8Array,
  ): Uint8Array | undefined;
  /** Removes `key`; returns its value. */
  stableDelete(canisterId: Uint8Array, memoryId: number, key: Uint8Array): Uint8Array | undefined;
  stableHas(canisterId: Uint8Array, memoryId: number, key: Uint8Array): boolean;
  /** Bytes of keys and values in all of a canister's stable maps; may scan them. */
  stableBytes(canisterId: Uint8Array): bigint;
  /** Entry count, O(1). */
  stableCount(canisterId: Uint8Array, memoryId: number): bigint;
  /** Entries in bytewise key order, skipping `startIndex`, at most `length`. */
  stableRange(
    canisterId: Uint8Array,
    memoryId: number,
    startIndex: number,
    length: number,
  ): Array<[Uint8Array, Uint8Array]>;
  /** The stable memories holding entries, by memory id, for browsing. */
  stableMemories(canisterId: Uint8Array): StableMemoryInfo[];
  /** At most `limit` entries in bytewise key order after `afterKey` (from the first without one). */
  stableAfter(
    canisterId: Uint8Array,
    memoryId: number,
    afterKey: Uint8Array | undefined,
    limit: number,
  ): Array<[Uint8Array, Uint8Array]>;
  /** Drops every stable map of a canister (reinstall). */
  clearStable(canisterId: Uint8Array): void;

  /** Copies the canister's module, heap and stable maps into snapshot `snapshotId`. */
  takeSnapshot(canisterId: Uint8Array, snapshotId: number, takenAtNs: bigint): void;
  /**
   * Replaces the canister's heap and stable maps with snapshot `snapshotId`'s; returns the
   * snapshot's module, or undefined when there is no such snapshot (nothing changes then).
   */
  loadSnapshot(canisterId: Uint8Array, snapshotId: number): SnapshotModule | undefined;
  /** The canister's snapshots, oldest first. */
  listSnapshots(canisterId: Uint8Array): SnapshotInfo[];
  /** Deletes a snapshot; returns whether it existed. */
  deleteSnapshot(canisterId: Uint8Array, snapshotId: number): boolean;

  /** Inserts or replaces the record of an ingress call. */
  putIngress(record: IngressRecord): void;
  /** The record of the ingress call with this request id, if kept. */
  getIngress(requestId: Uint8Array): IngressRecord | undefined;
  /** Every kept ingress record, oldest expiry first. */
  listIngress(): IngressRecord[];
  /** Drops the records whose expiry is before `beforeNs`. */
  pruneIngress(beforeNs: bigint): void;

  /**
   * Sets what a canister had open at the last commit (call contexts, outstanding calls,
   * timers), as the runtime encodes it; undefined removes it. Read back once, at the next open.
   */
  putOpenCalls(canisterId: Uint8Array, state: string | undefined): void;
  /** Every canister's open-calls state. */
  listOpenCalls(): Array<{ readonly canisterId: Uint8Array; readonly state: string }>;

  /** Writes a consistent copy of the committed state to a new file at `path`. */
  checkpoint(path: string): void;

  /** Closes the store; later calls throw. */
  close(): void;
}
