/**
 * Candid encoding for one fixed list of types, as a method's arguments or result. The type
 * table never changes for a method, so it is computed once; primitive values (numbers, text,
 * bool, principal, null) are encoded and decoded here directly. Anything else, and any message
 * whose type table differs from ours, is checked (`wire-*.ts`: limits, types, a decoding quota)
 * and then decoded by @dfinity/candid. This keeps per-message Candid cost near the cost of the
 * value bytes, and the cost of a hostile message proportional to its size.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { concatBytes, startsWithBytes } from '@tincan/bytes';
import { decodeChecked } from './candid-decode.js';
import { DEFAULT_CANDID_LIMITS } from './candid-limits.js';
import { readPrimitive, writePrimitive, type Prim, type Reader } from './candid-primitives.js';
import { checkFit } from './wire-fit.js';
import { parseHeader } from './wire-table.js';
import { checkValues } from './wire-values.js';

/** Encodes and decodes values of one type list. */
export interface CandidCodec {
  encode(values: readonly unknown[]): Uint8Array;
  /** Decodes untrusted bytes; throws a `CandidError` (`ERR_CANDID_DECODE`) for anything invalid. */
  decode(bytes: Uint8Array): unknown[];
}

/** Headers whose types were found to fit, per codec; small headers only (they are the key). */
const MAX_FIT_CACHE = 64;
const MAX_CACHED_HEADER_BYTES = 512;

// Keyed by the identities of the type objects: callers of `call` often build `[IDL.Nat]` inline.
const typeIds = new WeakMap<IDL.Type, number>();
let nextTypeId = 0;
const codecs = new Map<string, CandidCodec>();
const MAX_CODECS = 1_000;

/** The codec of `types`, created once per distinct list of type objects. */
export function codecFor(types: readonly IDL.Type[]): CandidCodec {
  const key = types.map(typeId).join(',');
  let codec = codecs.get(key);
  if (codec === undefined) {
    // Types built fresh on every call would grow the cache without bound; start over instead.
    if (codecs.size >= MAX_CODECS) codecs.clear();
    codec = createCodec(types);
    codecs.set(key, codec);
  }
  return codec;
}

function typeId(t: IDL.Type): number {
  let id = typeIds.get(t);
  if (id === undefined) {
    id = nextTypeId++;
    typeIds.set(t, id);
  }
  return id;
}

function primOf(t: IDL.Type): Prim | undefined {
  if (t instanceof IDL.NatClass) return { kind: 'nat' };
  if (t instanceof IDL.IntClass) return { kind: 'int' };
  if (t instanceof IDL.FixedNatClass) return { kind: 'fixedNat', bits: t._bits };
  if (t instanceof IDL.FixedIntClass) return { kind: 'fixedInt', bits: t._bits };
  if (t instanceof IDL.BoolClass) return { kind: 'bool' };
  if (t instanceof IDL.NullClass) return { kind: 'null' };
  if (t instanceof IDL.TextClass) return { kind: 'text' };
  if (t instanceof IDL.PrincipalClass) return { kind: 'principal' };
  if (t instanceof IDL.FloatClass && t._bits === 64) return { kind: 'float64' };
  return undefined;
}

function createCodec(types: readonly IDL.Type[]): CandidCodec {
  const list = [...types];
  const prims = list.map(primOf);
  const allPrim = prims.every((p) => p !== undefined);
  let header: Uint8Array | undefined = allPrim ? headerOf(list) : undefined;
  const fitting = new Set<string>();
  const encodeValues = (values: readonly unknown[]): Uint8Array[] =>
    list.map((t, i) => {
      const v = values[i];
      const prim = prims[i];
      if (prim !== undefined) return writePrimitive(prim, v, t);
      if (!t.covariant(v)) throw new Error(`Invalid ${t.display()} argument: ${String(v)}`);
      return new Uint8Array(t.encodeValue(v));
    });
  return {
    encode(values) {
      if (values.length !== list.length) return new Uint8Array(IDL.encode(list, [...values]));
      const parts = encodeValues(values);
      if (header === undefined) {
        // The first encode goes through the library; what precedes the values is the header.
        const full = new Uint8Array(IDL.encode(list, [...values]));
        const valueBytes = parts.reduce((n, p) => n + p.length, 0);
        header = full.slice(0, full.length - valueBytes);
        return full;
      }
      return concatBytes(header, ...parts);
    },
    decode(bytes) {
      if (allPrim && header !== undefined && startsWithBytes(bytes, header)) {
        const reader: Reader = { bytes, offset: header.length };
        const out = prims.map((p) => readPrimitive(p, reader));
        if (reader.offset === bytes.length) return out;
      }
      const wire = parseHeader(bytes, DEFAULT_CANDID_LIMITS);
      const key =
        wire.valueOffset <= MAX_CACHED_HEADER_BYTES ? latin1(bytes, wire.valueOffset) : undefined;
      if (key === undefined || !fitting.has(key)) {
        checkFit(wire, list);
        if (key !== undefined) {
          if (fitting.size >= MAX_FIT_CACHE) fitting.clear();
          fitting.add(key);
        }
      }
      checkValues(bytes, wire, DEFAULT_CANDID_LIMITS);
      return decodeChecked(list, bytes);
    },
  };
}

function latin1(bytes: Uint8Array, end: number): string {
  let s = '';
  for (let i = 0; i < end; i++) s += String.fromCharCode(bytes[i] as number);
  return s;
}

function headerOf(types: IDL.Type[]): Uint8Array | undefined {
  const sample = types.map(sampleValue);
  if (sample.some((v) => v === NO_SAMPLE)) return undefined;
  const full = new Uint8Array(IDL.encode(types, sample));
  const valueBytes = types.reduce(
    (n, t, i) => n + new Uint8Array(t.encodeValue(sample[i])).length,
    0,
  );
  return full.slice(0, full.length - valueBytes);
}

const NO_SAMPLE = Symbol('no sample');
function sampleValue(t: IDL.Type): unknown {
  const prim = primOf(t);
  if (prim === undefined) return NO_SAMPLE;
  switch (prim.kind) {
    case 'nat':
    case 'int':
      return 0n;
    case 'fixedNat':
    case 'fixedInt':
      return prim.bits === 64 ? 0n : 0;
    case 'bool':
      return false;
    case 'null':
      return null;
    case 'text':
      return '';
    case 'principal':
      return Principal.anonymous();
    case 'float64':
      return 0;
  }
}
