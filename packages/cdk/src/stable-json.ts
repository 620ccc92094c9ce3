/**
 * `stableJson`, the default serializer of stable structures: UTF-8 JSON in which values JSON
 * lacks are single-key tagged objects (`{"__bigint__":"1"}`, `{"__principal__":"aaaaa-aa"}`,
 * `{"__uint8array__":[1,2]}`, …). The tag names follow Azle's documented format, so data
 * written by one CDK reads in the other.
 */
import { Principal } from '@dfinity/principal';

/** Converts values to and from bytes for a stable structure. */
export interface Serializable {
  toBytes(data: unknown): Uint8Array;
  fromBytes(bytes: Uint8Array): unknown;
}

type TypedArrayCtor = new (
  values: ArrayLike<number> | ArrayLike<bigint>,
) => ArrayLike<number | bigint>;
const TYPED: ReadonlyArray<[string, TypedArrayCtor]> = [
  ['__uint8array__', Uint8Array],
  ['__int8array__', Int8Array],
  ['__uint16array__', Uint16Array],
  ['__int16array__', Int16Array],
  ['__uint32array__', Uint32Array],
  ['__int32array__', Int32Array],
  ['__biguint64array__', BigUint64Array],
  ['__bigint64array__', BigInt64Array],
  ['__float32array__', Float32Array],
  ['__float64array__', Float64Array],
];

/** JSON.stringify replacer of the stableJson format. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value === undefined) return { __undefined__: '__undefined__' };
  if (typeof value === 'bigint') return { __bigint__: value.toString() };
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { __nan__: '__nan__' };
    if (value === Infinity) return { __infinity__: '__infinity__' };
    if (value === -Infinity) return { __negative_infinity__: '__negative_infinity__' };
    if (Object.is(value, -0)) return { __negative_zero__: '__negative_zero__' };
    return value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if ((value as { _isPrincipal?: unknown })._isPrincipal === true)
    return { __principal__: (value as Principal).toText() };
  if (value instanceof Map) return { __map__: [...value.entries()] };
  if (value instanceof Set) return { __set__: [...value.values()] };
  for (const [tag, Ctor] of TYPED) {
    if (value instanceof (Ctor as unknown as typeof Uint8Array))
      return {
        [tag]: Array.from(value as ArrayLike<number | bigint>, (v) =>
          typeof v === 'bigint' ? v.toString() : v,
        ),
      };
  }
  return value;
}

/** JSON.parse reviver of the stableJson format. */
export function jsonReviver(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const tag = keys[0] as string;
  const inner = (value as Record<string, unknown>)[tag];
  switch (tag) {
    case '__undefined__':
      return undefined;
    case '__bigint__':
      return BigInt(inner as string);
    case '__nan__':
      return NaN;
    case '__infinity__':
      return Infinity;
    case '__negative_infinity__':
      return -Infinity;
    case '__negative_zero__':
      return -0;
    case '__principal__':
      return Principal.fromText(inner as string);
    case '__map__':
      return new Map(inner as Array<[unknown, unknown]>);
    case '__set__':
      return new Set(inner as unknown[]);
  }
  const typed = TYPED.find(([t]) => t === tag);
  if (typed !== undefined) {
    const [t, Ctor] = typed;
    const items = inner as Array<number | string>;
    return new Ctor(t.startsWith('__big') ? items.map((v) => BigInt(v)) : (items as number[]));
  }
  return value;
}

/** Builds a stableJson serializer, optionally with custom replacer/reviver. */
export function StableJson(
  options: { replacer?: typeof jsonReplacer; reviver?: typeof jsonReviver } = {},
): Serializable {
  const replacer = options.replacer ?? jsonReplacer;
  const reviver = options.reviver ?? jsonReviver;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const custom = options.replacer !== undefined || options.reviver !== undefined;
  return {
    toBytes: (data) =>
      encoder.encode((custom ? undefined : fastStringify(data)) ?? JSON.stringify(data, replacer)),
    fromBytes: (bytes) => {
      const text = decoder.decode(bytes);
      if (!custom) {
        const fast = fastParse(text);
        if (fast !== NOT_FAST) return fast;
      }
      try {
        return JSON.parse(text, reviver) as unknown;
      } catch (err) {
        throw new Error(`jsonParse: Error parsing JSON: ${(err as Error).message}. text: ${text}`);
      }
    },
  };
}

// Stable-map keys and values are mostly plain strings, numbers and bigints: for those the
// replacer and reviver change nothing but cost a function call per node, so skip them.
const NOT_FAST = Symbol('not fast');
const BIGINT_JSON = /^\{"__bigint__":"(-?\d+)"\}$/;

function fastStringify(data: unknown): string | undefined {
  if (typeof data === 'string' || typeof data === 'boolean') return JSON.stringify(data);
  if (typeof data === 'number' && Number.isFinite(data) && !Object.is(data, -0))
    return JSON.stringify(data);
  if (typeof data === 'bigint') return `{"__bigint__":"${data}"}`;
  return undefined;
}

function fastParse(text: string): unknown {
  const first = text.charCodeAt(0);
  // A string, number or boolean literal cannot hold a tag, so the reviver would change nothing.
  if (
    first === 0x22 /* " */ ||
    first === 0x2d /* - */ ||
    (first >= 0x30 && first <= 0x39) ||
    text === 'true' ||
    text === 'false'
  ) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return NOT_FAST;
    }
  }
  const big = BIGINT_JSON.exec(text);
  return big !== null ? BigInt(big[1] as string) : NOT_FAST;
}

/** The default serializer of stable structures. */
export const stableJson: Serializable = StableJson();
