/**
 * Small byte helpers: lexicographic comparison, concatenation, UTF-8, and the unsigned LEB128
 * encoding the IC uses for natural numbers (request-id hashing, the certified `/time`).
 */
import { CertificationError } from './errors.js';

const utf8Encoder = new TextEncoder();

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Concatenates byte arrays into a fresh `Uint8Array`. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Lexicographic byte order (a proper prefix sorts first): negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Whether two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return compareBytes(a, b) === 0;
}

/** Shortest-form unsigned LEB128 of a non-negative integer. */
export function encodeLeb128(value: number | bigint): Uint8Array {
  let n = toNat(value);
  const out: number[] = [];
  do {
    let byte = Number(n & 0x7fn);
    n >>= 7n;
    if (n !== 0n) byte |= 0x80;
    out.push(byte);
  } while (n !== 0n);
  return Uint8Array.from(out);
}

/** Decodes an unsigned LEB128 that spans exactly `bytes`. */
export function decodeLeb128(bytes: Uint8Array): bigint {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    result |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if ((byte & 0x80) === 0) {
      if (i !== bytes.length - 1) break;
      return result;
    }
  }
  throw new CertificationError('ERR_INVALID_CERTIFICATE', 'malformed LEB128 number');
}

function toNat(value: number | bigint): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new CertificationError('ERR_UNHASHABLE_VALUE', `not a safe integer: ${value}`);
  }
  const n = BigInt(value);
  if (n < 0n) throw new CertificationError('ERR_UNHASHABLE_VALUE', `not a natural number: ${n}`);
  return n;
}
