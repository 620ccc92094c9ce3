/**
 * Values of a canister's stored state as short text for people: heap values from their cbor
 * rows, stable-map keys and values from their bytes (stableJson when they parse as it, else
 * hex). Long strings and byte arrays are cut at a limit and say how long they were, so one
 * huge value cannot make a page of them huge.
 */
import { isHole, refId } from '@tincan/runtime';

/** One value as shown: text, and the heap object it refers to, if it is a reference. */
export interface ShownValue {
  readonly text: string;
  /** The heap object id when the value is a reference to another object. */
  readonly ref?: number;
  /** Whether the text was cut. */
  readonly truncated?: boolean;
}

/** Characters of text shown per value at most. */
export const MAX_TEXT = 240;
/** Bytes shown per byte array at most (as hex). */
export const MAX_BYTES = 64;

/** `text` cut at {@link MAX_TEXT}, saying how long it was. */
export function cut(text: string): ShownValue {
  if (text.length <= MAX_TEXT) return { text };
  return {
    text: `${text.slice(0, MAX_TEXT)}… (${text.length.toLocaleString('en-US')} characters)`,
    truncated: true,
  };
}

/** Hex of at most {@link MAX_BYTES} of `bytes`, saying how many there were. */
export function hexPreview(bytes: Uint8Array): ShownValue {
  const hex = Buffer.from(bytes.subarray(0, MAX_BYTES)).toString('hex');
  return bytes.length <= MAX_BYTES
    ? { text: `0x${hex}` }
    : { text: `0x${hex}… (${bytes.length.toLocaleString('en-US')} bytes)`, truncated: true };
}

/** A primitive heap value (or a hole) as text; references are resolved by the caller. */
export function showPrimitive(value: unknown): ShownValue {
  if (isHole(value)) return { text: '(hole)' };
  switch (typeof value) {
    case 'string':
      return cut(JSON.stringify(value));
    case 'bigint':
      return cut(`${value}n`);
    case 'undefined':
      return { text: 'undefined' };
    case 'number':
      return { text: Object.is(value, -0) ? '-0' : String(value) };
    case 'boolean':
      return { text: String(value) };
    default:
      return value === null ? { text: 'null' } : { text: `(${typeof value})` };
  }
}

/** Whether a decoded heap value is a reference to another object. */
export function isRef(value: unknown): boolean {
  return refId(value) !== undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Stable-map bytes as text: stableJson's JSON with its tagged values, else hex. */
export function showStableBytes(bytes: Uint8Array): ShownValue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch {
    return hexPreview(bytes);
  }
  return cut(showJson(parsed, 0));
}

/** Text of a stableJson value: `5n` for `{"__bigint__":"5"}`, `principal "…"`, `Map {…}`, …. */
function showJson(value: unknown, depth: number): string {
  if (depth > 32) return '…';
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map((v) => showJson(v, depth + 1)).join(', ')}]`;
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  if (keys.length === 1) {
    const tag = keys[0] as string;
    const inner = record[tag];
    switch (tag) {
      case '__bigint__':
        return `${String(inner)}n`;
      case '__principal__':
        return `principal ${JSON.stringify(inner)}`;
      case '__undefined__':
        return 'undefined';
      case '__nan__':
        return 'NaN';
      case '__infinity__':
        return 'Infinity';
      case '__negative_infinity__':
        return '-Infinity';
      case '__negative_zero__':
        return '-0';
      case '__map__':
        if (Array.isArray(inner))
          return `Map {${inner.map((e) => (Array.isArray(e) ? `${showJson(e[0], depth + 1)} => ${showJson(e[1], depth + 1)}` : '?')).join(', ')}}`;
        break;
      case '__set__':
        if (Array.isArray(inner))
          return `Set {${inner.map((v) => showJson(v, depth + 1)).join(', ')}}`;
        break;
      default:
        if (/^__[a-z0-9]+array__$/.test(tag) && Array.isArray(inner))
          return `${tag.slice(2, -2)}(${inner.length}) [${inner.slice(0, 16).join(', ')}${inner.length > 16 ? ', …' : ''}]`;
    }
  }
  return `{ ${keys.map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${showJson(record[k], depth + 1)}`).join(', ')} }`;
}
