/**
 * Representation-independent hashing of structured data, as the IC's HTTPS interface defines
 * it for request ids: a map hashes to SHA-256 over its sorted `hash(key) || hash(value)` pairs.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { compareBytes, concatBytes, encodeLeb128, utf8 } from './bytes.js';
import { CertificationError } from './errors.js';

/**
 * The request id of a request's `content` map (a call, query or read_state envelope's
 * content): the representation-independent hash of the map. Fields whose value is `undefined`
 * are omitted, as the spec omits absent optional fields.
 *
 * Values hash as follows: byte arrays as themselves, strings as their UTF-8 bytes, natural
 * numbers (`number` or `bigint`) as their shortest unsigned LEB128, arrays as the
 * concatenation of their elements' hashes, maps (plain objects or `Map`s with string keys)
 * recursively. Objects with a `toUint8Array()` method (e.g. a `Principal`) hash as those bytes.
 * @throws CertificationError `ERR_UNHASHABLE_VALUE` for anything else (null, booleans,
 *   negative or fractional numbers, …).
 */
export function requestId(content: Record<string, unknown>): Uint8Array {
  return hashOfMap(Object.entries(content));
}

/** The representation-independent hash of one value; see {@link requestId} for the rules. */
export function hashValue(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return sha256(value);
  if (typeof value === 'string') return sha256(utf8(value));
  if (typeof value === 'number' || typeof value === 'bigint') return sha256(encodeLeb128(value));
  if (Array.isArray(value))
    return sha256(concatBytes(...value.map((element: unknown) => hashValue(element))));
  if (ArrayBuffer.isView(value))
    return sha256(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  if (value instanceof Map) return hashOfMap(mapEntries(value));
  if (hasToUint8Array(value)) return sha256(value.toUint8Array());
  if (isPlainObject(value)) return hashOfMap(Object.entries(value));
  throw new CertificationError(
    'ERR_UNHASHABLE_VALUE',
    `no representation-independent hash for ${describe(value)}`,
  );
}

/** Hashes of map keys seen so far: envelopes repeat the same few field names. Bounded, since keys come from clients. */
const keyHashes = new Map<string, Uint8Array>();
const MAX_KEY_HASHES = 256;

function hashOfKey(key: string): Uint8Array {
  let hash = keyHashes.get(key);
  if (hash === undefined) {
    hash = sha256(utf8(key));
    if (keyHashes.size < MAX_KEY_HASHES) keyHashes.set(key, hash);
  }
  return hash;
}

function hashOfMap(entries: ReadonlyArray<readonly [string, unknown]>): Uint8Array {
  const pairs: Uint8Array[] = [];
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    pairs.push(concatBytes(hashOfKey(key), hashValue(value)));
  }
  pairs.sort(compareBytes);
  return sha256(concatBytes(...pairs));
}

function mapEntries(map: Map<unknown, unknown>): Array<[string, unknown]> {
  const entries: Array<[string, unknown]> = [];
  for (const [key, value] of map) {
    if (typeof key !== 'string') {
      throw new CertificationError(
        'ERR_UNHASHABLE_VALUE',
        `map keys must be strings, got ${describe(key)}`,
      );
    }
    entries.push([key, value]);
  }
  return entries;
}

function hasToUint8Array(value: unknown): value is { toUint8Array(): Uint8Array } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toUint8Array?: unknown }).toUint8Array === 'function'
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object of class ${value.constructor?.name ?? '?'}`;
  // Objects and null returned above: what is left is a primitive, or a function (named by source).
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- only primitives and functions reach here
  return `${typeof value} ${String(value)}`;
}
