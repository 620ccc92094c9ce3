/**
 * State: what the runtime keeps in the store and how it gets there. `StateStore` is the storage
 * seam (the host passes one in; `@tincan/storage-sqlite` is the real one); a `Batch` groups the
 * executions of one step into one store transaction with a savepoint per execution (group
 * commit); heap deltas carry the object rows an execution changed until the batch's end; the
 * actor registry reads canisters from the store on demand; and open calls (call contexts,
 * outstanding calls) are persisted with every COMMIT for restart recovery.
 */
export type {
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
} from './state-store.js';
