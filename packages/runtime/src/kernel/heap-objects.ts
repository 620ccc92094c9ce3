/**
 * What the heap may hold, object by object: the kind of each object (plain or class instance,
 * array, Map, Set, Date, typed array, ArrayBuffer), the check that refuses what cannot be
 * persisted, and an object's own contents one level deep, saved before its first write in an
 * execution and written back into the same object when the execution rolls back.
 *
 * Built-ins are captured when the kernel loads, before canister code runs: canister code may
 * replace them, and the kernel must neither call its replacements nor charge their work to it.
 */
import { isHandle } from './heap-graph.js';

/** How an object is stored. */
export enum Kind {
  Object = 0,
  Array = 1,
  Map = 2,
  Set = 3,
  Date = 4,
  Bytes = 5,
  Buffer = 6,
}

/** An object's own contents, one level deep. */
export type Saved =
  | { readonly kind: Kind.Object; readonly entries: unknown[] }
  | { readonly kind: Kind.Array; readonly items: unknown[] }
  | { readonly kind: Kind.Map; readonly entries: unknown[] }
  | { readonly kind: Kind.Set; readonly values: unknown[] }
  | { readonly kind: Kind.Date; readonly time: number };

/** Kind and class of an object, or why it cannot be persisted. */
export type Classified =
  | { readonly kind: Kind; readonly cls: string | undefined; readonly proto: object | null }
  | { readonly refused: string };

/** Captured built-ins. */
const {
  getPrototypeOf,
  keys,
  getOwnPropertyDescriptor,
  defineProperty,
  isFrozen,
  prototype: ObjectPrototype,
} = Object;
const isArray = Array.isArray;
const isView = ArrayBuffer.isView;
/** `call(fn, self, ...args)`, immune to canister changes of Function.prototype.call. */
export const call = Function.prototype.call.bind(Function.prototype.call) as (
  fn: unknown,
  self: unknown,
  ...args: unknown[]
) => unknown;
const MapProto = Map.prototype;
const SetProto = Set.prototype;
const DateProto = Date.prototype;
const mapForEach = MapProto.forEach;
const mapSet = MapProto.set;
const mapClear = MapProto.clear;
const setForEach = SetProto.forEach;
const setAdd = SetProto.add;
const setClear = SetProto.clear;
const getTime = DateProto.getTime;
const setTime = DateProto.setTime;
const typedArrayProto = getPrototypeOf(Uint8Array.prototype) as object;
const toStringTag = getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag)?.get as () =>
  string | undefined;

const DENIED: ReadonlyArray<[string, unknown]> = [
  ['Promise', Promise.prototype],
  ['WeakMap', WeakMap.prototype],
  ['WeakSet', WeakSet.prototype],
  ['WeakRef', typeof WeakRef === 'function' ? WeakRef.prototype : undefined],
  ['Error', Error.prototype],
  ['DataView', DataView.prototype],
  ['a generator', (getPrototypeOf(function* () {}) as { prototype: unknown } | null)?.prototype],
];

/** Prototypes of user classes already found to hold plain data; their checks are skipped. */
const dataClasses = new WeakSet<object>();

/** The typed-array constructor name of `value` ('Uint8Array', …), or undefined. */
export function typedArrayName(value: object): string | undefined {
  return call(toStringTag, value) as string | undefined;
}

/** The kind of `value`, or why it cannot be heap data. */
export function classify(value: object): Classified {
  const proto = getPrototypeOf(value) as object | null;
  if (proto === ObjectPrototype || proto === null)
    return { kind: Kind.Object, cls: undefined, proto };
  if (dataClasses.has(proto)) return { kind: Kind.Object, cls: className(proto), proto };
  if (isArray(value)) return { kind: Kind.Array, cls: undefined, proto };
  if (value instanceof Map) return { kind: Kind.Map, cls: undefined, proto };
  if (value instanceof Set) return { kind: Kind.Set, cls: undefined, proto };
  if (value instanceof Date) return { kind: Kind.Date, cls: undefined, proto };
  if (isView(value) && !(value instanceof DataView))
    return { kind: Kind.Bytes, cls: typedArrayName(value), proto };
  if (value instanceof ArrayBuffer) return { kind: Kind.Buffer, cls: undefined, proto };
  if (isHandle(value)) {
    return {
      refused:
        'is a stable structure; keep stable structures in a field of the canister class or a module-level variable',
    };
  }
  for (const [name, denied] of DENIED) {
    if (
      denied !== undefined &&
      (ObjectPrototype.isPrototypeOf as (this: unknown, v: unknown) => boolean).call(denied, value)
    ) {
      return { refused: `is a ${name}; only data can be kept in canister state` };
    }
  }
  if (value instanceof RegExp) return { kind: Kind.Object, cls: undefined, proto };
  // Passed every check: instances of this class are plain data from now on.
  dataClasses.add(proto);
  return { kind: Kind.Object, cls: className(proto), proto };
}

function className(proto: object): string | undefined {
  const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : undefined;
}

/** Why a primitive cannot be heap data, or undefined when it can. */
export function refusePrimitive(value: unknown): string | undefined {
  if (typeof value === 'function') return 'is a function; only data can be kept in canister state';
  if (typeof value === 'symbol') return 'is a symbol; only data can be kept in canister state';
  return undefined;
}

/** The own fields of an object that are heap data (the root's stable-structure handles are not). */
export function fieldsOf(obj: object, isRoot: boolean): string[] {
  const names = keys(obj);
  if (!isRoot) return names;
  // A loop of index writes rather than `filter` and its closure: the root's fields are listed
  // at least twice per commit.
  const fields: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const key = names[i] as string;
    if (!isHandle((obj as Record<string, unknown>)[key])) fields[fields.length] = key;
  }
  return fields;
}

/** The object's contents, one level deep (not for bytes). */
export function saveContents(obj: object, kind: Kind, isRoot: boolean): Saved {
  switch (kind) {
    case Kind.Array: {
      const arr = obj as unknown[];
      const items: unknown[] = new Array(arr.length);
      for (let i = 0; i < arr.length; i++) if (i in arr) items[i] = arr[i];
      return { kind, items };
    }
    case Kind.Map: {
      const entries: unknown[] = [];
      call(mapForEach, obj, (v: unknown, k: unknown) => entries.push(k, v));
      return { kind, entries };
    }
    case Kind.Set: {
      const values: unknown[] = [];
      call(setForEach, obj, (v: unknown) => values.push(v));
      return { kind, values };
    }
    case Kind.Date:
      return { kind, time: call(getTime, obj) as number };
    default: {
      const names = fieldsOf(obj, isRoot);
      // Index writes, not `push`: the realm's `push` is the write barrier's wrapper.
      const entries: unknown[] = new Array(names.length * 2);
      for (let i = 0; i < names.length; i++) {
        const key = names[i] as string;
        entries[2 * i] = key;
        entries[2 * i + 1] = (obj as Record<string, unknown>)[key];
      }
      return { kind: Kind.Object, entries };
    }
  }
}

/** Writes saved contents back into the same object. */
export function restoreContents(obj: object, saved: Saved, isRoot: boolean): void {
  switch (saved.kind) {
    case Kind.Object:
      return restoreFields(obj as Record<string, unknown>, saved.entries, isRoot);
    case Kind.Array: {
      const arr = obj as unknown[];
      const items = saved.items;
      arr.length = items.length;
      for (let i = 0; i < items.length; i++) {
        if (i in items) arr[i] = items[i];
        // eslint-disable-next-line @typescript-eslint/no-array-delete -- restores a hole the saved array had
        else delete arr[i];
      }
      return;
    }
    case Kind.Map:
      call(mapClear, obj);
      for (let i = 0; i < saved.entries.length; i += 2)
        call(mapSet, obj, saved.entries[i], saved.entries[i + 1]);
      return;
    case Kind.Set:
      call(setClear, obj);
      for (const v of saved.values) call(setAdd, obj, v);
      return;
    case Kind.Date:
      call(setTime, obj, saved.time);
      return;
  }
}

/** Sets an own data field without running setters up the prototype chain (or `__proto__`'s). */
export function putField(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (getOwnPropertyDescriptor(obj, key)?.writable === true) obj[key] = value;
  else defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function restoreFields(obj: Record<string, unknown>, entries: unknown[], isRoot: boolean): void {
  if (isFrozen(obj)) return;
  const keep = new Set<string>();
  for (let i = 0; i < entries.length; i += 2) keep.add(entries[i] as string);
  for (const key of keys(obj)) {
    if (keep.has(key)) continue;
    // Handles on the root are not heap data and are never rolled back.
    if (isRoot && isHandle(obj[key])) continue;
    delete obj[key];
  }
  for (let i = 0; i < entries.length; i += 2) putField(obj, entries[i] as string, entries[i + 1]);
}

/** Whether two saved contents are the same (the object did not really change). */
export function sameSaved(a: Saved, b: Saved): boolean {
  switch (b.kind) {
    case Kind.Object:
      return sameList((a as typeof b).entries, b.entries);
    case Kind.Array:
      return sameList((a as typeof b).items, b.items);
    case Kind.Map:
      return sameList((a as typeof b).entries, b.entries);
    case Kind.Set:
      return sameList((a as typeof b).values, b.values);
    case Kind.Date:
      return Object.is((a as typeof b).time, b.time);
  }
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i]) || i in a !== i in b) return false;
  }
  return true;
}

/** Calls `visit(value, suffix)` for every value one level inside `obj` (`suffix` names where, for error paths). */
export function forEachValue(
  obj: object,
  kind: Kind,
  isRoot: boolean,
  visit: (value: unknown, suffix: () => string) => void,
): void {
  switch (kind) {
    case Kind.Array: {
      const arr = obj as unknown[];
      for (let i = 0; i < arr.length; i++) if (i in arr) visit(arr[i], () => `[${i}]`);
      return;
    }
    case Kind.Map:
      call(mapForEach, obj, (v: unknown, k: unknown) => {
        visit(k, () => ' key');
        // Only primitive keys are named: `String` of an object key would run its `toString`.
        visit(
          v,
          // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are excluded by the typeof guard
          () => `.get(${typeof k === 'object' || typeof k === 'function' ? '…' : String(k)})`,
        );
      });
      return;
    case Kind.Set:
      call(setForEach, obj, (v: unknown) => visit(v, () => ' member'));
      return;
    case Kind.Object:
      for (const key of fieldsOf(obj, isRoot))
        visit((obj as Record<string, unknown>)[key], () => `.${key}`);
      return;
    default:
      return;
  }
}

/** Classes of the instances reachable from `root`, by name (to load stored instances of them). */
export function classesOf(root: object): Map<string, object> {
  const classes = new Map<string, object>();
  const seen = new Set<object>([root]);
  const stack: object[] = [root];
  while (stack.length > 0) {
    const obj = stack.pop() as object;
    const c = classify(obj);
    if ('refused' in c) continue;
    if (c.cls !== undefined && c.kind === Kind.Object && c.proto !== null)
      classes.set(c.cls, c.proto);
    forEachValue(obj, c.kind, obj === root, (v) => {
      if (typeof v === 'object' && v !== null && !seen.has(v)) {
        seen.add(v);
        stack.push(v);
      }
    });
  }
  return classes;
}
