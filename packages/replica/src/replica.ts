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
import { bundleCanister } from '@tincan/bundler';
import { parseDid } from '@tincan/candid';
import { ManualClock, Runtime, type CallLimits, type CycleFees, type LoadShedding, type CanisterSettings, type Clock, type ExecutionInfo, type SnapshotInfo, type StateStore, type InstallMode, type InstructionLimits, type LogLine, type Outcome, type SchedulerPolicy } from '@tincan/runtime';
import { openSqliteStore } from '@tincan/storage-sqlite';
import { createActor, principalOf, type ActorOf, type IdentityLike } from './actor.js';
import { cdkEntry } from './cdk-entry.js';
import { loadKernel } from './kernel-cache.js';
import { ReplicaError } from './replica-error.js';
import { Driver } from './driver.js';

/** Options of {@link Replica.create}. */
export interface ReplicaOptions {
  /** Directory of the replica's state; omit for an in-memory replica. */
  readonly stateDir?: string;
  /**
   * Start from a checkpoint written by {@link Replica.checkpoint}: a fork. The checkpoint file
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
  /** Execution budgets (loop iterations and calls); defaults follow ICP's ratios. */
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

/** Options of {@link Replica.deploy}. */
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

/** Cycles a canister gets when none are asked for: 100T, like a local dfx or PocketIC canister. */
export const DEFAULT_CANISTER_CYCLES = 100_000_000_000_000n;

/** Options of {@link Replica.upgrade} and {@link Replica.reinstall}. */
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

const WALL_CLOCK: Clock = { nowNs: () => BigInt(Date.now()) * 1_000_000n };

/** An in-process tincan replica. */
export class Replica {
  readonly runtime: Runtime;
  readonly #clock: Clock;
  readonly #driver: Driver;
  readonly #store: StateStore;
  #closed = false;

  /** Opens a replica; on an existing state directory, every canister comes back as committed. */
  static async create(options: ReplicaOptions = {}): Promise<Replica> {
    const kernel = await loadKernel();
    if (options.stateDir !== undefined) mkdirSync(options.stateDir, { recursive: true });
    const from = options.fromCheckpoint !== undefined ? { from: options.fromCheckpoint } : {};
    const store = options.stateDir === undefined ? openSqliteStore({ memory: true, ...from }) : openSqliteStore({ path: path.join(options.stateDir, 'replica.sqlite'), ...from });
    let seed = store.getMeta('seed');
    if (seed === undefined) {
      seed = options.seed ?? new Uint8Array(randomBytes(32));
      store.putMeta('seed', seed);
    }
    const runtime = Runtime.open({
      store,
      kernel,
      seed,
      clock: options.clock ?? WALL_CLOCK,
      ...(options.scheduler !== undefined && { scheduler: options.scheduler }),
      executionTimeoutMs: options.executionTimeoutMs ?? 0,
      ...(options.instructionLimits !== undefined && { instructionLimits: options.instructionLimits }),
      ...(options.callLimits !== undefined && { callLimits: options.callLimits }),
      ...(options.fees !== undefined && { fees: options.fees }),
      ...(options.loadShedding !== undefined && { loadShedding: options.loadShedding }),
      ...(options.onExecution !== undefined && { onExecution: options.onExecution }),
      ...(options.onLog !== undefined && { onLog: (id: Uint8Array, line: LogLine) => options.onLog?.(Principal.fromUint8Array(id), line) }),
    });
    const clock = options.clock ?? WALL_CLOCK;
    return new Replica(runtime, clock, store);
  }

  private constructor(runtime: Runtime, clock: Clock, store: StateStore) {
    this.runtime = runtime;
    this.#clock = clock;
    this.#store = store;
    // Under a manual clock timers fire only when the test moves time; otherwise the driver
    // sets an alarm for the next one.
    this.#driver = new Driver(runtime, clock instanceof ManualClock ? {} : { nowNs: () => clock.nowNs() });
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

  /** Moves a manual clock forward by `ms` and runs what falls due (timers included). */
  async advanceTime(ms: number): Promise<void> {
    this.#manualClock().advanceMs(ms);
    await this.idle();
  }

  /** Sets a manual clock to `ns` (never backwards) and runs what falls due. */
  async setTime(ns: bigint): Promise<void> {
    this.#manualClock().setNs(ns);
    await this.idle();
  }

  /** Runs one round: every message and timer that can run now, as one batch. Returns how many ran. */
  tick(): number {
    this.#open();
    return this.runtime.runBatch(() => true);
  }

  /** Replica time in nanoseconds. */
  timeNs(): bigint {
    return this.#clock.nowNs();
  }

  #manualClock(): ManualClock {
    this.#open();
    if (!(this.#clock instanceof ManualClock)) throw new ReplicaError('ERR_INVALID_ARGUMENT', 'time can only be moved on a replica created with a ManualClock (createTestReplica uses one)');
    return this.#clock;
  }

  /** Bundles the canister at `entry`, creates a canister and installs it. */
  async deploy(entry: string, options: DeployOptions = {}): Promise<CanisterHandle> {
    this.#open();
    const bundle = await bundleCanister({ entry, cdkEntry: cdkEntry(), ...(options.env !== undefined && { env: options.env }) });
    return this.#create(bundle.code, options, bundle.map);
  }

  /** Bundles the canister at `entry` and returns its Candid interface without installing it. */
  async candidOf(entry: string, options: Pick<DeployOptions, 'env'> = {}): Promise<string> {
    this.#open();
    const bundle = await bundleCanister({ entry, cdkEntry: cdkEntry(), ...(options.env !== undefined && { env: options.env }) });
    return this.runtime.inspectBundle(bundle.code).candid;
  }

  /** Creates a canister and installs an already bundled module. */
  install(bundle: string, options: DeployOptions = {}): CanisterHandle {
    return this.#create(bundle, options);
  }

  #create(bundle: string, options: DeployOptions, sourceMap?: string): CanisterHandle {
    this.#open();
    const controllers = (options.controllers ?? [Principal.anonymous()]).map((p) => p.toUint8Array());
    const id = Principal.fromUint8Array(this.runtime.createCanister({ controllers, cycles: options.cycles ?? DEFAULT_CANISTER_CYCLES, ...(options.settings !== undefined && { settings: options.settings }) }));
    return this.#installCode(id, bundle, 'install', options.initArgs, sourceMap);
  }

  /**
   * Upgrades a canister to the code at `entry`: `@preUpgrade` on the old code, then the new
   * code with fresh heap fields and `@postUpgrade(args)`. Stable maps carry over. If anything
   * traps, the canister keeps its old code and state and this throws.
   */
  async upgrade(canister: CanisterHandle | Principal, entry: string, options: UpgradeOptions = {}): Promise<CanisterHandle> {
    this.#open();
    const bundle = await bundleCanister({ entry, cdkEntry: cdkEntry(), ...(options.env !== undefined && { env: options.env }) });
    return this.#installCode(idOf(canister), bundle.code, 'upgrade', options.args, bundle.map);
  }

  /** Replaces a canister's code and clears all its state, heap and stable; then runs `@init(args)`. */
  async reinstall(canister: CanisterHandle | Principal, entry: string, options: UpgradeOptions = {}): Promise<CanisterHandle> {
    this.#open();
    const bundle = await bundleCanister({ entry, cdkEntry: cdkEntry(), ...(options.env !== undefined && { env: options.env }) });
    return this.#installCode(idOf(canister), bundle.code, 'reinstall', options.args, bundle.map);
  }

  #installCode(id: Principal, bundle: string, mode: InstallMode, args: unknown[] | undefined, sourceMap?: string): CanisterHandle {
    const description = this.runtime.installCode(
      id.toUint8Array(),
      bundle,
      (desc) => new Uint8Array(IDL.encode(parseDid(desc.candid).initArgs ?? [], args ?? [])),
      mode,
      sourceMap,
    );
    return { id, candid: description.candid };
  }

  /** A typed actor for a canister; calls are made as `identity` (anonymous by default). */
  actor<T = any>(canister: CanisterHandle | Principal, options: { identity?: IdentityLike } = {}): ActorOf<T> {
    const id = idOf(canister);
    const candid = this.runtime.describe(id.toUint8Array())?.candid;
    if (candid === undefined) throw new ReplicaError('ERR_NO_CANDID', `canister ${id.toText()} has no code installed`);
    const caller = principalOf(options.identity ?? Principal.anonymous());
    return createActor<T>(parseDid(candid).service, {
      update: (method, arg) => this.update(id, method, arg, caller),
      query: (method, arg) => this.query(id, method, arg, caller),
    });
  }

  /** Sends an update call with raw Candid bytes; resolves with its outcome. */
  update(canisterId: Principal, method: string, arg: Uint8Array, caller: Principal = Principal.anonymous()): Promise<Outcome> {
    this.#open();
    return new Promise((resolve) => {
      this.runtime.submit({ canisterId: canisterId.toUint8Array(), method, arg, caller: caller.toUint8Array() }, resolve);
      this.#driver.wake();
    });
  }

  /** Runs a query with raw Candid bytes on committed state. */
  async query(canisterId: Principal, method: string, arg: Uint8Array, caller: Principal = Principal.anonymous()): Promise<Outcome> {
    this.#open();
    return this.runtime.query({ canisterId: canisterId.toUint8Array(), method, arg, caller: caller.toUint8Array() });
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
        throw new ReplicaError('ERR_INVALID_ARGUMENT', `canister ${idOf(canister).toText()} stays stopping: its open calls wait on nothing that is queued`);
      }
      await this.#driver.idle();
    }
  }

  /** Starts a stopped (or stopping) canister again. */
  start(canister: CanisterHandle | Principal): void {
    this.#open();
    this.runtime.startCanister(idOf(canister).toUint8Array());
  }

  /** Deletes a stopped canister with all its state. */
  delete(canister: CanisterHandle | Principal): void {
    this.#open();
    this.runtime.deleteCanister(idOf(canister).toUint8Array());
  }

  /** Removes a canister's code and state; its open calls are rejected. */
  uninstall(canister: CanisterHandle | Principal): void {
    this.#open();
    this.runtime.uninstallCode(idOf(canister).toUint8Array());
  }

  /** Takes a snapshot of a stopped canister (at most 10): its code, heap and stable maps. */
  takeSnapshot(canister: CanisterHandle | Principal): number {
    this.#open();
    return this.runtime.takeSnapshot(idOf(canister).toUint8Array());
  }

  /** Puts a stopped canister back exactly as it was when the snapshot was taken. */
  loadSnapshot(canister: CanisterHandle | Principal, snapshotId: number): void {
    this.#open();
    this.runtime.loadSnapshot(idOf(canister).toUint8Array(), snapshotId);
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
  settings(canister: CanisterHandle | Principal): CanisterSettings & { readonly controllers: Principal[] } {
    const id = idOf(canister).toUint8Array();
    return { ...this.runtime.settings(id), controllers: this.runtime.record(id).controllers.map((c) => Principal.fromUint8Array(c)) };
  }

  /** ICP's `update_settings`: changes any subset of the settings and the controllers. */
  updateSettings(canister: CanisterHandle | Principal, update: Partial<CanisterSettings> & { controllers?: readonly Principal[] }): void {
    this.#open();
    const { controllers, ...rest } = update;
    this.runtime.updateSettings(idOf(canister).toUint8Array(), { ...rest, ...(controllers !== undefined && { controllers: controllers.map((c) => c.toUint8Array()) }) });
  }

  /** The canister's log lines, oldest first. */
  logs(canisterId: Principal): readonly LogLine[] {
    return this.runtime.logs(canisterId.toUint8Array());
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
  }

  #open(): void {
    if (this.#closed) throw new ReplicaError('ERR_REPLICA_CLOSED', 'the replica is closed');
  }
}

function idOf(canister: CanisterHandle | Principal): Principal {
  return 'candid' in canister ? canister.id : canister;
}
