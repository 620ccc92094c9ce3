/** Options and handles of the in-process `Replica`. */
import type { Principal } from '@dfinity/principal';
import type { CallLimits, CanisterSettings, Clock, CycleFees, ExecutionInfo, InstructionLimits, LoadShedding, LogLine, SchedulerPolicy } from '@tincan/runtime';

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
   * Opt-in wall-clock guard per execution against runaway code, in ms; 0 (the default) disables
   * it. node:vm starts a watchdog thread per guarded evaluation (~60 µs), so it is off unless
   * asked for; deterministic instruction metering replaces it.
   */
  readonly executionTimeoutMs?: number;
  /** Receives every canister log line. */
  readonly onLog?: (canisterId: Principal, line: LogLine) => void;
  /** Receives a record of every execution: canister, method, kind, units spent, outcome. */
  readonly onExecution?: (info: ExecutionInfo) => void;
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
