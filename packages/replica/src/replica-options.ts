/** Options and handles of the in-process `Replica`. */
import type { Principal } from '@dfinity/principal';
import type { TraceOptions } from './traces/traces.js';
import type {
  CallLimits,
  CanisterSettings,
  Clock,
  CycleFees,
  ExecutionInfo,
  InstructionLimits,
  LoadShedding,
  LogLine,
  PrepareModule,
  SchedulerPolicy,
  SubnetRouting,
} from '@tincan/runtime';

/** Which canister ids a subnet of several hosts. */
export interface SubnetHosting {
  readonly id: Principal;
  readonly hosts: (canisterId: Uint8Array) => boolean;
}

/** Wall-clock limits of the backstop, in milliseconds. */
export interface WallClockLimitsMs {
  readonly updateMs: number;
  readonly queryMs: number;
}

/** The backstop's default limits: far above what the instruction limits let real code run. */
export const DEFAULT_WALL_CLOCK_LIMITS: WallClockLimitsMs = { updateMs: 5_000, queryMs: 1_000 };

/** Options of `Replica.create`. */
export interface ReplicaOptions {
  /** Directory of the replica's state; omit for an in-memory replica. */
  readonly stateDir?: string;
  /**
   * Start from a checkpoint written by `Replica.checkpoint`: a fork. The checkpoint file
   * is copied (into a new `stateDir`) or loaded into memory; it is never modified.
   */
  readonly fromCheckpoint?: string;
  /** Clock; defaults to the wall clock. Pass a `ManualClock` for deterministic tests. */
  readonly clock?: Clock;
  /** Scheduling policy; defaults to FIFO. `seededPolicy(seed)` explores interleavings. */
  readonly scheduler?: SchedulerPolicy;
  /** Replica seed (canisters' `Math.random`); random on first creation, then persisted. */
  readonly seed?: Uint8Array;
  /**
   * The wall-clock backstop, on by default: an execution still running after `updateMs`
   * (updates, callbacks, timers, install; 5,000) or `queryMs` (queries, inspect_message; 1,000)
   * traps with `execution timed out after N ms`. It catches what the instruction meter cannot
   * see (engine-internal loops, allocation, `Atomics.wait`); `false` turns it off.
   */
  readonly wallClockLimits?: Partial<WallClockLimitsMs> | false;
  /**
   * Heap limit per canister in bytes; 512 MiB by default (a canister's `wasm_memory_limit` may
   * lower it). Built-ins that would allocate past it, and heaps holding more in byte arrays,
   * trap with "heap memory limit exceeded".
   */
  readonly heapLimitBytes?: number;
  /**
   * Most canisters kept loaded; past it, idle canisters (no open call context, outstanding
   * call, timer or heartbeat) are unloaded and reload transparently on their next message.
   * 1,000 by default; `Infinity` for no limit.
   */
  readonly maxLoadedCanisters?: number;
  /** Receives every canister log line. */
  readonly onLog?: (canisterId: Principal, line: LogLine) => void;
  /** Receives a record of every execution: canister, method, kind, units spent, outcome. */
  readonly onExecution?: (info: ExecutionInfo) => void;
  /**
   * Execution traces (call trees, outcomes, units, cycles) kept in SQLite (`traces.sqlite` in the
   * state directory, or in memory), the last `limit` executions (10,000 by default); off unless set.
   */
  readonly traces?: boolean | TraceOptions;
  /** Execution budgets in tincan's instruction unit; ICP's limits by default. */
  readonly instructionLimits?: Partial<InstructionLimits>;
  /**
   * Call limits; ICP's defaults: queue capacity 500 per sender→callee pair, 2 MiB ingress,
   * 10 MiB call arguments (one subnet), 2 MiB replies, call depth 256, timeout cap 300 s.
   */
  readonly callLimits?: Partial<CallLimits>;
  /** Cycle fees; ICP's 13-node fees by default (`ICP_13_NODE_FEES`); `ZERO_FEES` charges nothing. */
  readonly fees?: CycleFees;
  /** Seeded dropping of bounded-wait requests and responses, for fault injection; off by default. */
  readonly loadShedding?: LoadShedding;
  /**
   * How installed modules become runnable scripts; @tincan/bundler's `prepareCanisterModule`
   * (instrumented with the execution meter) by default. Only benchmarks pass another, to
   * measure the meter's own cost.
   */
  readonly prepareModule?: PrepareModule;
  /** One subnet of several (set by `Subnets`): its canister id range and the route to the others. */
  readonly subnet?: SubnetRouting;
  /**
   * One subnet of several (set by `Subnets`): its principal and whether it hosts an id, so the
   * management canister refuses a `specified_id` of another subnet's range, as ICP does.
   */
  readonly subnetHosting?: SubnetHosting;
}

/** Options of `Replica.deploy`. */
export interface DeployOptions {
  /** Init arguments, Candid-encoded with the canister's `@init` types. */
  readonly initArgs?: unknown[];
  /** Controllers; defaults to the anonymous principal. */
  readonly controllers?: readonly Principal[];
  /** Values inlined as `process.env.NAME`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Starting cycle balance; defaults to {@link DEFAULT_CANISTER_CYCLES}, as dfx's local replica gives. */
  readonly cycles?: bigint;
  /** Settings other than the controllers; ICP's defaults otherwise. */
  readonly settings?: Partial<CanisterSettings>;
}

/** Options of `Replica.upgrade` and `Replica.reinstall`. */
export interface UpgradeOptions {
  /** Arguments of `@postUpgrade` (upgrade) or `@init` (reinstall), Candid-encoded with their types. */
  readonly args?: unknown[];
  /** Values inlined as `process.env.NAME`. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A deployed canister. */
export interface CanisterHandle {
  readonly id: Principal;
  /** The canister's Candid interface (.did text). */
  readonly candid: string;
}
