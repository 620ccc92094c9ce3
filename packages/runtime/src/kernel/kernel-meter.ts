/**
 * The kernel's side of the execution meter. The bundle's meter (a counter in the canister's
 * own scope, see @tincan/bundler) spends; the kernel hands it the execution's budget in
 * slices, checks the process heap between slices, charges work done for canister code by
 * built-ins and the system API, and answers `performanceCounter`.
 */
import type { Meter } from '@tincan/abi';
import { host } from './install-globals.js';

/**
 * Units the meter gets at a time (about 3 ms of a tight loop). Between slices the kernel
 * (unmetered) checks the process heap, so an execution that allocates without end traps
 * before it can exhaust the replica's memory. Smaller slices cost hot loops dearly: V8's
 * optimized code slows down when the refill branch is taken often (2.4× instead of 1.4× on a
 * prime sieve with 4M-unit slices).
 */
const SLICE_UNITS = 1 << 26;

/** Units spent by the executions of one call context so far (for `performanceCounter(1)`). */
interface ContextUnits {
  units: number;
}

/** Budget, slices and counters of the sandbox's current execution. */
export class KernelMeter {
  #meter: Meter | undefined;
  /** The current execution's whole budget. */
  #budget = 0;
  /** Budget not yet handed to the meter. */
  #unissued = 0;
  /** Whether canister code of an execution is running, so that its work is charged. */
  #active = false;
  /** What the last execution spent, fixed when it stopped. */
  #lastSpent = 0;
  /** The canister's heap limit, read as each execution starts. */
  #heapLimit = Infinity;
  /** Bytes the current execution's built-in calls said they would allocate. */
  #allocated = 0;
  /** Call context of the current execution, and of each call awaiting its response. */
  #context: ContextUnits = { units: 0 };
  readonly #callContexts = new Map<number, ContextUnits>();

  /** Whether canister code of an execution is running, so that its work is charged. */
  get charging(): boolean {
    return this.#active;
  }

  /** Whether the bundle registered its meter. */
  get registered(): boolean {
    return this.#meter !== undefined;
  }

  /** Takes the bundle's meter; the prelude registers before any canister code runs. */
  register(meter: Meter): void {
    // A later registration is canister code trying to swap in a meter that never runs out.
    if (this.#meter !== undefined) throw new Error('a meter is already registered in this sandbox');
    this.#meter = meter;
    this.start();
  }

  /**
   * Starts an execution with a fresh budget: of a new call context, or, with `callId`, of the
   * call context that made that call (a response callback).
   */
  start(callId?: number): void {
    this.stop();
    this.#budget = host.instructionBudget();
    this.#heapLimit = host.heapLimitBytes();
    this.#allocated = 0;
    this.#unissued = this.#budget;
    this.#meter?.reset(this.#issue());
    const context = callId === undefined ? undefined : this.#callContexts.get(callId);
    if (callId !== undefined) this.#callContexts.delete(callId);
    this.#context = context ?? { units: 0 };
    this.#active = true;
  }

  /** Ends the current execution (if one runs): its units count towards its call context. */
  stop(): void {
    if (!this.#active) return;
    this.#lastSpent = this.#spentNow();
    this.#active = false;
    this.#context.units += this.#lastSpent;
  }

  /**
   * Ends the current execution and gives the bundle's meter `units` for the CDK's bookkeeping
   * that the kernel drives after it (forgetting unsent calls, undoing guards on rollback): that
   * code is metered too, and the execution may have spent its whole budget.
   */
  allowBookkeeping(units: number): void {
    this.stop();
    this.#unissued = 0;
    this.#meter?.reset(units);
  }

  /** The meter's next slice, or 0 (with the trap recorded) when the execution must stop. */
  refill(): number {
    if (host.heapExhausted()) {
      host.trap(
        'memory-limit',
        'heap memory limit exceeded: the replica process is nearly out of memory',
      );
      return 0;
    }
    if (this.#unissued <= 0) {
      host.instructionLimitExceeded();
      return 0;
    }
    return this.#issue();
  }

  /** The canister's heap limit in bytes. */
  get heapLimit(): number {
    return this.#heapLimit;
  }

  /**
   * Counts `bytes` that a built-in is about to allocate for running canister code (a `fill` of
   * a sparse array, a string `repeat`). Past the canister's heap limit the execution traps
   * before the allocation happens, so it never takes the process' memory with it.
   */
  allocate(bytes: number): void {
    if (!this.#active) return;
    this.#allocated += bytes;
    if (this.#allocated <= this.#heapLimit) return;
    const message = `heap memory limit exceeded: Canister exceeded its heap memory limit of ${this.#heapLimit} bytes (this execution would allocate ${this.#allocated} bytes)`;
    host.trap('memory-limit', message);
    throw new RangeError(message);
  }

  /** Spends `units` for work done on behalf of running canister code; no-op between executions. */
  charge(units: number): void {
    if (this.#active && units > 0) this.#meter?.charge(units);
  }

  /** Units spent so far by the current (or, between executions, the last) execution. */
  spent(): number {
    return this.#active ? this.#spentNow() : this.#lastSpent;
  }

  #spentNow(): number {
    let remaining: number;
    try {
      remaining = this.#meter?.remaining() ?? 0;
    } catch {
      // The meter is canister-bundle code: an exhausted one may throw.
      remaining = 0;
    }
    return Math.max(0, this.#budget - this.#unissued - Math.max(0, remaining));
  }

  /** `performanceCounter(type)`: 0 for this execution, 1 for its whole call context so far. */
  counter(type: number): bigint {
    const spent = this.spent();
    return BigInt(type === 1 ? this.#context.units + spent : spent);
  }

  /** Remembers that call `callId` belongs to the current call context. */
  callMade(callId: number): void {
    this.#callContexts.set(callId, this.#context);
  }

  /** Drops calls that were never sent (their execution trapped). */
  callsForgotten(callIds: readonly number[]): void {
    for (const id of callIds) this.#callContexts.delete(id);
  }

  #issue(): number {
    const slice = Math.min(SLICE_UNITS, this.#unissued);
    this.#unissued -= slice;
    return slice;
  }
}
