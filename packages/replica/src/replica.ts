/**
 * The in-process replica: one runtime wired to a SQLite store in a state directory (or in
 * memory), the esbuild bundler and a clock, driven on the Node event loop. Users deploy
 * TypeScript canisters and call them through typed actors.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { bundleCanister, prepareCanisterModule } from '@tincan/bundler';
import { parseDid } from '@tincan/candid';
import {
  ManualClock,
  Runtime,
  type CanisterSettings,
  type Clock,
  type InspectResult,
  type SnapshotInfo,
  type StateStore,
  type InstallMode,
  type LogLine,
  type Outcome,
} from '@tincan/runtime';
import { openSqliteStore } from '@tincan/storage-sqlite';
import { createActor, principalOf, type ActorOf, type IdentityLike } from './actor.js';
import { cdkEntry } from './cdk-entry.js';
import { loadKernel } from './kernel-cache.js';
import { CallRejectedError } from '@tincan/abi';
import { ReplicaError } from './replica-error.js';
import { decodeLogs, fetchLogsArg, type CanisterLogRecord } from './management/fetch-logs.js';
import { Driver } from './driver.js';
import { processGuard } from '@tincan/watchdog';
import {
  DEFAULT_WALL_CLOCK_LIMITS,
  type CanisterHandle,
  type DeployOptions,
  type ReplicaOptions,
  type UpgradeOptions,
  type WallClockLimitsMs,
} from './replica-options.js';
import { ManagementCanister } from './management/management-canister.js';
import { DEFAULT_CANISTER_CYCLES } from './management/operations.js';
import type { ChangeOrigin } from './management/canister-history.js';
import { Traces } from './traces/traces.js';
import { LiveClock } from './live-clock.js';
import { StateView } from './state-view/state-view.js';

export type { CanisterHandle, DeployOptions, ReplicaOptions, UpgradeOptions, WallClockLimitsMs };
export { DEFAULT_CANISTER_CYCLES, DEFAULT_WALL_CLOCK_LIMITS };

/** Store meta key of the default clock's offset (ns ahead of the host's clock, decimal). */
const CLOCK_OFFSET_KEY = 'live-clock-offset-ns';
/** Canisters kept loaded by default; idle ones past it hibernate (see ReplicaOptions). */
const DEFAULT_MAX_LOADED_CANISTERS = 1_000;
/** On the wall clock, a round (and each canister's `@heartbeat`) runs about once a second, as on ICP. */
const LIVE_ROUND_MS = 1_000;

/** An in-process tincan replica. */
export class Replica {
  readonly runtime: Runtime;
  /** Execution traces, when the replica was created with `traces` on. */
  readonly traces: Traces | undefined;
  readonly #clock: Clock;
  readonly #driver: Driver;
  readonly #store: StateStore;
  readonly #management: ManagementCanister;
  #state: StateView | undefined;
  #closed = false;

  /** Opens a replica; on an existing state directory, every canister comes back as committed. */
  static async create(options: ReplicaOptions = {}): Promise<Replica> {
    const kernel = await loadKernel();
    if (options.stateDir !== undefined) mkdirSync(options.stateDir, { recursive: true });
    const from = options.fromCheckpoint !== undefined ? { from: options.fromCheckpoint } : {};
    const store =
      options.stateDir === undefined
        ? openSqliteStore({ memory: true, ...from })
        : openSqliteStore({ path: path.join(options.stateDir, 'replica.sqlite'), ...from });
    let seed = store.getMeta('seed');
    if (seed === undefined) {
      seed = options.seed ?? new Uint8Array(randomBytes(32));
      store.putMeta('seed', seed);
    }
    // On the wall clock by default, with an offset `advanceTime` can raise; the offset is kept
    // in the store, so a reopened replica's time does not jump back.
    const offset = store.getMeta(CLOCK_OFFSET_KEY);
    const clock =
      options.clock ??
      new LiveClock(offset === undefined ? 0n : BigInt(new TextDecoder().decode(offset)));
    const management = new ManagementCanister({
      store,
      seed,
      nowNs: () => clock.nowNs(),
      ...(options.subnetHosting !== undefined && { hosting: options.subnetHosting }),
    });
    const traces =
      options.traces === undefined || options.traces === false
        ? undefined
        : new Traces(options.stateDir, options.traces === true ? {} : options.traces);
    const runtime = Runtime.open({
      store,
      systemCanister: management,
      kernel,
      prepareModule: options.prepareModule ?? prepareCanisterModule,
      seed,
      clock,
      ...(options.scheduler !== undefined && { scheduler: options.scheduler }),
      ...wallClockOption(options.wallClockLimits),
      ...(options.heapLimitBytes !== undefined && { heapLimitBytes: options.heapLimitBytes }),
      // Idle canisters past this many unload (hibernation); `Infinity` keeps them all.
      ...(Number.isFinite(options.maxLoadedCanisters ?? DEFAULT_MAX_LOADED_CANISTERS) && {
        maxLoadedCanisters: options.maxLoadedCanisters ?? DEFAULT_MAX_LOADED_CANISTERS,
      }),
      ...(options.instructionLimits !== undefined && {
        instructionLimits: options.instructionLimits,
      }),
      ...(options.callLimits !== undefined && { callLimits: options.callLimits }),
      ...(options.fees !== undefined && { fees: options.fees }),
      ...(options.loadShedding !== undefined && { loadShedding: options.loadShedding }),
      ...(options.subnet !== undefined && { subnet: options.subnet }),
      ...(options.onExecution !== undefined && { onExecution: options.onExecution }),
      ...(traces !== undefined && { traceSink: traces.sink }),
      ...(options.onLog !== undefined && {
        onLog: (id: Uint8Array, line: LogLine) =>
          options.onLog?.(Principal.fromUint8Array(id), line),
      }),
    });
    management.attach(runtime);
    return new Replica(runtime, clock, store, management, traces);
  }

  private constructor(
    runtime: Runtime,
    clock: Clock,
    store: StateStore,
    management: ManagementCanister,
    traces: Traces | undefined,
  ) {
    this.runtime = runtime;
    this.traces = traces;
    this.#management = management;
    this.#clock = clock;
    this.#store = store;
    // Under a manual clock timers fire only when the test moves time; otherwise the driver
    // sets an alarm for the next one.
    this.#driver = new Driver(
      runtime,
      clock instanceof ManualClock ? {} : { nowNs: () => clock.nowNs(), roundMs: LIVE_ROUND_MS },
    );
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
    if (this.#clock instanceof LiveClock) {
      this.#clock.advanceMs(ms);
      this.#store.putMeta(
        CLOCK_OFFSET_KEY,
        new TextEncoder().encode(this.#clock.offsetNs.toString()),
      );
    } else this.#manualClock().advanceMs(ms);
    await this.idle();
  }

  /** Which clock the replica runs on, and (on the wall clock) how far ahead of it it is. */
  clockInfo(): { readonly kind: 'manual' | 'wall' | 'custom'; readonly offsetNs: bigint } {
    if (this.#clock instanceof ManualClock) return { kind: 'manual', offsetNs: 0n };
    if (this.#clock instanceof LiveClock) return { kind: 'wall', offsetNs: this.#clock.offsetNs };
    return { kind: 'custom', offsetNs: 0n };
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
    this.#manualClock().setNs(ns);
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
    const now = this.#clock.nowNs();
    return this.#clock instanceof LiveClock ? now - this.#clock.offsetNs : now;
  }

  #manualClock(): ManualClock {
    this.#open();
    if (!(this.#clock instanceof ManualClock))
      throw new ReplicaError(
        'ERR_INVALID_ARGUMENT',
        'time can only be moved on a replica with a ManualClock (createTestReplica uses one) or the default wall clock',
      );
    return this.#clock;
  }

  /** Bundles the canister at `entry`, creates a canister and installs it. */
  async deploy(entry: string, options: DeployOptions = {}): Promise<CanisterHandle> {
    const bundle = await this.#bundle(entry, options.env);
    return this.#create(bundle.code, options, bundle.map);
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

  /** Creates a canister and installs an already bundled module. */
  install(bundle: string, options: DeployOptions = {}): CanisterHandle {
    return this.#create(bundle, options);
  }

  #create(bundle: string, options: DeployOptions, sourceMap?: string): CanisterHandle {
    this.#open();
    const controllers = (options.controllers ?? [Principal.anonymous()]).map((p) =>
      p.toUint8Array(),
    );
    const created = this.#management.operations.createCanister(userOrigin(controllers), {
      controllers,
      cycles: options.cycles ?? DEFAULT_CANISTER_CYCLES,
      ...(options.settings !== undefined && { settings: options.settings }),
    });
    return this.#installCode(
      Principal.fromUint8Array(created),
      bundle,
      'install',
      options.initArgs,
      sourceMap,
    );
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
    return this.#installCode(idOf(canister), bundle.code, 'upgrade', options.args, bundle.map);
  }

  /** Replaces a canister's code and clears all its state, heap and stable; then runs `@init(args)`. */
  async reinstall(
    canister: CanisterHandle | Principal,
    entry: string,
    options: UpgradeOptions = {},
  ): Promise<CanisterHandle> {
    const bundle = await this.#bundle(entry, options.env);
    return this.#installCode(idOf(canister), bundle.code, 'reinstall', options.args, bundle.map);
  }

  #installCode(
    id: Principal,
    bundle: string,
    mode: InstallMode,
    args: unknown[] | undefined,
    sourceMap?: string,
  ): CanisterHandle {
    const description = this.#management.operations.installCode(
      this.#origin(id),
      id.toUint8Array(),
      bundle,
      (desc) => new Uint8Array(IDL.encode(parseDid(desc.candid).initArgs ?? [], args ?? [])),
      mode,
      sourceMap,
    );
    return { id, candid: description.candid };
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

  /**
   * Stops a canister: new calls to it are rejected at once, and this resolves when the calls
   * it is still in (its open call contexts) have finished and it is stopped.
   */
  async stop(canister: CanisterHandle | Principal): Promise<void> {
    this.#open();
    const id = idOf(canister).toUint8Array();
    while (this.runtime.stopCanister(id) !== 'stopped') {
      if (this.runtime.pendingCount === 0) {
        throw new ReplicaError(
          'ERR_INVALID_ARGUMENT',
          `canister ${idOf(canister).toText()} stays stopping: its open calls wait on nothing that is queued`,
        );
      }
      await this.#driver.idle();
    }
  }

  /** Starts a stopped (or stopping) canister again. */
  start(canister: CanisterHandle | Principal): void {
    this.#open();
    this.runtime.startCanister(idOf(canister).toUint8Array());
    // Pending stop_canister calls are answered now (cancelled): let their callers run.
    this.#driver.wake();
  }

  /** Deletes a stopped canister with all its state. */
  delete(canister: CanisterHandle | Principal): void {
    this.#open();
    this.#management.operations.deleteCanister(idOf(canister).toUint8Array());
  }

  /** Removes a canister's code and state; its open calls are rejected. */
  uninstall(canister: CanisterHandle | Principal): void {
    this.#open();
    this.#management.operations.uninstallCode(
      this.#origin(idOf(canister)),
      idOf(canister).toUint8Array(),
    );
    this.#driver.wake();
  }

  /** Takes a snapshot of a stopped canister (at most 10): its code, heap and stable maps. */
  takeSnapshot(canister: CanisterHandle | Principal): number {
    this.#open();
    return this.runtime.takeSnapshot(idOf(canister).toUint8Array());
  }

  /** Puts a stopped canister back exactly as it was when the snapshot was taken. */
  loadSnapshot(canister: CanisterHandle | Principal, snapshotId: number): void {
    this.#open();
    this.#management.operations.loadSnapshot(
      this.#origin(idOf(canister)),
      idOf(canister).toUint8Array(),
      snapshotId,
    );
  }

  /** A canister's snapshots, oldest first. */
  listSnapshots(canister: CanisterHandle | Principal): SnapshotInfo[] {
    return this.runtime.listSnapshots(idOf(canister).toUint8Array());
  }

  /** Deletes a snapshot. */
  deleteSnapshot(canister: CanisterHandle | Principal, snapshotId: number): void {
    this.#open();
    this.runtime.deleteSnapshot(idOf(canister).toUint8Array(), snapshotId);
  }

  /** A canister's status: `running`, `stopping` or `stopped`. */
  status(canister: CanisterHandle | Principal): 'running' | 'stopping' | 'stopped' {
    return this.runtime.status(idOf(canister).toUint8Array());
  }

  /** A canister's cycle balance. */
  cycleBalance(canister: CanisterHandle | Principal): bigint {
    return this.runtime.cycleBalance(idOf(canister).toUint8Array());
  }

  /** Adds cycles to a canister's balance (`provisional_top_up_canister`). */
  depositCycles(canister: CanisterHandle | Principal, amount: bigint): void {
    this.#open();
    this.runtime.depositCycles(idOf(canister).toUint8Array(), amount);
  }

  /** A canister's settings (freezing threshold, allocations, limits, log visibility). */
  settings(
    canister: CanisterHandle | Principal,
  ): CanisterSettings & { readonly controllers: Principal[] } {
    const id = idOf(canister).toUint8Array();
    return {
      ...this.runtime.settings(id),
      controllers: this.runtime.record(id).controllers.map((c) => Principal.fromUint8Array(c)),
    };
  }

  /** ICP's `update_settings`: changes any subset of the settings and the controllers. */
  updateSettings(
    canister: CanisterHandle | Principal,
    update: Partial<CanisterSettings> & { controllers?: readonly Principal[] },
  ): void {
    this.#open();
    const { controllers, ...rest } = update;
    this.#management.operations.updateSettings(
      this.#origin(idOf(canister)),
      idOf(canister).toUint8Array(),
      {
        ...rest,
        ...(controllers !== undefined && { controllers: controllers.map((c) => c.toUint8Array()) }),
      },
    );
  }

  /**
   * ICP's `fetch_canister_logs`, as `caller` (by default the canister's first controller): the
   * log records with index, time and text. Throws `CallRejectedError` when the caller may not read
   * the log (only controllers may, unless its log visibility is public).
   */
  async fetchLogs(
    canister: CanisterHandle | Principal,
    options: { identity?: IdentityLike } = {},
  ): Promise<CanisterLogRecord[]> {
    this.#open();
    const id = idOf(canister);
    const caller =
      options.identity !== undefined
        ? principalOf(options.identity)
        : Principal.fromUint8Array(
            this.runtime.record(id.toUint8Array()).controllers[0] ?? new Uint8Array([4]),
          );
    const outcome = await this.query(
      Principal.managementCanister(),
      'fetch_canister_logs',
      fetchLogsArg(id),
      caller,
    );
    if ('reject' in outcome)
      throw new CallRejectedError("call to 'fetch_canister_logs'", outcome.reject);
    return decodeLogs(outcome.reply);
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

  #origin(canister: Principal): ChangeOrigin {
    return userOrigin(this.runtime.record(canister.toUint8Array()).controllers);
  }

  #open(): void {
    if (this.#closed) throw new ReplicaError('ERR_REPLICA_CLOSED', 'the replica is closed');
  }
}

/** In-process operations act as the canister's first controller (anonymous if it has none). */
/** The runtime's wall-clock backstop: the process's watchdog with the replica's limits, unless turned off. */
function wallClockOption(limits: ReplicaOptions['wallClockLimits']): {
  wallClock?: { guard: ReturnType<typeof processGuard>; updateMs: number; queryMs: number };
} {
  if (limits === false) return {};
  const { updateMs, queryMs } = { ...DEFAULT_WALL_CLOCK_LIMITS, ...limits };
  for (const [name, ms] of [
    ['updateMs', updateMs],
    ['queryMs', queryMs],
  ] as const) {
    if (!Number.isInteger(ms) || ms <= 0)
      throw new ReplicaError(
        'ERR_INVALID_ARGUMENT',
        `wallClockLimits.${name} must be a positive integer of milliseconds, got ${ms}`,
      );
  }
  return { wallClock: { guard: processGuard(), updateMs, queryMs } };
}

function userOrigin(controllers: readonly Uint8Array[]): ChangeOrigin {
  return { kind: 'user', userId: controllers[0] ?? new Uint8Array([4]) };
}

function idOf(canister: CanisterHandle | Principal): Principal {
  return 'candid' in canister ? canister.id : canister;
}
