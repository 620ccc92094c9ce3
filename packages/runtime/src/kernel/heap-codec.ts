/**
 * Encodes the canister heap with cbor-x (bigint, Map, Set, typed arrays, Date, shared
 * references and cycles all round-trip). Class instances are tagged with their class name so
 * they come back with their prototype after a restart, when the class is known.
 */
import { Encoder, addExtension } from 'cbor-x';
import { rootKeys, type RestorePoint } from './heap-graph.js';

const CLASS_TAG = 40_500;
const FORMAT_VERSION = 1;

const encoder = new Encoder({ structuredClone: true, useRecords: false, tagUint8Array: true, int64AsType: 'bigint' } as ConstructorParameters<typeof Encoder>[0]);
/** Classes known by name, for decoding; filled by registration and by walks of live heaps. */
const registry = new Map<string, object>();
const extended = new Set<object>();
/** Names of classes a decode could not find; reported by the caller. */
export const unknownClasses = new Set<string>();

/** Makes a class known to the decoder (and tags its instances on encode). */
export function registerClass(name: string, proto: object): void {
  if (!registry.has(name)) registry.set(name, proto);
  if (extended.has(proto)) return;
  extended.add(proto);
  const Class = (proto as { constructor: new () => unknown }).constructor;
  addExtension({
    Class,
    tag: CLASS_TAG,
    encode(instance: unknown, encode: (value: unknown) => Uint8Array) {
      return encode([name, { ...(instance as object) }]);
    },
    decode(data: unknown) {
      const [className, fields] = data as [string, Record<string, unknown>];
      const found = registry.get(className);
      if (found === undefined) unknownClasses.add(className);
      return Object.assign(Object.create(found ?? Object.prototype) as object, fields);
    },
  });
}

/** The prototype of a class known by `name`, if any. */
export function knownClass(name: string): object | undefined {
  return registry.get(name);
}

/** Encodes the heap fields of a restore point together with the PRNG state. */
export function encodeHeap(point: RestorePoint, prng: readonly number[]): Uint8Array {
  for (const [name, proto] of point.classes) registerClass(name, proto);
  const fields: Record<string, unknown> = {};
  const root = point.root as Record<string, unknown>;
  for (const key of rootKeys(root)) fields[key] = root[key];
  return encoder.encode([FORMAT_VERSION, [...prng], fields]) as Uint8Array;
}

/** Decodes a heap snapshot made by {@link encodeHeap}. */
export function decodeHeap(bytes: Uint8Array): { prng: number[]; fields: Record<string, unknown> } {
  const decoded = encoder.decode(bytes) as [number, number[], Record<string, unknown>];
  if (!Array.isArray(decoded) || decoded[0] !== FORMAT_VERSION) {
    throw new Error(`unsupported heap snapshot format ${String(Array.isArray(decoded) ? decoded[0] : typeof decoded)}`);
  }
  return { prng: decoded[1], fields: decoded[2] };
}
