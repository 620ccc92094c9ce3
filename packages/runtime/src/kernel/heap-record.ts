/**
 * What the heap tracker keeps per object (its record), what a commit hands the host, and the
 * typed-array and ArrayBuffer intrinsics the tracker, the row encoder and the loader share,
 * captured when the kernel loads so that canister code replacing them changes nothing.
 */
import { call, type Kind, type Saved } from './heap-objects.js';

/** A tracked heap object. */
export interface Rec {
  readonly id: number;
  readonly obj: object;
  readonly kind: Kind;
  readonly cls: string | undefined;
  /** The epoch of this object's first write in the current execution (or frame). */
  epoch: number;
  /** Its undo entry of the current epoch (for bytes, where later pages are added). */
  entry: UndoEntry | undefined;
  /** For bytes: a Uint8Array over the object's bytes, its buffer and offset in it. */
  readonly view: Uint8Array | undefined;
  readonly buffer: ArrayBuffer | undefined;
  readonly offset: number;
  /** Bytes of its rows in the store. */
  size: number;
}

/** One object's contents saved before its first write in an epoch. */
export interface UndoEntry {
  readonly rec: Rec;
  /** For objects: the contents. */
  readonly saved: Saved | undefined;
  /** For bytes: copies of the pages written, from before the first write. */
  readonly pages: Map<number, Uint8Array> | undefined;
}

/** What a commit hands the host: the meta row and the rows to write. */
export interface HeapDeltaOut {
  readonly meta: Uint8Array;
  /** Bytes of every row of the heap after this commit. */
  readonly bytes: number;
  /** Flat `[id, part, data, …]`; `data` null with part -1 deletes every row of the object. */
  readonly rows: unknown[];
}

/** %TypedArray%.prototype. */
const taProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
/** %TypedArray%.prototype.set. */
export const taSet = (taProto as { set: unknown }).set;
const taSlice = (taProto as { slice: unknown }).slice;
/** The `buffer` getter of typed arrays. */
export const getBuffer = Object.getOwnPropertyDescriptor(taProto, 'buffer')
  ?.get as () => ArrayBuffer;
/** The `byteOffset` getter of typed arrays. */
export const getByteOffset = Object.getOwnPropertyDescriptor(taProto, 'byteOffset')
  ?.get as () => number;
/** The `byteLength` getter of typed arrays. */
export const getByteLength = Object.getOwnPropertyDescriptor(taProto, 'byteLength')
  ?.get as () => number;
/** The `byteLength` getter of ArrayBuffer. */
export const abByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')
  ?.get as () => number;
/** The `buffer` getter of DataView. */
export const dvBuffer = Object.getOwnPropertyDescriptor(DataView.prototype, 'buffer')
  ?.get as () => ArrayBuffer;
/** The `byteOffset` getter of DataView. */
export const dvByteOffset = Object.getOwnPropertyDescriptor(DataView.prototype, 'byteOffset')
  ?.get as () => number;
/** Typed-array constructors by name, for loading. */
export const TYPED_ARRAYS: Record<string, new (buffer: ArrayBuffer) => ArrayBufferView> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

/** A copy of bytes `[from, to)` of `view`. */
export const slice = (view: Uint8Array, from: number, to: number): Uint8Array =>
  call(taSlice, view, from, to) as Uint8Array;
