/**
 * Bounded reads of binary Candid: LEB128 numbers that must fit a JS number, and strict UTF-8.
 * Every read checks the end of the input first, so a length prefix larger than the input or an
 * endless run of continuation bytes fails at once instead of allocating or looping.
 */
import { decodeError } from './candid-error.js';

/** A cursor over bytes being decoded. */
export interface Cursor {
  readonly bytes: Uint8Array;
  offset: number;
}

/** Longest LEB128 we accept for a count, index or id: 2^53 needs 8 bytes, one more for padding. */
const MAX_SMALL_LEB_BYTES = 9;

/** Reads an unsigned LEB128 that must be at most `max`; `what` names it in the error. */
export function readSmallLeb(c: Cursor, max: number, what: string): number {
  const { bytes } = c;
  let result = 0;
  let scale = 1;
  for (let i = 0; i < MAX_SMALL_LEB_BYTES; i++) {
    if (c.offset >= bytes.length) throw decodeError(`unexpected end of input in ${what}`);
    const byte = bytes[c.offset++] as number;
    result += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      if (result > max) throw decodeError(`${what} ${result} is over the limit of ${max}`);
      return result;
    }
    scale *= 128;
  }
  throw decodeError(`${what} is a LEB128 number longer than ${MAX_SMALL_LEB_BYTES} bytes`);
}

/** Reads a signed LEB128 type reference: a table index (>= 0) or a type opcode (< 0). */
export function readTypeRef(c: Cursor, tableSize: number): number {
  const { bytes } = c;
  let result = 0;
  let scale = 1;
  for (let i = 0; i < MAX_SMALL_LEB_BYTES; i++) {
    if (c.offset >= bytes.length) throw decodeError('unexpected end of input in a type reference');
    const byte = bytes[c.offset++] as number;
    result += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) {
      if ((byte & 0x40) !== 0) result -= scale;
      if (result >= tableSize)
        throw decodeError(
          `type index ${result} is out of range (the type table has ${tableSize} entries)`,
        );
      return result;
    }
  }
  throw decodeError(`a type reference is a LEB128 number longer than ${MAX_SMALL_LEB_BYTES} bytes`);
}

/**
 * Skips a nat or int LEB128 value of at most `maxBytes` bytes and returns its length. Big numbers
 * are legal, but decoders turn them into bigints in time quadratic in their length.
 */
export function skipNumber(c: Cursor, maxBytes: number): number {
  const { bytes } = c;
  const start = c.offset;
  const end = Math.min(bytes.length, start + maxBytes);
  for (let i = start; i < end; i++) {
    if ((bytes[i] as number) < 0x80) {
      c.offset = i + 1;
      return i + 1 - start;
    }
  }
  if (end === bytes.length) throw decodeError('unexpected end of input in a number');
  throw decodeError(`a nat or int value is longer than ${maxBytes} bytes`);
}

/** Advances past `n` bytes, which must be there. */
export function skipBytes(c: Cursor, n: number, what: string): void {
  if (n > c.bytes.length - c.offset)
    throw decodeError(
      `${what}: length ${n} is past the end of the input (${c.bytes.length - c.offset} bytes left)`,
    );
  c.offset += n;
}

/** Reads one byte, which must be there. */
export function readByte(c: Cursor, what: string): number {
  if (c.offset >= c.bytes.length) throw decodeError(`unexpected end of input in ${what}`);
  return c.bytes[c.offset++] as number;
}

/**
 * Whether `bytes[start, end)` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF). The sandbox's TextDecoder has no `fatal` mode, so this is checked here.
 */
export function isUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return false;
    // The sequence is bytes i..i+need, all of which must be inside the text.
    if (i + need >= end) return false;
    const second = bytes[i + 1] as number;
    if (second < lo || second > hi) return false;
    for (let k = 2; k <= need; k++) {
      const cont = bytes[i + k] as number;
      if (cont < 0x80 || cont > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}
