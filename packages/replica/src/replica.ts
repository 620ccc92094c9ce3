/**
 * The in-process replica: one runtime wired to a SQLite store in a state directory (or in
 * memory), the esbuild bundler and a clock, driven on the Node event loop. Users deploy
 * TypeScript canisters and call them through typed actors. Opening is in `replica-open.ts`,
 * time in `replica-time.ts`, the canister controls (its base class) in `canister-controls.ts`.
 */
import { Principal } from '@dfinity/principal';
import { bundleCanister } from '@tincan/bundler';
import { parseDid } from '@tincan/candid';
import {
  ManualClock,
  type Clock,
  type InspectResult,
  type LogLine,
  type Outcome,
  type Runtime,
  type StateStore,
} from '@tincan/runtime';
import { createActor, principalOf, type ActorOf, type IdentityLike } from './actor.js';
import { CanisterControls, idOf } from './canister-controls.js';
import { cdkEntry } from './cdk-entry.js';
import { Driver } from './driver.js';
import type { ManagementCanister } from './management/management-canister.js';
import { DEFAULT_CANISTER_CYCLES } from './management/operations.js';
import { ReplicaError } from './replica-error.js';
import { openReplicaParts } from './replica-open.js';
import {
  DEFAULT_WALL_CLOCK_LIMITS,
  type CanisterHandle,
  type DeployOptions,
  type ReplicaOptions,
  type UpgradeOptions,
  type WallClockLimitsMs,
} from './replica-options.js';
import {
  advanceClock,
  clockInfoOf,
  interfaceTimeOf,
  manualClockOf,
  type ClockInfo,
} from './replica-time.js';
import { StateView } from './state-view/state-view.js';
import type { Traces } from './traces/traces.js';

export type { CanisterHandle, DeployOptions, ReplicaOptions, UpgradeOptions, WallClockLimitsMs };
export { DEFAULT_CANISTER_CYCLES, DEFAULT_WALL_CLOCK_LIMITS };

/** On the wall clock, a round (and each canister's `@heartbeat`) runs about once a second, as on ICP. */
const LIVE_ROUND_MS = 1_000;

/** An in-process tincan replica. */
export class Replica extends CanisterControls {
  /** Execution traces, when the replica was created with `traces` on. */
  readonly traces: Traces | undefined;
  readonly #clock: Clock;
  readonly #driver: Driver;
  readonly #store: StateStore;
  #state: StateView | undefined;
  #closed = false;

  /** Opens a replica; on an existing state directory, every canister comes back as committed. */
  static async create(options: ReplicaOptions = {}): Promise<Replica> {
    const { runtime, clock, store, management, traces } = await openReplicaParts(options);
    return new Replica(runtime, clock, store, management, traces);
  }

  private constructor(
    runtime: Runtime,
    clock: Clock,
    store: StateStore,
    management: ManagementCanister,
    traces: Traces | undefined,
  ) {
    // Under a manual clock timers fire only when the test moves time; otherwise the driver
    // sets an alarm for the next one.
    const driver = new Driver(
      runtime,
      clock instanceof ManualClock ? {} : { nowNs: () => clock.nowNs(), roundMs: LIVE_ROUND_MS },
    );
    super(runtime, management, driver);
    this.traces = traces;
    this.#clock = clock;
    this.#store = store;
    this.#driver = driver;
  }

  /**
   * Writes the whole replica's committed state (every canister's code, heap and stable maps)
   * to `file`. `Replica.create({ fromCheckpoint: file })` forks from it in milliseconds, since
   * canisters load lazily on first use: prepare a state once, fork it for every test.
   */
  async checkpoint(file: string): Promise<void> {
    this.#open();
    // Executions commit per batch; between driver slices no transaction is open.
    await this.idle();
    this.#store.checkpoint(file);
  }

  /**
   * Moves time forward by `ms` and runs what falls due (timers included): a manual clock, or the
   * default wall clock, which then runs that far ahead of the host's.
   */
  async advanceTime(ms: number): Promise<void> {
    this.#open();
    advanceClock(this.#clock, this.#store, ms);
    await this.idle();
  }

  /** Which clock the replica runs on, and (on the wall clock) how far ahead of it it is. */
  clockInfo(): ClockInfo {
    return clockInfoOf(this.#clock);
  }

  /**
   * A read-only view of canisters' committed state (memory, heap objects, stable maps), read
   * from the store: looking never loads a canister's realm.
   */
  get state(): StateView {
    this.#open();
    this.#state ??= new StateView(this.#store, this.runtime);
    return this.#state;
  }

  /** Sets a manual clock to `ns` (never backwards) and runs what falls due. */
  async setTime(ns: bigint): Promise<void> {
    this.#open();
    manualClockOf(this.#clock).setNs(ns);
    await this.idle();
  }

  /**
   * Runs one round: each running canister's `@heartbeat` once, then every message and timer that
   * can run now, as one batch. Returns how many executions ran.
   */
  tick(): number {
    this.#open();
    this.runtime.queueHeartbeats();
    return this.runtime.runBatch(() => true);
  }

  /** Runs until no message is pending and no timer is due (heartbeats run only in rounds: `tick()`). */
  runUntilIdle(): Promise<void> {
    return this.idle();
  }

  /** Replica time in nanoseconds. */
  timeNs(): bigint {
    return this.#clock.nowNs();
  }

  /**
   * The time the IC HTTP interface certifies and checks ingress expiries against: replica time,
   * except on the default wall clock once `advanceTime` moved it ahead, where it stays the
   * host's. Agents judge certificates and choose expiries by their own clocks (and cannot
   * sync to a replica more than 5 minutes off), so they keep working after any jump, while
   * canisters see the moved time.
   */
  interfaceTimeNs(): bigint {
    return interfaceTimeOf(this.#clock);
  }

  /** Bundles the canister at `entry`, creates a canister and installs it. */
  async deploy(entry: string, options: DeployOptions = {}): Promise<CanisterHandle> {
    const bundle = await this.#bundle(entry, options.env);
    return this.createAndInstall(bundle.code, options, bundle.map);
  }

  /** Bundles the canister at `entry` and returns its Candid interface without installing it. */
  async candidOf(entry: string, options: Pick<DeployOptions, 'env'> = {}): Promise<string> {
    const bundle = await this.#bundle(entry, options.env);
    return this.runtime.inspectBundle(bundle.code).candid;
  }

  #bundle(
    entry: string,
    env: Readonly<Record<string, string>> | undefined,
  ): ReturnType<typeof bundleCanister> {
    this.#open();
    return bundleCanister({ entry, cdkEntry: cdkEntry(), ...(env !== undefined && { env }) });
  }

  /**
   * Upgrades a canister to the code at `entry`: `@preUpgrade` on the old code, then the new
   * code with fresh heap fields and `@postUpgrade(args)`. Stable maps carry over. If anything
   * traps, the canister keeps its old code and state and this throws.
   */
  async upgrade(
    canister: CanisterHandle | Principal,
    entry: string,
    options: UpgradeOptions = {},
  ): Promise<CanisterHandle> {
    const bundle = await this.#bundle(entry, options.env);
    return this.installCode(idOf(canister), bundle.code, 'upgrade', options.args, bundle.map);
  }

  /** Replaces a canister's code and clears all its state, heap and stable; then runs `@init(args)`. */
  async reinstall(
    canister: CanisterHandle | Principal,
    entry: string,
    options: UpgradeOptions = {},
  ): Promise<CanisterHandle> {
    const bundle = await this.#bundle(entry, options.env);
    return this.installCode(idOf(canister), bundle.code, 'reinstall', options.args, bundle.map);
  }

  /** A typed actor for a canister; calls are made as `identity` (anonymous by default). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- no class type: an untyped actor
  actor<T = any>(
    canister: CanisterHandle | Principal,
    options: { identity?: IdentityLike } = {},
  ): ActorOf<T> {
    const id = idOf(canister);
    const candid = this.runtime.describe(id.toUint8Array())?.candid;
    if (candid === undefined)
      throw new ReplicaError('ERR_NO_CANDID', `canister ${id.toText()} has no code installed`);
    const caller = principalOf(options.identity ?? Principal.anonymous());
    return createActor<T>(parseDid(candid).service, {
      update: (method, arg) => this.update(id, method, arg, caller),
      query: (method, arg) => this.query(id, method, arg, caller),
    });
  }

  /**
   * Sends an update call with raw Candid bytes; resolves with its outcome. With `ingress` (a
   * request id and expiry, as the HTTP interface passes), the call and its answer are kept in
   * the store until the expiry: see `Runtime.ingressRecord`.
   */
  update(
    canisterId: Principal,
    method: string,
    arg: Uint8Array,
    caller: Principal = Principal.anonymous(),
    ingress?: { requestId: Uint8Array; expiryNs: bigint },
  ): Promise<Outcome> {
    this.#open();
    return new Promise((resolve) => {
      this.runtime.submit(
        {
          canisterId: canisterId.toUint8Array(),
          method,
          arg,
          caller: caller.toUint8Array(),
          ...ingress,
        },
        resolve,
      );
      this.#driver.wake();
    });
  }

  /**
   * ICP's ingress message inspection: runs the canister's `@inspectMessage` for an update call
   * (without executing the call) and says whether it would be accepted. The HTTP interface does
   * this before every ingress call; `update` and typed actors do not inspect.
   */
  inspectMessage(
    canisterId: Principal,
    method: string,
    arg: Uint8Array,
    caller: Principal = Principal.anonymous(),
  ): InspectResult {
    this.#open();
    return this.runtime.inspectMessage({
      canisterId: canisterId.toUint8Array(),
      method,
      arg,
      caller: caller.toUint8Array(),
    });
  }

  /** Runs a query with raw Candid bytes on committed state. */
  async query(
    canisterId: Principal,
    method: string,
    arg: Uint8Array,
    caller: Principal = Principal.anonymous(),
  ): Promise<Outcome> {
    this.#open();
    return this.runtime.query({
      canisterId: canisterId.toUint8Array(),
      method,
      arg,
      caller: caller.toUint8Array(),
    });
  }

  /** The canister's log lines, oldest first. */
  logs(canisterId: Principal): readonly LogLine[] {
    return this.runtime.logs(canisterId.toUint8Array());
  }

  /** Runs pending messages soon (the XNet layer calls it after it inducted or delivered some). */
  wake(): void {
    if (!this.#closed) this.#driver.wake();
  }

  /** Resolves when no message is pending. */
  idle(): Promise<void> {
    return this.#driver.idle();
  }

  /** Stops the replica and closes its store; committed state stays in the state directory. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#driver.stop();
    this.#store.close();
    await this.traces?.close();
  }

  protected override assertOpen(): void {
    this.#open();
  }

  #open(): void {
    if (this.#closed) throw new ReplicaError('ERR_REPLICA_CLOSED', 'the replica is closed');
  }
}
