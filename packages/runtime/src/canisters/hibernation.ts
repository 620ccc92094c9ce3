/**
 * Hibernation: at most `maxLoaded` canisters keep a realm. Once a batch has committed, the
 * canisters used least recently beyond that limit are unloaded, if nothing of theirs lives only
 * in their realm: no open call context, no outstanding call, no timer, no heartbeat, no
 * execution running. Their committed state is all in the store, the `Math.random` state
 * included, so the next message reloads them transparently (as a restart would).
 */
import type { CanisterActor } from './canister-actor.js';

/** What hibernation asks of the runtime. */
export interface HibernationDeps {
  /** At most this many canisters stay loaded (undefined: no limit). */
  readonly maxLoaded: number | undefined;
  /** Whether the canister's module has a heartbeat (so it must stay loaded). */
  readonly hasHeartbeat: (actor: CanisterActor) => boolean;
}

/** The loaded canisters, least recently used first. */
export class Hibernation {
  readonly #deps: HibernationDeps;
  readonly #loaded = new Map<CanisterActor, true>();
  /**
   * The canister marked used last (the newest entry of the order), if still in it: a hot
   * canister's next message then skips moving it, a delete and an insert per message.
   */
  #newest: CanisterActor | undefined;
  /** Canisters unloaded so far (for tests and benchmarks). */
  unloaded = 0;

  constructor(deps: HibernationDeps) {
    this.#deps = deps;
  }

  /** Marks a loaded canister used now. */
  used(actor: CanisterActor): void {
    if (this.#deps.maxLoaded === undefined || actor === this.#newest) return;
    this.#loaded.delete(actor);
    this.#loaded.set(actor, true);
    this.#newest = actor;
  }

  /** Unloads the least recently used canisters that may go, down to the limit. Call after a commit. */
  settle(): void {
    const max = this.#deps.maxLoaded;
    if (max === undefined || this.#loaded.size <= max) return;
    let excess = this.#loaded.size - max;
    for (const actor of this.#loaded.keys()) {
      if (excess <= 0) break;
      // Whatever leaves the order below is no longer its newest entry.
      if (actor === this.#newest) this.#newest = undefined;
      if (actor.sandbox === undefined) {
        // Unloaded meanwhile (uninstalled, reinstalled, dropped after a failed rollback).
        this.#loaded.delete(actor);
        excess--;
        continue;
      }
      if (!this.#mayUnload(actor)) continue;
      actor.sandbox = undefined;
      this.#loaded.delete(actor);
      this.unloaded++;
      excess--;
    }
  }

  #mayUnload(actor: CanisterActor): boolean {
    return (
      actor.current === undefined &&
      actor.contexts.size === 0 &&
      actor.callbacks.size === 0 &&
      actor.timers.size === 0 &&
      !this.#deps.hasHeartbeat(actor)
    );
  }
}
