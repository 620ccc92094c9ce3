/**
 * Small byte helpers: lexicographic comparison, concatenation, UTF-8, and the unsigned LEB128
 * encoding the IC uses for natural numbers (request-id hashing, the certified `/time`).
 */
import { encodeLeb128 as encodeNat } from '@tincan/bytes';
import { CertificationError } from './errors.js';

export { bytesEqual, compareBytes, concatBytes } from '@tincan/bytes';

const utf8Encoder = new TextEncoder();

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Shortest-form unsigned LEB128 of a natural number; anything else is unhashable here. */
export function encodeLeb128(value: number | bigint): Uint8Array {
  try {
    return encodeNat(value);
  } catch (err) {
    throw new CertificationError('ERR_UNHASHABLE_VALUE', (err as Error).message);
  }
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
