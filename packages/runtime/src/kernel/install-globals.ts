/**
 * First module of the kernel bundle: captures the host bridge and makes the sandbox's globals
 * deterministic (replica time for `Date`, a seeded `Math.random`) before any other module,
 * cbor-x included, reads them. Imported for its side effects only, and first.
 */
import { HOST_BRIDGE_GLOBAL, type HostBridge } from './host-bridge.js';

const g = globalThis as unknown as Record<string, unknown>;
/** The host bridge; no other code in the sandbox can see it after this module ran. */
export const host = g[HOST_BRIDGE_GLOBAL] as HostBridge;
delete g[HOST_BRIDGE_GLOBAL];

/** Copies a host-realm byte array into this realm, so no host object leaks to canister code. */
export function local(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** Runs a host function, turning a host-realm error into a local one. */
export function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const message =
      typeof err === 'object' && err !== null && 'message' in err
        ? String(err.message)
        : String(err);
    throw new Error(message);
  }
}

// --- Math.random: sfc32, seeded per canister, state kept in the heap snapshot. ---
const prng: [number, number, number, number] = [0, 0, 0, 0];
/** The PRNG state words; persisted and rolled back with the heap. */
export const prngState = {
  get(): [number, number, number, number] {
    return [prng[0], prng[1], prng[2], prng[3]];
  },
  set(words: readonly number[]): void {
    for (let i = 0; i < 4; i++) prng[i] = (words[i] ?? 0) >>> 0;
  },
};
prngState.set(host.randomSeed());
Math.random = function random(): number {
  let [a, b, c, d] = prng;
  const t = (((a + b) >>> 0) + d) >>> 0;
  d = (d + 1) >>> 0;
  a = b ^ (b >>> 9);
  b = (c + (c << 3)) >>> 0;
  c = ((c << 21) | (c >>> 11)) >>> 0;
  c = (c + t) >>> 0;
  prng[0] = a;
  prng[1] = b;
  prng[2] = c;
  prng[3] = d;
  return t / 4294967296;
};

// --- Date: `new Date()` and `Date.now()` read replica time, constant within an execution. ---
const HostDate = Date;
function nowMs(): number {
  return Number(host.time() / 1_000_000n);
}
class ReplicaDate extends HostDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(nowMs());
    else super(...(args as [string]));
  }
  static override now(): number {
    return nowMs();
  }
}
g.Date = ReplicaDate;

// --- Text codecs: the sandbox has no TextEncoder; @dfinity/candid and cbor-x need one. ---
// Short ASCII strings (keys, JSON, method names) are the common case: they stay in the realm.
// Anything else crosses to the host's UTF-8 codec once.
const ASCII_LIMIT = 1024;
class LocalTextEncoder {
  readonly encoding = 'utf-8';
  encode(text = ''): Uint8Array {
    const s = String(text);
    if (s.length <= ASCII_LIMIT) {
      const out = new Uint8Array(s.length);
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        out[i] = c;
      }
      if (i === s.length) return out;
    }
    return local(host.utf8Encode(s));
  }
}
class LocalTextDecoder {
  readonly encoding = 'utf-8';
  decode(bytes?: ArrayBuffer | ArrayBufferView): string {
    if (bytes === undefined) return '';
    const view =
      bytes instanceof ArrayBuffer
        ? new Uint8Array(bytes)
        : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.length <= ASCII_LIMIT) {
      let ascii = true;
      for (let i = 0; i < view.length; i++)
        if ((view[i] as number) > 0x7f) {
          ascii = false;
          break;
        }
      if (ascii) return String.fromCharCode.apply(null, view as unknown as number[]);
    }
    return host.utf8Decode(view);
  }
}
g.TextEncoder = LocalTextEncoder;
g.TextDecoder = LocalTextDecoder;

// --- console: goes to the canister log, like ic0.debug_print. ---
function format(args: unknown[]): string {
  return args
    .map((a) => {
      if (typeof a === 'string') return a;
      if (typeof a === 'bigint') return `${a}n`;
      if (a instanceof Error) return a.stack ?? a.message;
      try {
        return (
          JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(a)
        );
      } catch {
        return String(a);
      }
    })
    .join(' ');
}
const print = (...args: unknown[]): void => host.debugPrint(format(args));
g.console = { log: print, info: print, warn: print, error: print, debug: print, trace: print };
g.queueMicrotask = (fn: () => void): void => {
  void Promise.resolve().then(fn);
};

// --- Nondeterministic built-ins: inert or unavailable. ---
// Garbage collection and other threads are not part of an execution: a finalizer would run
// between executions, unmetered (and a throw in it would reach the host), and `deref` would
// answer differently from run to run. A WeakRef here holds its target; a finalizer never runs.
class InertWeakRef<T extends object> {
  readonly #target: T;
  constructor(target: T) {
    if ((typeof target !== 'object' && typeof target !== 'function') || target === null)
      throw new TypeError('WeakRef: target must be an object');
    this.#target = target;
  }
  deref(): T {
    return this.#target;
  }
}
class InertFinalizationRegistry {
  constructor(cleanup: unknown) {
    if (typeof cleanup !== 'function')
      throw new TypeError('FinalizationRegistry: cleanup must be callable');
  }
  register(): void {}
  unregister(): boolean {
    return false;
  }
}
for (const [name, value] of [
  ['WeakRef', InertWeakRef],
  ['FinalizationRegistry', InertFinalizationRegistry],
] as const) {
  Object.defineProperty(g, name, { value, writable: true, enumerable: false, configurable: true });
}
// An execution never blocks: there is no other thread to wake it, only the clock.
for (const name of ['wait', 'waitAsync']) {
  Object.defineProperty(Atomics, name, {
    value: function blocked(): never {
      throw new TypeError(`Atomics.${name} cannot be called in a canister: executions never block`);
    },
    writable: true,
    enumerable: false,
    configurable: true,
  });
}
// Node formats a stack trace lazily, when something first reads it, with the `prepareStackTrace`
// of the realm's global `Error`. Canister code must not get to run there (outside its execution,
// unmetered), so both are fixed; an assignment to `Error.prepareStackTrace` is ignored.
Object.defineProperty(Error, 'prepareStackTrace', {
  get: () => undefined,
  set: () => undefined,
  enumerable: false,
  configurable: false,
});
Object.defineProperty(g, 'Error', {
  value: Error,
  writable: false,
  enumerable: false,
  configurable: false,
});
