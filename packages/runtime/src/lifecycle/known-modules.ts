/**
 * What an installer learned from the first install of a module, so later installs of the same
 * module can skip making a realm. A module's install without `@init` only evaluates the module
 * (constructing the canister instance) and commits the fresh heap. When that construction read
 * nothing of the canister's context (no time, caller, id, balance, log, stable map, timer, …),
 * it gives the same heap whenever it runs: `Math.random` is seeded from the canister's id, so
 * its stream starts the same at install as at a later first load. Such an install can record
 * the code and leave the realm, and the construction, to the canister's first message.
 */
import type { CanisterDescription } from '@tincan/abi';
import type { HostBridge } from '../kernel/host-bridge.js';

/** What the first install of a module showed. */
export interface KnownModule {
  readonly description: CanisterDescription;
  /** Bytes of the fresh heap that install committed. */
  readonly heapBytes: number;
  /** Whether evaluating the module and committing its fresh heap read nothing of the canister's context. */
  readonly contextFree: boolean;
}

/**
 * Bridge calls that do not make the fresh heap depend on the canister or the moment: the meter
 * and heap limits (they only decide whether the load traps, and a trapped load installs
 * nothing), the `Math.random` seed (a function of the canister id that gives the same stream at
 * install and at a later first load), text codecs, and traps.
 */
const NEUTRAL = new Set<string>([
  'randomSeed',
  'instructionBudget',
  'heapLimitBytes',
  'heapExhausted',
  'utf8Encode',
  'utf8Decode',
  'trap',
  'instructionLimitExceeded',
]);

/** Watches which bridge calls a module's first install makes. */
export class InstallProbe {
  /** Set by any bridge call outside {@link NEUTRAL} while the probe is on. */
  touched = false;
  /** Off once the install is over: the canister keeps its bridge, and later calls are its own business. */
  on = true;
  /** The bridge {@link wrap} wrapped, for the sandbox to get back once the install is over. */
  unwrapped: ProbedBridge | undefined;

  /** `bridge` with every non-neutral call noted while the probe is on. */
  wrap<B extends ProbedBridge>(bridge: B): B {
    this.unwrapped = bridge;
    const out: Record<string, unknown> = { ...(bridge as Record<string, unknown>) };
    for (const [key, value] of Object.entries(bridge)) {
      if (NEUTRAL.has(key) || typeof value !== 'function') continue;
      const fn = value as (...args: unknown[]) => unknown;
      out[key] = (...args: unknown[]): unknown => {
        if (this.on) this.touched = true;
        return fn(...args);
      };
    }
    return out as B;
  }
}

/** Modules remembered per installer, oldest first. */
const KNOWN_ENTRIES = 64;

/** Known modules by module hash (hex), bounded. */
export class KnownModules {
  readonly #entries = new Map<string, KnownModule>();

  get(hex: string): KnownModule | undefined {
    return this.#entries.get(hex);
  }

  has(hex: string): boolean {
    return this.#entries.has(hex);
  }

  remember(hex: string, known: KnownModule): void {
    this.#entries.delete(hex);
    this.#entries.set(hex, known);
    if (this.#entries.size > KNOWN_ENTRIES)
      this.#entries.delete(this.#entries.keys().next().value as string);
  }
}

/**
 * Whether an install of `known` may leave the realm to the first message: its construction is
 * context-free, and nothing must run at install (`@init`) or keep the canister loaded
 * (`@heartbeat`).
 */
export function deferrable(known: KnownModule): boolean {
  return (
    known.contextFree &&
    !known.description.methods.some((m) => m.mode === 'init' || m.mode === 'heartbeat')
  );
}

/** The type the probe wraps (for the installer's signature). */
export type ProbedBridge = Omit<HostBridge, 'opArg' | 'kernelReady'>;
