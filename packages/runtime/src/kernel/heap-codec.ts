/**
 * The class registry (classes known by name, so heap objects load with their prototype) and the
 * decoder of the earlier heap format: the whole heap as one cbor-x snapshot, in which class
 * instances are tagged with their class name. Stores written before object rows still load.
 */
import { Encoder, addExtension } from 'cbor-x';

const CLASS_TAG = 40_500;
const FORMAT_VERSION = 1;

const encoder = new Encoder({
  structuredClone: true,
  useRecords: false,
  tagUint8Array: true,
  int64AsType: 'bigint',
} as ConstructorParameters<typeof Encoder>[0]);
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

/** Decodes a heap snapshot of the earlier single-snapshot format (format 1). */
export function decodeHeap(bytes: Uint8Array): { prng: number[]; fields: Record<string, unknown> } {
  const decoded = encoder.decode(bytes) as [number, number[], Record<string, unknown>];
  if (!Array.isArray(decoded) || decoded[0] !== FORMAT_VERSION) {
    throw new Error(
      `unsupported heap snapshot format ${String(Array.isArray(decoded) ? decoded[0] : typeof decoded)}`,
    );
  }
  return { prng: decoded[1], fields: decoded[2] };
}
