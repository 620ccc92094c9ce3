/**
 * A read-only view of canisters' committed state, straight from the store: the memory figure,
 * heap objects (the canister instance's fields, then any object they hold, by id) and stable
 * maps, in pages. It decodes the stored rows itself, so looking at a hibernated canister never
 * loads its realm, and it never writes. What it shows is what the last commit wrote: an
 * execution still running is not visible until it commits.
 */
import {
  HeapKind,
  decodeMeta,
  decodeRow,
  refId,
  type DecodedRow,
  type Runtime,
  type StateStore,
} from '@tincan/runtime';
import { ReplicaError } from '../replica-error.js';
import { hexPreview, showPrimitive, showStableBytes, type ShownValue } from './show-value.js';

export type { ShownValue } from './show-value.js';

/** Entries per page at most. */
export const MAX_PAGE = 100;
/** Hex characters of a stable-map cursor at most (a key of 32 KiB). */
const MAX_CURSOR_CHARS = 65_536;
/** Field names listed in an object's summary at most. */
const SUMMARY_FIELDS = 4;

/** A canister's stored bytes, as `canister_status` counts them. */
export interface MemoryFigure {
  readonly heapBytes: bigint;
  readonly stableBytes: bigint;
  readonly moduleBytes: bigint;
  readonly totalBytes: bigint;
}

/** One entry of a heap object: a field, an array item, a map entry or a set member. */
export interface HeapEntry {
  readonly key: ShownValue;
  readonly value: ShownValue;
}

/** A page of one heap object's entries. */
export interface HeapPage {
  readonly object: number;
  readonly kind: 'object' | 'array' | 'map' | 'set' | 'date' | 'bytes' | 'buffer';
  readonly cls: string | null;
  readonly total: number;
  readonly entries: HeapEntry[];
  /** The cursor of the next page, or null on the last. */
  readonly next: string | null;
  /** Why nothing can be shown, when that is the case. */
  readonly note?: string;
}

/** One stable map (a memory id) with its entry count. */
export interface StableMapInfo {
  readonly memoryId: number;
  readonly count: bigint;
}

/** A page of one stable map's entries, in key order. */
export interface StablePage {
  readonly memoryId: number;
  readonly count: bigint;
  readonly entries: Array<{
    readonly key: ShownValue;
    readonly value: ShownValue;
    readonly valueBytes: number;
  }>;
  /** The cursor of the next page (the last key shown, hex), or null on the last. */
  readonly next: string | null;
}

const KIND_NAMES: Record<number, HeapPage['kind']> = {
  [HeapKind.Object]: 'object',
  [HeapKind.Array]: 'array',
  [HeapKind.Map]: 'map',
  [HeapKind.Set]: 'set',
  [HeapKind.Date]: 'date',
  [HeapKind.Bytes]: 'bytes',
  [HeapKind.Buffer]: 'buffer',
};

function invalid(message: string): never {
  throw new ReplicaError('ERR_INVALID_ARGUMENT', message);
}

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE)
    invalid(`limit must be an integer from 1 to ${MAX_PAGE}, got ${limit}`);
}

/** Reads canisters' committed state from the store, never through their realms. */
export class StateView {
  readonly #store: StateStore;
  readonly #runtime: Runtime;

  constructor(store: StateStore, runtime: Runtime) {
    this.#store = store;
    this.#runtime = runtime;
  }

  /** Module, heap and stable bytes of a canister. */
  memory(canisterId: Uint8Array): MemoryFigure {
    this.#require(canisterId);
    const heapBytes = this.#store.heapBytes(canisterId);
    const stableBytes = this.#store.stableBytes(canisterId);
    const moduleBytes = BigInt(this.#runtime.record(canisterId).module.length);
    return {
      heapBytes,
      stableBytes,
      moduleBytes,
      totalBytes: heapBytes + stableBytes + moduleBytes,
    };
  }

  /**
   * A page of heap object `objectId`'s entries (0 is the canister instance: its fields).
   * `cursor` is the `next` of the previous page.
   */
  heap(canisterId: Uint8Array, objectId = 0, cursor?: string, limit = 20): HeapPage {
    this.#require(canisterId);
    checkLimit(limit);
    if (!Number.isSafeInteger(objectId) || objectId < 0)
      invalid(`object must be a heap object id (a non-negative integer), got ${objectId}`);
    let start = 0;
    if (cursor !== undefined) {
      if (!/^\d{1,9}$/.test(cursor))
        invalid(
          `cursor must be the "next" of a previous page, got ${JSON.stringify(cursor.slice(0, 40))}`,
        );
      start = Number(cursor);
    }
    const row = this.#row(canisterId, objectId);
    if (row === 'old-format')
      return {
        object: objectId,
        kind: 'object',
        cls: null,
        total: 0,
        entries: [],
        next: null,
        note: 'this heap is in the older single-snapshot format; it is stored as object rows from its next commit',
      };
    if (row === undefined) {
      if (objectId === 0)
        return {
          object: 0,
          kind: 'object',
          cls: null,
          total: 0,
          entries: [],
          next: null,
          note: 'no committed heap (no code, or nothing committed yet: an install of a module seen before may leave constructing the instance to its first message)',
        };
      invalid(
        `no heap object ${objectId} in this canister's heap (it may have been collected since)`,
      );
    }
    const all = this.#entries(canisterId, objectId, row);
    if (start > all.length) invalid(`cursor ${start} is past the end (${all.length} entries)`);
    const end = Math.min(start + limit, all.length);
    const entries = all.slice(start, end).map(([key, value]) => ({ key, value }));
    return {
      object: objectId,
      kind: KIND_NAMES[row.kind] ?? 'object',
      cls: row.cls ?? null,
      total: all.length,
      entries,
      next: end < all.length ? String(end) : null,
    };
  }

  /** The stable maps holding entries. */
  stableMaps(canisterId: Uint8Array): StableMapInfo[] {
    this.#require(canisterId);
    return this.#store.stableMemories(canisterId);
  }

  /** A page of stable map `memoryId`'s entries after `cursor` (the `next` of the previous page). */
  stable(canisterId: Uint8Array, memoryId: number, cursor?: string, limit = 20): StablePage {
    this.#require(canisterId);
    checkLimit(limit);
    if (!Number.isSafeInteger(memoryId) || memoryId < 0 || memoryId > 254)
      invalid(`memory id must be an integer from 0 to 254, got ${memoryId}`);
    let after: Uint8Array | undefined;
    if (cursor !== undefined) {
      if (cursor.length > MAX_CURSOR_CHARS || !/^(?:[0-9a-f]{2})*$/.test(cursor))
        invalid('cursor must be the "next" of a previous page (a key in lower-case hex)');
      after = new Uint8Array(Buffer.from(cursor, 'hex'));
    }
    // One more than the page: whether there is a next page without counting.
    const rows = this.#store.stableAfter(canisterId, memoryId, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      memoryId,
      count: this.#store.stableCount(canisterId, memoryId),
      entries: page.map(([key, value]) => ({
        key: showStableBytes(key),
        value: showStableBytes(value),
        valueBytes: value.length,
      })),
      next: rows.length > limit && last !== undefined ? Buffer.from(last[0]).toString('hex') : null,
    };
  }

  #require(canisterId: Uint8Array): void {
    if (!this.#runtime.hasCanister(canisterId)) invalid('no such canister on this replica');
  }

  /** Object `id`'s decoded row (the instance's lives in the meta row). */
  #row(canisterId: Uint8Array, id: number): DecodedRow | 'old-format' | undefined {
    if (id === 0) {
      const metaBytes = this.#store.readHeap(canisterId);
      if (metaBytes === undefined) return undefined;
      const meta = decodeMeta(metaBytes);
      if (meta === undefined) return 'old-format';
      return meta.root === undefined ? undefined : decodeRow(meta.root);
    }
    const part0 = this.#store.readHeapObject(canisterId, id).find((r) => r.part === 0);
    return part0 === undefined ? undefined : decodeRow(part0.data);
  }

  /** Every entry of an object, keys and values shown (references summarized). */
  #entries(canisterId: Uint8Array, id: number, row: DecodedRow): Array<[ShownValue, ShownValue]> {
    const show = (v: unknown): ShownValue => this.#show(canisterId, v);
    const { payload } = row;
    switch (row.kind) {
      case HeapKind.Object: {
        const fields = payload as unknown[];
        const out: Array<[ShownValue, ShownValue]> = [];
        for (let i = 0; i + 1 < fields.length; i += 2)
          out.push([{ text: String(fields[i]) }, show(fields[i + 1])]);
        return out;
      }
      case HeapKind.Array:
        return (payload as unknown[]).map((v, i) => [{ text: String(i) }, show(v)]);
      case HeapKind.Map: {
        const flat = payload as unknown[];
        const out: Array<[ShownValue, ShownValue]> = [];
        for (let i = 0; i + 1 < flat.length; i += 2) out.push([show(flat[i]), show(flat[i + 1])]);
        return out;
      }
      case HeapKind.Set:
        return (payload as unknown[]).map((v, i) => [{ text: String(i) }, show(v)]);
      case HeapKind.Date:
        return [[{ text: 'time' }, { text: dateText(payload) }]];
      default:
        return [[{ text: 'bytes' }, this.#bytesPreview(canisterId, id, payload)]];
    }
  }

  /** A value: a primitive as text, a reference as a one-line summary of the object. */
  #show(canisterId: Uint8Array, value: unknown): ShownValue {
    const ref = refId(value);
    if (ref === undefined) return showPrimitive(value);
    const row = this.#row(canisterId, ref);
    if (row === undefined || row === 'old-format') return { text: `(object ${ref}, missing)`, ref };
    return { text: this.#summary(canisterId, ref, row), ref };
  }

  #summary(canisterId: Uint8Array, id: number, row: DecodedRow): string {
    const payload = row.payload;
    switch (row.kind) {
      case HeapKind.Object: {
        const fields = payload as unknown[];
        const names: string[] = [];
        for (let i = 0; i < fields.length && names.length < SUMMARY_FIELDS; i += 2)
          names.push(String(fields[i]));
        const more = fields.length / 2 > SUMMARY_FIELDS ? ', …' : '';
        return `${row.cls === undefined ? '' : `${row.cls} `}{ ${names.join(', ')}${more} }`;
      }
      case HeapKind.Array:
        return `Array(${(payload as unknown[]).length})`;
      case HeapKind.Map:
        return `Map(${(payload as unknown[]).length / 2})`;
      case HeapKind.Set:
        return `Set(${(payload as unknown[]).length})`;
      case HeapKind.Date:
        return `Date ${dateText(payload)}`;
      default: {
        const preview = this.#bytesPreview(canisterId, id, payload);
        return `${row.kind === HeapKind.Buffer ? 'ArrayBuffer' : (row.cls ?? 'Uint8Array')} ${preview.text}`;
      }
    }
  }

  /** The first bytes of a byte array: in its row when small, in its first page when large. */
  #bytesPreview(canisterId: Uint8Array, id: number, payload: unknown): ShownValue {
    if (payload instanceof Uint8Array) return hexPreview(payload);
    const length = typeof payload === 'number' ? payload : 0;
    const first = this.#store.readHeapObject(canisterId, id).find((r) => r.part === 1);
    const shown = hexPreview(first?.data ?? new Uint8Array());
    return length <= (first?.data.length ?? 0)
      ? shown
      : {
          text: `${shown.text.replace(/… \(.*\)$/, '')}… (${length.toLocaleString('en-US')} bytes)`,
          truncated: true,
        };
  }
}

function dateText(payload: unknown): string {
  const time = typeof payload === 'number' ? payload : NaN;
  return Number.isFinite(time) ? new Date(time).toISOString() : 'Invalid Date';
}
