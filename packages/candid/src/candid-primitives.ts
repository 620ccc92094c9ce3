/**
 * Wire format of Candid's primitive values: LEB128 for nat, SLEB128 for int, little-endian
 * fixed-width numbers, length-prefixed UTF-8 text, and principals as a reference flag plus
 * length-prefixed bytes.
 */
import type { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { concatBytes, encodeLeb128 } from '@tincan/bytes';
import { decodeError } from './candid-error.js';
import { DEFAULT_CANDID_LIMITS } from './candid-limits.js';
import { isUtf8 } from './wire-read.js';

/** A primitive Candid type this module handles. */
export type Prim =
  | { kind: 'nat' | 'int' | 'bool' | 'null' | 'text' | 'principal' | 'float64' }
  | { kind: 'fixedNat' | 'fixedInt'; bits: number };

/** A cursor over bytes being decoded. */
export interface Reader {
  readonly bytes: Uint8Array;
  offset: number;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Encodes `value` of primitive type `prim`; throws like @dfinity/candid on a wrong value. */
export function writePrimitive(prim: Prim, value: unknown, type: IDL.Type): Uint8Array {
  const bad = (): never => {
    throw new Error(
      `Invalid ${type.display()} argument: ${typeof value === 'bigint' ? `${value}n` : String(value)}`,
    );
  };
  switch (prim.kind) {
    case 'nat': {
      const n = toBig(value) ?? bad();
      if (n < 0n) bad();
      return encodeLeb128(n);
    }
    case 'int':
      return sleb(toBig(value) ?? bad());
    case 'fixedNat':
    case 'fixedInt': {
      if (!type.covariant(value)) bad();
      const out = new Uint8Array(prim.bits / 8);
      const view = new DataView(out.buffer);
      if (prim.bits === 64) {
        if (prim.kind === 'fixedNat') view.setBigUint64(0, BigInt(value as bigint), true);
        else view.setBigInt64(0, BigInt(value as bigint), true);
      } else {
        const n = Number(value);
        if (prim.bits === 8) view.setUint8(0, n & 0xff);
        else if (prim.bits === 16) view.setUint16(0, n & 0xffff, true);
        else view.setUint32(0, n >>> 0, true);
      }
      return out;
    }
    case 'bool':
      if (typeof value !== 'boolean') bad();
      return new Uint8Array([value ? 1 : 0]);
    case 'null':
      if (value !== null) bad();
      return new Uint8Array();
    case 'text': {
      if (typeof value !== 'string') bad();
      const body = utf8.encode(value as string);
      return concatBytes(encodeLeb128(BigInt(body.length)), body);
    }
    case 'principal': {
      if (!type.covariant(value)) bad();
      const raw = (value as Principal).toUint8Array();
      return concatBytes(new Uint8Array([1]), encodeLeb128(BigInt(raw.length)), raw);
    }
    case 'float64': {
      if (typeof value !== 'number') bad();
      const out = new Uint8Array(8);
      new DataView(out.buffer).setFloat64(0, value as number, true);
      return out;
    }
  }
}

/**
 * Decodes one value of primitive type `prim`; throws a `CandidError` on truncated or malformed
 * input (a bool other than 0 or 1, text that is not UTF-8, an over-long number or principal).
 */
export function readPrimitive(prim: Prim, r: Reader): unknown {
  switch (prim.kind) {
    case 'nat':
      return readLeb(r);
    case 'int':
      return readSleb(r);
    case 'fixedNat':
    case 'fixedInt': {
      const size = prim.bits / 8;
      const view = new DataView(take(r, size).slice().buffer);
      if (prim.bits === 64)
        return prim.kind === 'fixedNat' ? view.getBigUint64(0, true) : view.getBigInt64(0, true);
      if (prim.bits === 8) return prim.kind === 'fixedNat' ? view.getUint8(0) : view.getInt8(0);
      if (prim.bits === 16)
        return prim.kind === 'fixedNat' ? view.getUint16(0, true) : view.getInt16(0, true);
      return prim.kind === 'fixedNat' ? view.getUint32(0, true) : view.getInt32(0, true);
    }
    case 'bool': {
      const b = take(r, 1)[0];
      if (b !== 0 && b !== 1) throw decodeError(`bool value ${String(b)} is neither 0 nor 1`);
      return b === 1;
    }
    case 'null':
      return null;
    case 'text': {
      const body = take(r, lengthOf(readLeb(r)));
      if (!isUtf8(body, 0, body.length)) throw decodeError('text is not valid UTF-8');
      return utf8Decoder.decode(body);
    }
    case 'principal': {
      if (take(r, 1)[0] !== 1)
        throw decodeError('principal flag is not 1 (opaque references are not supported)');
      const len = lengthOf(readLeb(r));
      if (len > MAX_PRINCIPAL_BYTES)
        throw decodeError(`principal length ${len} is over the limit of ${MAX_PRINCIPAL_BYTES}`);
      return Principal.fromUint8Array(take(r, len).slice());
    }
    case 'float64':
      return new DataView(take(r, 8).slice().buffer).getFloat64(0, true);
  }
}

function toBig(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return undefined;
}

function sleb(n: bigint): Uint8Array {
  const out: number[] = [];
  for (;;) {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    const done = (n === 0n && (byte & 0x40) === 0) || (n === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return new Uint8Array(out);
  }
}

const MAX_PRINCIPAL_BYTES = 29;
const MAX_NUMBER_BYTES = DEFAULT_CANDID_LIMITS.maxNumberBytes;

function lengthOf(n: bigint): number {
  if (n > 0xffffffffn) throw decodeError(`length ${n} is past the end of the input`);
  return Number(n);
}

function take(r: Reader, n: number): Uint8Array {
  if (r.offset + n > r.bytes.length) throw decodeError(`length ${n} is past the end of the input`);
  const out = r.bytes.subarray(r.offset, r.offset + n);
  r.offset += n;
  return out;
}

/** Index of the last byte of the LEB128 number at the cursor; refuses one over MAX_NUMBER_BYTES. */
function numberEnd(r: Reader): number {
  const { bytes, offset } = r;
  const limit = Math.min(bytes.length, offset + MAX_NUMBER_BYTES);
  for (let i = offset; i < limit; i++) if ((bytes[i] as number) < 0x80) return i;
  if (limit === bytes.length) throw decodeError('unexpected end of input in a number');
  throw decodeError(`a nat or int value is longer than ${MAX_NUMBER_BYTES} bytes`);
}

/** The magnitude of LEB128 bytes [start, last]: in a JS number up to 49 bits, else as a bigint. */
function magnitude(bytes: Uint8Array, start: number, last: number): bigint {
  if (last - start < 7) {
    let n = 0;
    for (let i = last; i >= start; i--) n = n * 128 + ((bytes[i] as number) & 0x7f);
    return BigInt(n);
  }
  let result = 0n;
  for (let i = last; i >= start; i--) result = (result << 7n) | BigInt((bytes[i] as number) & 0x7f);
  return result;
}

// Numbers are found whole before any arithmetic, so an over-long one costs a scan, not bigints.
function readLeb(r: Reader): bigint {
  const last = numberEnd(r);
  const value = magnitude(r.bytes, r.offset, last);
  r.offset = last + 1;
  return value;
}

function readSleb(r: Reader): bigint {
  const last = numberEnd(r);
  const value = magnitude(r.bytes, r.offset, last);
  const bits = BigInt(7 * (last - r.offset + 1));
  r.offset = last + 1;
  return ((r.bytes[last] as number) & 0x40) !== 0 ? value - (1n << bits) : value;
}
