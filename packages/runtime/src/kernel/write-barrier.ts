/**
 * The in-sandbox side of the write barrier. The bundler rewrites canister code so that every
 * member write passes its object through `object` or `keyed` first (see the bundler's
 * write-barrier.ts); writes made by built-ins are caught here, by wrapping the realm's mutating
 * built-ins: Map/Set/Array/Date methods, typed-array and DataView writes, `Object.assign`,
 * `Object.defineProperty`, `Reflect.set`/`defineProperty`/`deleteProperty` and `Atomics`.
 * Each wrapper tells the heap tracker before the built-in writes, so the tracker can save what
 * is about to change.
 */
import type { HeapTracker } from './heap-tracker.js';
import { call } from './heap-objects.js';

/** Global symbol key of the barrier that canister bundles bind (the bundler's WRITE_BARRIER_SYMBOL). */
export const WRITE_BARRIER_SYMBOL = 'tincan.barrier';

type Fn = (this: unknown, ...args: unknown[]) => unknown;
/** Reflect.apply, captured at load, typed to return `unknown` (built-ins return anything). */
const apply: (
  fn: (...args: never[]) => unknown,
  self: unknown,
  args: ArrayLike<unknown>,
) => unknown = Reflect.apply;
const defineProperty = Object.defineProperty;
const { trunc, min, max } = Math;
const toNumber = Number;
const isView = ArrayBuffer.isView;

/** Whether a bundle registered its barrier (set by the bundle's prelude). */
export const barrierState = { registered: false };

/** The relative index `value` of a built-in like `fill(v, start, end)`, clamped to `[0, length]`. */
function relative(value: unknown, length: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = trunc(toNumber(value)) || 0;
  return n < 0 ? max(length + n, 0) : min(n, length);
}

/** Removes the barrier's global, claimed or not: once the bundle ran, nothing may claim it. */
export function withdrawBarrier(): void {
  delete (globalThis as unknown as Record<symbol, unknown>)[Symbol.for(WRITE_BARRIER_SYMBOL)];
}

/** Installs the barrier: the global the bundles bind and the wrappers of mutating built-ins. */
export function installWriteBarrier(tracker: HeapTracker): void {
  const wrap = (
    owner: object,
    key: string | symbol,
    mark: (self: unknown, a: unknown, b: unknown, c: unknown) => void,
  ): void => {
    const original = (owner as Record<string | symbol, unknown>)[key];
    if (typeof original !== 'function') return;
    const fn = original as Fn;
    const name = typeof key === 'string' ? key : String(key.description);
    // Fixed parameters and `arguments.length` rather than `Reflect.apply(fn, this, arguments)`
    // for up to three arguments: Candid and the heap code call these on every execution.
    const wrapper = {
      [name](this: unknown, a?: unknown, b?: unknown, c?: unknown): unknown {
        mark(this, a, b, c);
        const argc = arguments.length;
        // Forward exactly the arguments given: `splice(1)` and `splice(1, undefined)` differ.
        return argc === 0
          ? call(fn, this)
          : argc === 1
            ? call(fn, this, a)
            : argc === 2
              ? call(fn, this, a, b)
              : argc === 3
                ? call(fn, this, a, b, c)
                : apply(fn, this, arguments);
      },
    }[name] as Fn;
    define(owner, key, wrapper, fn.length);
  };
  const define = (owner: object, key: string | symbol, wrapper: Fn, length: number): void => {
    defineProperty(wrapper, 'length', { value: length });
    defineProperty(owner, key, {
      value: wrapper,
      writable: true,
      enumerable: false,
      configurable: true,
    });
  };
  const self = (s: unknown): void => void tracker.object(s);
  const first = (_s: unknown, a: unknown): void => void tracker.object(a);
  for (const key of ['set', 'delete', 'clear']) wrap(Map.prototype, key, self);
  for (const key of ['add', 'delete', 'clear']) wrap(Set.prototype, key, self);
  for (const key of ['pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin'])
    wrap(Array.prototype, key, self);
  // `push` and typed-array `set` run on every execution (Candid): wrappers of their own, so
  // each call site's feedback sees one built-in (closures of one literal share it).
  const push = Array.prototype.push as Fn;
  define(
    Array.prototype,
    'push',
    {
      push(this: unknown, a?: unknown): unknown {
        tracker.object(this);
        return arguments.length === 1 ? call(push, this, a) : apply(push, this, arguments);
      },
    }.push,
    push.length,
  );
  // The kernel's Date subclass inherits its setters from the built-in Date's prototype.
  let dateProto = Date.prototype as object | null;
  while (dateProto !== null && !Object.prototype.hasOwnProperty.call(dateProto, 'setTime'))
    dateProto = Object.getPrototypeOf(dateProto) as object | null;
  if (dateProto !== null)
    for (const key of Object.getOwnPropertyNames(dateProto))
      if (key.startsWith('set')) wrap(dateProto, key, self);

  const typedArray = Object.getPrototypeOf(Uint8Array.prototype) as object;
  const lengthOf = Object.getOwnPropertyDescriptor(typedArray, 'length')?.get as () => number;
  const len = (ta: unknown): number => {
    try {
      return call(lengthOf, ta) as number;
    } catch {
      return 0;
    }
  };
  const all = (s: unknown): void => {
    if (ArrayBuffer.isView(s)) tracker.markElements(s, 0, len(s));
  };
  const typedSet = (typedArray as { set: Fn }).set;
  define(
    typedArray,
    'set',
    {
      set(this: unknown, source?: unknown, offset?: unknown): unknown {
        if (tracker.bytesTracked() && isView(this)) {
          const n = len(this);
          const at = relative(offset, n, 0);
          const count =
            typeof source === 'object' && source !== null
              ? toNumber((source as { length?: unknown }).length) || 0
              : 0;
          tracker.markElements(this, at, min(at + count, n));
        }
        return call(typedSet, this, source, offset);
      },
    }.set,
    typedSet.length,
  );
  wrap(typedArray, 'fill', (s, _v, start, end) => {
    if (!ArrayBuffer.isView(s)) return;
    const n = len(s);
    tracker.markElements(s, relative(start, n, 0), relative(end, n, n));
  });
  wrap(typedArray, 'copyWithin', (s, target) => {
    if (!ArrayBuffer.isView(s)) return;
    const n = len(s);
    tracker.markElements(s, relative(target, n, 0), n);
  });
  for (const key of ['sort', 'reverse']) wrap(typedArray, key, all);

  const widths: Record<string, number> = {
    Int8: 1,
    Uint8: 1,
    Int16: 2,
    Uint16: 2,
    Int32: 4,
    Uint32: 4,
    Float32: 4,
    Float64: 8,
    BigInt64: 8,
    BigUint64: 8,
  };
  for (const [type, width] of Object.entries(widths)) {
    wrap(DataView.prototype, `set${type}`, (s, at) => {
      if (s instanceof DataView) tracker.dataView(s, at, width);
    });
  }
  for (const key of ['store', 'add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange']) {
    wrap(Atomics, key, (_s, ta, index) => {
      if (ArrayBuffer.isView(ta)) tracker.keyed(ta, index);
    });
  }

  wrap(Object, 'assign', first);
  wrap(Object, 'defineProperty', first);
  wrap(Object, 'defineProperties', first);
  wrap(Reflect, 'set', (_s, target, key) => tracker.keyed(target, key));
  wrap(Reflect, 'defineProperty', (_s, target, key) => tracker.keyed(target, key));
  wrap(Reflect, 'deleteProperty', (_s, target, key) => tracker.keyed(target, key));

  const key = Symbol.for(WRITE_BARRIER_SYMBOL);
  const barrier = Object.freeze({
    object: tracker.object,
    keyed: tracker.keyed,
    // One claim, by the prelude the replica put in front of the module: the global goes with
    // it, so code after the prelude reaches the barrier only through its rewritten writes.
    register: (): void => {
      if (barrierState.registered)
        throw new Error('a write barrier is already registered in this sandbox');
      barrierState.registered = true;
      withdrawBarrier();
    },
  });
  defineProperty(globalThis, key, {
    value: barrier,
    enumerable: false,
    writable: false,
    configurable: true,
  });
}
