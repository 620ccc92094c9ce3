/**
 * The store's writes that touch several rows or tables together (stable entries and their
 * counts, heap rows, a canister row and its module's reference count, snapshots, a canister's
 * deletion), each wrapped to be atomic so the counts never drift from the entries.
 */
import type { CanisterRecord, HeapRowWrite, SnapshotModule } from '@tincan/runtime';
import { toRow } from './canister-codec.js';
import type { HeapRowStatements } from './heap-rows.js';
import type { IngressStatements } from './ingress.js';
import type { ModuleStatements } from './modules.js';
import type { SnapshotStatements } from './snapshots.js';
import type { Statements } from './statements.js';

/** Makes a multi-statement operation atomic (see `SqliteConnection.atomic`). */
export type Atomic = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A) => R;

/** The statement groups the multi-row writes use. */
export interface MultiRowParts {
  readonly heapRows: HeapRowStatements;
  readonly ingress: IngressStatements;
  readonly modules: ModuleStatements;
  readonly snapshots: SnapshotStatements;
}

/** The atomic multi-row writes of one connection. */
export interface MultiRowWrites {
  readonly putStable: (
    cid: Uint8Array,
    mem: number,
    key: Uint8Array,
    value: Uint8Array,
  ) => Uint8Array | undefined;
  readonly deleteStable: (cid: Uint8Array, mem: number, key: Uint8Array) => Uint8Array | undefined;
  readonly deleteCanister: (cid: Uint8Array) => void;
  readonly clearStable: (cid: Uint8Array) => void;
  readonly writeHeapRows: (cid: Uint8Array, rows: Iterable<HeapRowWrite>) => void;
  readonly clearHeap: (cid: Uint8Array) => void;
  readonly putCanister: (record: CanisterRecord) => void;
  readonly takeSnapshot: (cid: Uint8Array, id: number, at: bigint) => void;
  readonly loadSnapshot: (cid: Uint8Array, id: number) => SnapshotModule | undefined;
  readonly deleteSnapshot: (cid: Uint8Array, id: number) => boolean;
}

/** Builds the atomic multi-row writes on a connection's statements. */
export function prepareMultiRowWrites(
  s: Statements,
  { heapRows, ingress, modules, snapshots }: MultiRowParts,
  atomic: Atomic,
): MultiRowWrites {
  return {
    putStable: atomic((cid: Uint8Array, mem: number, key: Uint8Array, value: Uint8Array) => {
      const previous = s.stableGet.get(cid, mem, key);
      s.stableUpsert.run(cid, mem, key, value);
      if (previous === undefined) s.countIncrement.run(cid, mem);
      return previous;
    }),
    deleteStable: atomic((cid: Uint8Array, mem: number, key: Uint8Array) => {
      const previous = s.stableDelete.get(cid, mem, key);
      if (previous !== undefined) s.countDecrement.run(cid, mem);
      return previous;
    }),
    clearStable: atomic((cid: Uint8Array) => {
      s.clearStable.run(cid);
      s.clearCounts.run(cid);
    }),
    writeHeapRows: atomic((cid: Uint8Array, rows: Iterable<HeapRowWrite>) =>
      heapRows.write(cid, rows),
    ),
    clearHeap: atomic((cid: Uint8Array) => {
      s.clearHeap.run(cid);
      heapRows.clear(cid);
    }),
    putCanister: atomic((record: CanisterRecord) => {
      const before = modules.canisterHash(record.id);
      const changed = before === undefined || Buffer.compare(before, record.moduleHash) !== 0;
      // The row names its module by hash; the bytes are stored once per hash.
      if (changed) modules.put(record.moduleHash, record.module);
      s.putCanister.run(toRow(record));
      // The heap row's balance, if any, would win over the registry's: keep the two equal.
      s.putHeapCycles.run(record.cycles.toString(), record.id);
      if (changed) modules.release(before);
    }),
    takeSnapshot: atomic((cid: Uint8Array, id: number, at: bigint) => snapshots.take(cid, id, at)),
    loadSnapshot: atomic((cid: Uint8Array, id: number) => snapshots.load(cid, id)),
    deleteSnapshot: atomic((cid: Uint8Array, id: number) => snapshots.delete(cid, id)),
    deleteCanister: atomic((cid: Uint8Array) => {
      const before = modules.canisterHash(cid);
      snapshots.deleteAll(cid);
      s.deleteCanister.run(cid);
      modules.release(before);
      s.clearHeap.run(cid);
      heapRows.clear(cid);
      s.clearStable.run(cid);
      s.clearCounts.run(cid);
      ingress.putOpen(cid, undefined);
    }),
  };
}
