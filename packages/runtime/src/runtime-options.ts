/**
 * What a host passes to `Runtime.open`: the store, clock, kernel and seed it wires in, and the
 * policies and limits it may override. Its own module so that the runtime's wiring
 * (runtime-parts.ts) can read it without importing the `Runtime` class.
 */
import type { LogLine } from './canisters/canister-actor.js';
import type { Clock } from './scheduling/clock.js';
import type { CycleFees } from './cycles/cycles.js';
import type { ExecutionInfo } from './execution/executor.js';
import type { InstructionLimits } from './execution/instruction-limits.js';
import type { CallLimits } from './calls/limits.js';
import type { CompiledKernel, WallClockLimits } from './sandbox/sandbox.js';
import type { PrepareModule } from './lifecycle/installer.js';
import type { SchedulerPolicy } from './scheduling/scheduler-policy.js';
import type { LoadShedding } from './calls/shedding.js';
import type { StateStore } from './state/state-store.js';
import type { SystemCanister } from './calls/system-canister.js';
import type { TraceSink } from './execution/trace.js';

/** Options of a runtime. */
export interface RuntimeOptions {
  readonly store: StateStore;
  readonly clock: Clock;
  readonly kernel: CompiledKernel;
  /**
   * Turns an installed module's source into the script its sandbox runs: instruments it with
   * the execution meter (the replica passes @tincan/bundler's `prepareCanisterModule`). Every
   * module is prepared by the runtime's host, never trusted as uploaded.
   */
  readonly prepareModule: PrepareModule;
  /** Replica seed; every canister's `Math.random` stream derives from it and its id. */
  readonly seed: Uint8Array;
  readonly scheduler?: SchedulerPolicy;
  /** Execution budgets in tincan's unit (loop iterations and calls); ICP-like defaults. */
  readonly instructionLimits?: Partial<InstructionLimits>;
  /**
   * Heap limit per canister in bytes (512 MiB by default; a canister's `wasm_memory_limit` may
   * lower it). An execution whose built-ins would allocate past it, or whose heap holds more
   * in byte arrays, traps with "heap memory limit exceeded".
   */
  readonly heapLimitBytes?: number;
  /**
   * Most canisters kept loaded (hibernation). Past it, the least recently used canisters with
   * no open call context, outstanding call, timer or heartbeat are unloaded after a batch
   * commits, and reloaded from the store on their next message. Undefined: no limit.
   */
  readonly maxLoadedCanisters?: number;
  /**
   * The wall-clock backstop: a guard (the host's watchdog) and its limits. Every sandbox op
   * runs under it; an overrun traps that execution. Undefined: no backstop. It stands outside
   * the deterministic semantics, which the instruction limits define.
   */
  readonly wallClock?: WallClockLimits;
  /** Lines kept per canister log. */
  readonly logLimit?: number;
  /** Receives every canister log line. */
  readonly onLog?: (canisterId: Uint8Array, line: LogLine) => void;
  /** Receives a record of every execution (debug logging): canister, method, kind, units, outcome. */
  readonly onExecution?: (info: ExecutionInfo) => void;
  /**
   * Receives a trace of every execution (what started it, its outcome, units, cycles, calls,
   * timers, stable writes, heap bytes, argument and answer). Unset: no trace is built.
   */
  readonly traceSink?: TraceSink;
  /** The management canister (`aaaaa-aa`): receives every request addressed to the empty principal. */
  readonly systemCanister?: SystemCanister;
  /** Queue capacity, payload limits, call depth, timeout cap; ICP's defaults. */
  readonly callLimits?: Partial<CallLimits>;
  /** What executions, calls and ingress cost; ICP's 13-node fees by default, `ZERO_FEES` for none. */
  readonly fees?: CycleFees;
  /** Seeded dropping of bounded-wait requests and responses; off by default. */
  readonly loadShedding?: LoadShedding;
}
