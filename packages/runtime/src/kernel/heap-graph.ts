/**
 * Restore points for the canister heap, taken in place. A trap must roll back the objects
 * themselves, not swap in copies: a suspended continuation may hold a reference to a state
 * object, and must see the rolled-back value through that very reference.
 *
 * A restore point records, for every object reachable from the canister instance, its own
 * contents one level deep (property values, map entries, array slots, bytes). Restoring writes
 * those contents back into the same objects, so identity and aliasing survive.
 */

import { HANDLE_SYMBOL as ABI_HANDLE_SYMBOL } from '@tincan/abi';
import { bytesEqual } from '@tincan/bytes';

/** Marks prototypes of handles (stable structures) that are not heap data. */
export const HANDLE_SYMBOL = Symbol.for(ABI_HANDLE_SYMBOL);

type Saved =
  | { kind: 'object'; entries: unknown[] }
  | { kind: 'array'; items: unknown[] }
  | { kind: 'map'; entries: Array<[unknown, unknown]> }
  | { kind: 'set'; values: unknown[] }
  | { kind: 'date'; time: number }
  | { kind: 'bytes'; view: Uint8Array; copy: Uint8Array };

/** Contents of the heap at a commit point. */
export interface RestorePoint {
  readonly root: object;
  readonly saved: Map<object, Saved>;
  /** Prototypes of class instances seen in the heap, by class name. */
  readonly classes: Map<string, object>;
}

/** Thrown when the heap holds a value that cannot be persisted. */
export class UnpersistableError extends Error {}

/** Thrown when the heap's byte arrays alone exceed the canister's heap limit. */
export class HeapLimitError extends Error {}

/** Bytes of byte arrays the walk in progress may still copy (see {@link takeRestorePoint}). */
let bytesAllowed = Infinity;
let heapLimit = Infinity;

/** Counts `bytes` of byte arrays against the walk's limit before they are copied. */
function takeBytes(bytes: number): void {
  bytesAllowed -= bytes;
  if (bytesAllowed < 0) {
    throw new HeapLimitError(`heap memory limit exceeded: the canister's heap holds more than its limit of ${heapLimit} bytes in byte arrays alone`);
  }
}

const DENIED: ReadonlyArray<[string, unknown]> = [
  ['Promise', Promise.prototype],
  ['WeakMap', WeakMap.prototype],
  ['WeakSet', WeakSet.prototype],
  ['WeakRef', typeof WeakRef === 'function' ? WeakRef.prototype : undefined],
  ['Error', Error.prototype],
  ['DataView', DataView.prototype],
  ['a generator', Object.getPrototypeOf(function* () {})?.prototype],
];

/** Whether `value` is a stable-structure handle rather than heap data. */
export function isHandle(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[HANDLE_SYMBOL] === true;
}

/** The heap fields of the root: own enumerable properties that are not handles. */
export function rootKeys(root: object): string[] {
  return Object.keys(root).filter((k) => !isHandle((root as Record<string, unknown>)[k]));
}

/**
 * Walks the heap from `root`, validating every value, and records a restore point. Byte arrays
 * beyond `maxBytes` in all stop the walk before they are copied (copying a gigabyte takes
 * seconds, and the heap could never be committed anyway).
 */
export function takeRestorePoint(root: object, maxBytes = Infinity): RestorePoint {
  bytesAllowed = maxBytes;
  heapLimit = maxBytes;
  const saved = new Map<object, Saved>();
  const classes = new Map<string, object>();
  const stack: Array<[unknown, string]> = [];
  const rootEntries: unknown[] = [];
  for (const key of rootKeys(root)) {
    const value = (root as Record<string, unknown>)[key];
    rootEntries.push(key, value);
    stack.push([value, `this.${key}`]);
  }
  saved.set(root, { kind: 'object', entries: rootEntries });
  while (stack.length > 0) {
    const [value, path] = stack.pop() as [unknown, string];
    if (typeof value === 'function') throw new UnpersistableError(`${path} is a function; only data can be kept in canister state`);
    if (typeof value === 'symbol') throw new UnpersistableError(`${path} is a symbol; only data can be kept in canister state`);
    if (typeof value !== 'object' || value === null || saved.has(value)) continue;
    saved.set(value, describe(value, path, stack, classes));
  }
  return { root, saved, classes };
}

function describe(value: object, path: string, stack: Array<[unknown, string]>, classes: Map<string, object>): Saved {
  const proto: unknown = Object.getPrototypeOf(value);
  // Plain objects are most of a heap: take them before the checks for special kinds.
  if (proto === Object.prototype || proto === null) return describeFields(value, path, stack);
  if (dataClasses.has(proto as object)) return describeInstance(value, proto as object, path, stack, classes);
  if (Array.isArray(value)) {
    const items = value.slice();
    items.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    return { kind: 'array', items };
  }
  if (value instanceof Map) {
    const entries = [...value.entries()];
    for (const [k, v] of entries) {
      // Only primitive keys are named: `String` of an object key would run its `toString`.
      stack.push([k, `${path} key`], [v, `${path}.get(${typeof k === 'object' || typeof k === 'function' ? '…' : String(k)})`]);
    }
    return { kind: 'map', entries };
  }
  if (value instanceof Set) {
    const values = [...value.values()];
    values.forEach((v) => stack.push([v, `${path} member`]));
    return { kind: 'set', values };
  }
  if (value instanceof Date) return { kind: 'date', time: value.getTime() };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const view = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    takeBytes(view.byteLength);
    return { kind: 'bytes', view, copy: view.slice() };
  }
  if (value instanceof ArrayBuffer) {
    const view = new Uint8Array(value);
    takeBytes(view.byteLength);
    return { kind: 'bytes', view, copy: view.slice() };
  }
  if (isHandle(value)) {
    throw new UnpersistableError(`${path} is a stable structure; keep stable structures in a field of the canister class or a module-level variable`);
  }
  for (const [name, proto] of DENIED) {
    if (proto !== undefined && Object.prototype.isPrototypeOf.call(proto, value)) {
      throw new UnpersistableError(`${path} is a ${name}; only data can be kept in canister state`);
    }
  }
  if (value instanceof RegExp) return describeFields(value, path, stack);
  // Passed every check: instances of this class are plain data from now on.
  dataClasses.add(proto as object);
  return describeInstance(value, proto as object, path, stack, classes);
}

/** Prototypes of user classes already found to hold plain data; their checks are skipped. */
const dataClasses = new WeakSet<object>();

function describeInstance(value: object, proto: object, path: string, stack: Array<[unknown, string]>, classes: Map<string, object>): Saved {
  const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
  if (typeof ctor?.name === 'string' && ctor.name !== '') classes.set(ctor.name, proto);
  return describeFields(value, path, stack);
}

function describeFields(value: object, path: string, stack: Array<[unknown, string]>): Saved {
  const entries: unknown[] = [];
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    entries.push(key, v);
    stack.push([v, `${path}.${key}`]);
  }
  return { kind: 'object', entries };
}

/** Writes every object of the restore point back to its recorded contents, in place. */
export function restoreInPlace(point: RestorePoint): void {
  for (const [obj, saved] of point.saved) {
    switch (saved.kind) {
      case 'object':
        restoreObject(obj as Record<string, unknown>, saved.entries, obj === point.root);
        break;
      case 'array': {
        const arr = obj as unknown[];
        arr.length = saved.items.length;
        for (let i = 0; i < saved.items.length; i++) {
          if (i in saved.items) arr[i] = saved.items[i];
          else delete arr[i];
        }
        break;
      }
      case 'map': {
        const map = obj as Map<unknown, unknown>;
        map.clear();
        for (const [k, v] of saved.entries) map.set(k, v);
        break;
      }
      case 'set': {
        const set = obj as Set<unknown>;
        set.clear();
        for (const v of saved.values) set.add(v);
        break;
      }
      case 'date':
        (obj as Date).setTime(saved.time);
        break;
      case 'bytes':
        saved.view.set(saved.copy);
        break;
    }
  }
}

function restoreObject(obj: Record<string, unknown>, entries: unknown[], isRoot: boolean): void {
  if (Object.isFrozen(obj)) return;
  const keep = new Set<string>();
  for (let i = 0; i < entries.length; i += 2) keep.add(entries[i] as string);
  for (const key of Object.keys(obj)) {
    if (keep.has(key)) continue;
    // Handles on the root are not heap data and are never rolled back.
    if (isRoot && isHandle(obj[key])) continue;
    delete obj[key];
  }
  for (let i = 0; i < entries.length; i += 2) {
    const key = entries[i] as string;
    // Assigning to an own data property runs no code. A key the execution deleted could hit a
    // setter up the prototype chain (canister code, on a spent budget), so define it instead.
    if (Object.getOwnPropertyDescriptor(obj, key)?.writable === true) obj[key] = entries[i + 1];
    else Object.defineProperty(obj, key, { value: entries[i + 1], writable: true, enumerable: true, configurable: true });
  }
}

/**
 * Whether two restore points record the same contents for the same objects: then the heap did
 * not change, and the previous snapshot still stands.
 */
export function sameContents(a: RestorePoint, b: RestorePoint): boolean {
  if (a.root !== b.root || a.saved.size !== b.saved.size) return false;
  for (const [obj, saved] of b.saved) {
    const old = a.saved.get(obj);
    if (old === undefined || old.kind !== saved.kind || !sameSaved(old, saved)) return false;
  }
  return true;
}

function sameSaved(a: Saved, b: Saved): boolean {
  switch (b.kind) {
    case 'object':
      return sameList((a as typeof b).entries, b.entries);
    case 'array':
      return sameList((a as typeof b).items, b.items);
    case 'set':
      return sameList((a as typeof b).values, b.values);
    case 'map': {
      const old = (a as typeof b).entries;
      return old.length === b.entries.length && b.entries.every(([k, v], i) => Object.is(old[i]?.[0], k) && Object.is(old[i]?.[1], v));
    }
    case 'date':
      return Object.is((a as typeof b).time, b.time);
    case 'bytes':
      return bytesEqual((a as typeof b).copy, b.copy);
  }
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i]) || i in a !== i in b) return false;
  }
  return true;
}
