/**
 * Charges built-ins that can do large work in one call by the size of that work: a sort of a
 * million elements costs what a million-element sort would cost in Wasm, not one call. The
 * bundle's static weights only see the call site. Built-ins whose callbacks do the work
 * (`map`, `forEach`, `reduce`, …) need no charge: each callback call spends its own units.
 *
 * Costs are per element (or character, or byte), in the same unit as the static weights:
 * about the Wasm instructions a native loop over that many items takes. Charges under
 * {@link MIN_CHARGE} are skipped: the call site's static weight already covers them, and
 * the common small calls stay cheap. What is not charged is listed in ARCHITECTURE.md.
 */

/** Where the charges go. */
export interface ChargeTarget {
  /** Whether canister code is running (between executions, nothing is charged or even weighed). */
  readonly charging: boolean;
  charge(units: number): void;
  /** Counts bytes a built-in is about to allocate; throws (a trap) past the canister's heap limit. */
  allocate(bytes: number): void;
}

// Captured now: canister code may replace the globals later, and the wrappers must not call it.
/** Reflect.apply, captured at load, typed to return `unknown` (built-ins return anything). */
const apply: (
  fn: (...args: never[]) => unknown,
  self: unknown,
  args: ArrayLike<unknown>,
) => unknown = Reflect.apply;
/** `call(fn, self, ...args)`: Function.prototype.call, uncurried, immune to canister changes. */
const call = Function.prototype.call.bind(Function.prototype.call) as (
  fn: Fn,
  self: unknown,
  ...args: unknown[]
) => unknown;
const { ceil, log2, max } = Math;
const toNumber = Number;
const defineProperty = Object.defineProperty;

/** Below this, a built-in's own work is left to the call site's static weight. */
const MIN_CHARGE = 64;

type Fn = (this: unknown, ...args: unknown[]) => unknown;
/** Units a call costs, from its receiver, first argument, argument count and (after) result. */
type Cost = (self: unknown, first: unknown, argc: number, result?: unknown) => number;

const len = (v: unknown): number => {
  if (typeof v === 'string') return v.length;
  if (typeof v === 'object' && v !== null) {
    const n = (v as { length?: unknown }).length;
    return typeof n === 'number' && n > 0 ? n : 0;
  }
  return 0;
};
const nlogn = (n: number): number => n * ceil(log2(n + 1));
const count = (v: unknown): number => max(0, toNumber(v) || 0);

/** Allocations below this are left to the heap checks between budget slices. */
const MIN_ALLOCATION_BYTES = 1 << 20;
/** Bytes per array element, per string character (strings may be two-byte). */
const ELEMENT_BYTES = 8;
const CHAR_BYTES = 2;

/** Per-item costs. */
const SCAN = 2;
const COPY = 4;
const COMPARE = 20;
const PARSE = 8;

/** Installs the charges into this realm's built-ins. Called once, before canister code runs. */
export function installBuiltinCharges(target: ChargeTarget): void {
  const wrap = (owner: object, key: string, before: Cost | undefined, after?: Cost): void => {
    const original = (owner as Record<string, unknown>)[key];
    if (typeof original !== 'function') return;
    const fn = original as Fn;
    // A method (not a constructor), like the built-in it stands for. Fixed parameters and
    // `arguments.length` instead of a rest array: these wrappers sit on hot paths (the CDK's
    // Candid and the kernel's heap walk), and a rest array per call is garbage per call.
    const wrapper = {
      [key](this: unknown, a?: unknown, b?: unknown, c?: unknown): unknown {
        const argc = arguments.length;
        const charging = target.charging;
        if (charging && before !== undefined) {
          const units = before(this, a, argc);
          if (units >= MIN_CHARGE) target.charge(units);
        }
        // Forward exactly the arguments given: `splice(1)` and `splice(1, undefined)` differ.
        const result =
          argc === 0
            ? call(fn, this)
            : argc === 1
              ? call(fn, this, a)
              : argc === 2
                ? call(fn, this, a, b)
                : argc === 3
                  ? call(fn, this, a, b, c)
                  : apply(fn, this, arguments);
        if (charging && after !== undefined) {
          const units = after(this, a, argc, result);
          if (units >= MIN_CHARGE) target.charge(units);
        }
        return result;
      },
    }[key] as Fn;
    defineProperty(wrapper, 'length', { value: fn.length });
    defineProperty(owner, key, {
      value: wrapper,
      writable: true,
      enumerable: false,
      configurable: true,
    });
  };
  const receiver =
    (perItem: number): Cost =>
    (self) =>
      len(self) * perItem;
  /** `cost`, after counting the bytes the call will allocate: it traps before, not after, the allocation. */
  const allocating =
    (bytes: (self: unknown, first: unknown) => number, cost: Cost): Cost =>
    (self, first, argc) => {
      const n = bytes(self, first);
      if (n >= MIN_ALLOCATION_BYTES) target.allocate(n);
      return cost(self, first, argc);
    };
  const byteLength = (self: unknown): number => {
    const n =
      typeof self === 'object' && self !== null ? (self as { byteLength?: unknown }).byteLength : 0;
    return typeof n === 'number' ? n : 0;
  };
  const result =
    (perItem: number): Cost =>
    (_self, _first, _argc, out) =>
      len(out) * perItem;
  const sorted: Cost = (self) => nlogn(len(self)) * COMPARE;

  installHotCharges(target);

  const array = Array.prototype;
  wrap(array, 'sort', sorted);
  wrap(array, 'toSorted', sorted);
  for (const key of ['indexOf', 'lastIndexOf', 'includes']) wrap(array, key, receiver(SCAN));
  for (const key of ['reverse', 'copyWithin', 'splice', 'unshift'])
    wrap(array, key, receiver(COPY));
  // `new Array(n)` is sparse and costs nothing; filling it allocates every element.
  wrap(
    array,
    'fill',
    allocating((self) => len(self) * ELEMENT_BYTES, receiver(COPY)),
  );
  for (const key of ['concat', 'flat', 'toReversed', 'toSpliced', 'with'])
    wrap(array, key, undefined, result(COPY));
  wrap(
    Array,
    'from',
    allocating(
      (_self, first) => len(first) * ELEMENT_BYTES,
      () => 0,
    ),
    result(COPY),
  );

  const typed = Object.getPrototypeOf(Uint8Array.prototype) as object;
  wrap(typed, 'sort', (self) => nlogn(len(self)) * COPY);
  wrap(typed, 'toSorted', (self) => nlogn(len(self)) * COPY);
  for (const key of [
    'copyWithin',
    'reverse',
    'indexOf',
    'lastIndexOf',
    'includes',
    'toReversed',
    'with',
  ])
    wrap(typed, key, receiver(1));
  // A new typed array's memory is reserved, not touched: filling it makes it real.
  wrap(typed, 'fill', allocating(byteLength, receiver(1)));

  const string = String.prototype;
  wrap(
    string,
    'repeat',
    allocating(
      (self, first) => len(self) * count(first) * CHAR_BYTES,
      (self, first) => len(self) * count(first),
    ),
  );
  for (const key of ['padStart', 'padEnd'])
    wrap(
      string,
      key,
      allocating(
        (_self, first) => count(first) * CHAR_BYTES,
        (_self, first) => count(first),
      ),
    );
  for (const key of [
    'indexOf',
    'lastIndexOf',
    'includes',
    'toLowerCase',
    'toUpperCase',
    'normalize',
    'trim',
    'localeCompare',
  ])
    wrap(string, key, receiver(1));
  for (const key of ['replace', 'replaceAll', 'match', 'matchAll', 'search'])
    wrap(string, key, receiver(SCAN), result(1));
  wrap(string, 'split', receiver(1), result(COMPARE));
  wrap(string, 'concat', undefined, result(1));
  for (const key of ['fromCharCode', 'fromCodePoint'])
    wrap(String, key, (_self, _first, argc) => argc * SCAN);

  wrap(JSON, 'stringify', undefined, result(SCAN));
  wrap(JSON, 'parse', (_self, first) => len(first) * PARSE);
  for (const key of ['values', 'entries']) wrap(Object, key, undefined, result(COPY));

  wrap(TextEncoder.prototype, 'encode', (_self, first) => len(first));
  wrap(TextDecoder.prototype, 'decode', (_self, first) => {
    const bytes = first as { byteLength?: unknown } | undefined;
    return typeof bytes?.byteLength === 'number' ? bytes.byteLength : 0;
  });
}

/** Charges `units` if they reach {@link MIN_CHARGE}. */
function chargeAtLeastMin(target: ChargeTarget, units: number): void {
  if (units >= MIN_CHARGE) target.charge(units);
}

/**
 * The built-ins every execution calls several times (the heap walk's `Object.keys`, Candid's
 * typed-array `set` and `slice`, `join`) get wrappers of their own, with the same costs as
 * the shared wrapper would charge. Closures of one function literal share V8's call-site
 * feedback, so the shared wrapper's calls see every built-in it stands for and stay generic;
 * each of these sees one. Their arguments are forwarded as a fixed pair: for these built-ins
 * an absent argument and `undefined` mean the same.
 */
function installHotCharges(target: ChargeTarget): void {
  const define = (owner: object, fn: Fn, length: number): void => {
    defineProperty(fn, 'length', { value: length });
    defineProperty(owner, fn.name, {
      value: fn,
      writable: true,
      enumerable: false,
      configurable: true,
    });
  };
  const keys = Object.keys;
  define(
    Object,
    {
      keys(o: unknown): string[] {
        const out = keys(o as object);
        if (target.charging) chargeAtLeastMin(target, out.length * COPY);
        return out;
      },
    }.keys,
    1,
  );

  const typed = Object.getPrototypeOf(Uint8Array.prototype) as Record<string, Fn>;
  const typedSet = typed.set as Fn;
  const typedSlice = typed.slice as Fn;
  const typedJoin = typed.join as Fn;
  define(
    typed,
    {
      set(this: unknown, source?: unknown, offset?: unknown): unknown {
        if (target.charging) chargeAtLeastMin(target, len(source));
        return call(typedSet, this, source, offset);
      },
    }.set,
    1,
  );
  define(
    typed,
    {
      slice(this: unknown, start?: unknown, end?: unknown): unknown {
        const out = call(typedSlice, this, start, end);
        if (target.charging) chargeAtLeastMin(target, len(out));
        return out;
      },
    }.slice,
    2,
  );
  define(
    typed,
    {
      join(this: unknown, separator?: unknown): unknown {
        const charging = target.charging;
        if (charging) chargeAtLeastMin(target, len(this) * COPY);
        const out = call(typedJoin, this, separator);
        if (charging) chargeAtLeastMin(target, len(out));
        return out;
      },
    }.join,
    1,
  );

  const array = Array.prototype as unknown as Record<string, Fn>;
  const arraySlice = array.slice as Fn;
  const arrayJoin = array.join as Fn;
  define(
    array,
    {
      slice(this: unknown, start?: unknown, end?: unknown): unknown {
        const out = call(arraySlice, this, start, end);
        if (target.charging) chargeAtLeastMin(target, len(out) * COPY);
        return out;
      },
    }.slice,
    2,
  );
  define(
    array,
    {
      join(this: unknown, separator?: unknown): unknown {
        const charging = target.charging;
        if (charging) {
          const n = len(this);
          chargeAtLeastMin(target, n * COPY);
          // At least one separator between elements: a lower bound of the result's size.
          const bytes = n * (typeof separator === 'string' ? separator.length : 1) * CHAR_BYTES;
          if (bytes >= MIN_ALLOCATION_BYTES) target.allocate(bytes);
        }
        const out = call(arrayJoin, this, separator);
        if (charging) chargeAtLeastMin(target, len(out));
        return out;
      },
    }.join,
    1,
  );
}
