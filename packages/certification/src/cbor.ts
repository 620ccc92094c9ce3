/**
 * CBOR as the IC's HTTPS interface uses it: byte strings for `Uint8Array` (never typed-array
 * tags), maps for objects, and the self-describe tag 55799 in front of every message.
 */
import { Decoder, Encoder } from 'cbor-x';
import { concatBytes } from './bytes.js';

const SELF_DESCRIBE = Uint8Array.of(0xd9, 0xd9, 0xf7);

const encoder = new Encoder({
  useRecords: false,
  tagUint8Array: false,
  variableMapSize: true,
  pack: false,
});
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

/** Encodes `value` as CBOR, prefixed with the self-describe tag 55799. */
export function encodeCbor(value: unknown): Uint8Array {
  return concatBytes(SELF_DESCRIBE, encoder.encode(value));
}

/**
 * Decodes CBOR (with or without the self-describe tag). Byte strings come back as plain
 * `Uint8Array`s, not Node `Buffer`s, so they compare and hash like any other bytes.
 */
export function decodeCbor(bytes: Uint8Array): unknown {
  return toPlainBytes(decoder.decode(bytes));
}

function toPlainBytes(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(toPlainBytes);
  if (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlainBytes(v)]));
  }
  return value;
}
