/**
 * The host's side of object-granular heaps. A commit hands back a {@link HeapDelta}: the heap's
 * meta row (format, `Math.random` state, next object id) and the rows of the objects the
 * execution changed. A batch merges the deltas of one canister's executions, so a hot canister's
 * row is written once per batch however many executions changed it.
 */
import type { HeapRowWrite, StateStore } from './state-store.js';

/** What the kernel's `persist` returns (a sandbox-realm object, read in place). */
export interface HeapDelta {
  readonly meta: Uint8Array;
  /** Bytes of every row of the heap after the commit. */
  readonly bytes: number;
  /** Flat `[id, part, data, …]`; part -1 with null data deletes every row of object `id`. */
  readonly rows: readonly unknown[];
}

/** Rows of one canister waiting for the batch's end; later writes of a row replace earlier ones. */
export class PendingHeap {
  meta: Uint8Array;
  /** Made on the first row: most commits (a counter's) carry only the meta row. */
  #rows: Map<number, HeapRowWrite> | undefined;

  constructor(delta: HeapDelta) {
    this.meta = delta.meta;
    this.add(delta);
  }

  /** Merges a later commit's rows. */
  add(delta: HeapDelta): void {
    this.meta = delta.meta;
    const rows = delta.rows;
    if (rows.length === 0) return;
    const map = (this.#rows ??= new Map());
    for (let i = 0; i < rows.length; i += 3) {
      const id = rows[i] as number;
      const part = rows[i + 1] as number;
      // Parts stay below 2^21 (a 4 GiB typed array at 2 KiB a page), ids below 2^32.
      map.set(id * 2 ** 21 + part + 1, {
        id,
        part,
        data: (rows[i + 2] as Uint8Array | null) ?? undefined,
      });
    }
  }

  /** Writes the meta row (with the balance) and the rows. */
  flush(store: StateStore, canisterId: Uint8Array, cycles?: bigint): void {
    store.writeHeap(canisterId, this.meta, cycles);
    if (this.#rows !== undefined && this.#rows.size > 0)
      store.writeHeapRows(canisterId, this.#rows.values());
  }
}

/** Writes one commit's delta at once (install). */
export function writeHeapDelta(store: StateStore, canisterId: Uint8Array, delta: HeapDelta): void {
  new PendingHeap(delta).flush(store, canisterId);
}

/**
 * Packs a stored heap for the kernel's `restore`: `u32 meta length, meta, then per row u32 id,
 * i32 part, u32 length, data` (little-endian); one byte array crosses into the sandbox.
 */
export function packHeap(
  meta: Uint8Array,
  rows: ReadonlyArray<{ readonly id: number; readonly part: number; readonly data: Uint8Array }>,
): Uint8Array {
  let size = 4 + meta.length;
  for (const row of rows) size += 12 + row.data.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, meta.length, true);
  out.set(meta, 4);
  let at = 4 + meta.length;
  for (const row of rows) {
    view.setUint32(at, row.id, true);
    view.setInt32(at + 4, row.part, true);
    view.setUint32(at + 8, row.data.length, true);
    out.set(row.data, at + 12);
    at += 12 + row.data.length;
  }
  return out;
}
