/**
 * The stored form of the heap: one row per object, its own contents one level deep, with every
 * object it holds written as a reference (the other object's id). Rows are cbor (cbor-x), so
 * bigint, undefined, strings and numbers round-trip as in the single-snapshot format before.
 * A typed array or ArrayBuffer over {@link PAGE_BYTES} keeps its bytes in pages of their own
 * (parts 1, 2, …): a write of one byte rewrites one page, not the array.
 *
 * Row (part 0): `[kind, class or typed-array name, payload]`; payload is the field list
 * `[key, value, …]` of an object, the items of an array (holes kept), the `[key, value, …]` of
 * a Map, the members of a Set, the time of a Date, the bytes of a small typed array, or the
 * byte length of a paged one. Object 0 is the canister instance.
 */
import { Encoder, Tag } from 'cbor-x';
import { Kind } from './heap-objects.js';

/** Bytes per page of a large typed array: a page and its key fit one SQLite page (4 KiB). */
export const PAGE_BYTES = 2048;
/** Version of the heap meta row; 1 was the whole heap in one cbor snapshot. */
export const HEAP_FORMAT = 2;

const REF_TAG = 40_501;
const HOLE_TAG = 40_502;

const encoder = new Encoder({
  useRecords: false,
  tagUint8Array: true,
  int64AsType: 'bigint',
} as ConstructorParameters<typeof Encoder>[0]);
const HOLE = new Tag(0, HOLE_TAG);

/** A reference to object `id`, as it sits in an encoded row. */
export function ref(id: number): Tag {
  return new Tag(id, REF_TAG);
}

/** The hole marker of sparse arrays. */
export const hole = HOLE;

/** The object id if `value` is a decoded reference. */
export function refId(value: unknown): number | undefined {
  return value instanceof Tag && value.tag === REF_TAG ? (value.value as number) : undefined;
}

/** Whether `value` is a decoded hole marker. */
export function isHole(value: unknown): boolean {
  return value instanceof Tag && value.tag === HOLE_TAG;
}

/** Encodes one object row. */
export function encodeRow(kind: Kind, cls: string | undefined, payload: unknown): Uint8Array {
  return encoder.encode([kind, cls ?? null, payload]);
}

/** A decoded object row. */
export interface DecodedRow {
  readonly kind: Kind;
  readonly cls: string | undefined;
  readonly payload: unknown;
}

/** Decodes one object row. */
export function decodeRow(bytes: Uint8Array): DecodedRow {
  const [kind, cls, payload] = encoder.decode(bytes) as [Kind, string | null, unknown];
  return { kind, cls: cls ?? undefined, payload };
}

/**
 * The heap's meta row: format, `Math.random` state, next free object id, heap bytes, and the
 * canister instance's own row. The instance is the object most executions change, and the meta
 * row is written anyway (with the balance), so a counter's commit is one row write.
 */
export interface HeapMeta {
  readonly prng: readonly number[];
  readonly nextId: number;
  readonly bytes: number;
  readonly root: Uint8Array | undefined;
}

const taSet = (Object.getPrototypeOf(Uint8Array.prototype) as { set: unknown }).set;
const callSet = Function.prototype.call.bind(
  taSet as (this: Uint8Array, source: Uint8Array, offset: number) => void,
) as (self: Uint8Array, source: Uint8Array, offset: number) => void;
const UINT32_END = 2 ** 32;

/** Bytes of CBOR's head for `n` (an integer in [0, 2^32)). */
function headBytes(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

/** Writes CBOR's head of major type `major` (shifted) with argument `n` at `at`; returns the end. */
function writeHead(out: Uint8Array, at: number, major: number, n: number): number {
  if (n < 24) {
    out[at] = major | n;
    return at + 1;
  }
  if (n < 0x100) {
    out[at] = major | 24;
    out[at + 1] = n;
    return at + 2;
  }
  if (n < 0x10000) {
    out[at] = major | 25;
    out[at + 1] = n >>> 8;
    out[at + 2] = n & 0xff;
    return at + 3;
  }
  out[at] = major | 26;
  out[at + 1] = n >>> 24;
  out[at + 2] = (n >>> 16) & 0xff;
  out[at + 3] = (n >>> 8) & 0xff;
  out[at + 4] = n & 0xff;
  return at + 5;
}

const isUint32 = (n: number): boolean => n >= 0 && n < UINT32_END && n === Math.floor(n);

/** Bytes of the buffer meta rows are cut from. */
const META_POOL_BYTES = 16 * 1024;
let metaPool = new ArrayBuffer(META_POOL_BYTES);
let metaPoolAt = 0;

/**
 * Room for one meta row: a view into a shared buffer rather than a typed array of its own. V8
 * keeps a small typed array's bytes on its heap, and the host's SQLite binding must then move
 * them off it first, on every commit; a view of a larger buffer is off the heap already (as
 * cbor-x's output, a view of its own buffer, was). A row stays valid when the pool moves on.
 */
function metaRoom(size: number): Uint8Array {
  if (size > META_POOL_BYTES / 8) return new Uint8Array(size);
  if (metaPoolAt + size > META_POOL_BYTES) {
    metaPool = new ArrayBuffer(META_POOL_BYTES);
    metaPoolAt = 0;
  }
  const out = new Uint8Array(metaPool, metaPoolAt, size);
  metaPoolAt += size;
  return out;
}

/**
 * Encodes the meta row (kept in the store's heap row). It is written on every commit that
 * changed anything, so its fixed shape is written by hand: the bytes cbor-x would write
 * (definite array, minimal unsigned heads, the root row as a tag-64 byte string), without a
 * second pass of the general encoder over the root row it already encoded.
 */
export function encodeMeta(meta: HeapMeta): Uint8Array {
  const { prng, nextId, bytes, root } = meta;
  if (prng.length >= 24 || !isUint32(nextId) || !isUint32(bytes) || !prng.every(isUint32)) {
    return encoder.encode([HEAP_FORMAT, [...prng], nextId, bytes, root ?? null]);
  }
  let size = 1 + headBytes(HEAP_FORMAT) + 1 + headBytes(nextId) + headBytes(bytes);
  for (const w of prng) size += headBytes(w);
  size += root === undefined ? 1 : 2 + headBytes(root.length) + root.length;
  const out = metaRoom(size);
  out[0] = 0x85;
  let at = writeHead(out, 1, 0, HEAP_FORMAT);
  out[at++] = 0x80 | prng.length;
  for (const w of prng) at = writeHead(out, at, 0, w);
  at = writeHead(out, at, 0, nextId);
  at = writeHead(out, at, 0, bytes);
  if (root === undefined) out[at] = 0xf6;
  else {
    out[at] = 0xd8;
    out[at + 1] = 64;
    at = writeHead(out, at + 2, 0x40, root.length);
    callSet(out, root, at);
  }
  return out;
}

/** Decodes a meta row; undefined for a snapshot of the earlier single-row format. */
export function decodeMeta(bytes: Uint8Array): HeapMeta | undefined {
  const decoded = encoder.decode(bytes) as unknown[];
  if (!Array.isArray(decoded) || decoded[0] !== HEAP_FORMAT) return undefined;
  return {
    prng: decoded[1] as number[],
    nextId: decoded[2] as number,
    bytes: decoded[3] as number,
    root: (decoded[4] as Uint8Array | null) ?? undefined,
  };
}

/**
 * Unpacks what the host hands a restore: `u32 meta length, meta, then per row u32 id, i32 part,
 * u32 length, data` (little-endian). The host packs it with `packHeap` (heap-delta.ts).
 */
export function unpackHeap(packed: Uint8Array): {
  meta: Uint8Array;
  rows: Array<[number, number, Uint8Array]>;
} {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const metaLength = view.getUint32(0, true);
  const meta = packed.subarray(4, 4 + metaLength);
  const rows: Array<[number, number, Uint8Array]> = [];
  let at = 4 + metaLength;
  while (at < packed.length) {
    const id = view.getUint32(at, true);
    const part = view.getInt32(at + 4, true);
    const length = view.getUint32(at + 8, true);
    rows.push([id, part, packed.subarray(at + 12, at + 12 + length)]);
    at += 12 + length;
  }
  return { meta, rows };
}
