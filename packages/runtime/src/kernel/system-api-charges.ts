/**
 * Charges system API calls, as ICP charges `ic0` calls: a fixed cost per call, more for the
 * expensive ones, plus one unit per byte (or character) that crosses the boundary either way.
 * Wraps every function of the system API, so APIs added later are charged too.
 */
import type { SystemApi } from '@tincan/abi';
import type { KernelMeter } from './kernel-meter.js';

/** Reflect.apply, captured at load, typed to return `unknown` (built-ins return anything). */
const apply: (
  fn: (...args: never[]) => unknown,
  self: unknown,
  args: ArrayLike<unknown>,
) => unknown = Reflect.apply;

/** Fixed cost of any system API call. */
const CALL_UNITS = 50;
/** Extra fixed costs of the expensive calls. */
const EXTRA_UNITS: Readonly<Record<string, number>> = {
  callPerform: 5_000,
  debugPrint: 100,
  stableMapGet: 2_000,
  stableMapInsert: 4_000,
  stableMapRemove: 4_000,
  stableMapContains: 2_000,
  stableMapRange: 2_000,
};
/** The meter's own calls: free, so that reading the counter does not move it. */
const FREE = new Set(['performanceCounter']);

/** Bytes or characters in a value crossing the system API. */
function sizeOf(value: unknown): number {
  if (typeof value !== 'object' || value === null)
    return typeof value === 'string' ? value.length : 0;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) {
    let n = 0;
    for (let i = 0; i < value.length; i++) n += sizeOf(value[i]);
    return n;
  }
  return 0;
}

/** The system API with every call charged to `meter`; `callPerform` also records its context. */
export function chargedSystemApi(api: SystemApi, meter: KernelMeter): SystemApi {
  const charged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(api)) {
    if (typeof value !== 'function' || FREE.has(key)) {
      charged[key] = value;
      continue;
    }
    const fn = value as (...args: unknown[]) => unknown;
    const fixed = CALL_UNITS + (EXTRA_UNITS[key] ?? 0);
    const isCall = key === 'callPerform';
    // Fixed parameters, not a rest array: every system call of every execution passes here.
    charged[key] = function (a?: unknown, b?: unknown, c?: unknown, d?: unknown): unknown {
      const argc = arguments.length;
      // Forward exactly the arguments given, so optional parameters stay absent.
      const result =
        argc === 0
          ? fn()
          : argc === 1
            ? fn(a)
            : argc === 2
              ? fn(a, b)
              : argc === 3
                ? fn(a, b, c)
                : argc === 4
                  ? fn(a, b, c, d)
                  : apply(fn, undefined, arguments);
      // One charge after the call, for what went in and what came out. A call that throws (a
      // trap) is not charged: its execution ends anyway.
      meter.charge(fixed + sizeOf(a) + sizeOf(b) + sizeOf(c) + sizeOf(d) + sizeOf(result));
      if (isCall && typeof result === 'number') meter.callMade(result);
      return result;
    };
  }
  return Object.freeze(charged) as unknown as SystemApi;
}
