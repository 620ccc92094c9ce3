/**
 * The runtime: a set of canister actors, their input queues and the scheduler loop. It is
 * synchronous and single-threaded on purpose: one execution runs at a time, each to its commit
 * point, and the host decides when to step. Storage, clock and scheduling policy are passed in.
 * This file keeps the public API on canisters and calls; the loop and its state
 * (runtime-loop.ts, which `Runtime` extends), the wiring (runtime-parts.ts), administration
 * (canister-admin.ts), ingress (ingress.ts) and the stateless parts of the loop (run-loop.ts)
 * live in modules of their own.
 */
import type { CanisterDescription } from '@tincan/abi';
import type { CallLimits } from './calls/limits.js';
import type { Outcome, RequestMessage } from './calls/messages.js';
import type { CanisterActor, LogLine } from './canisters/canister-actor.js';
import { toHex } from './canisters/principal-ids.js';
import { principalText } from './canisters/principal-text.js';
import * as settings from './cycles/canister-settings.js';
import {
  parseSettings,
  type CanisterSettings,
  type SettingsUpdate,
} from './cycles/canister-settings.js';
import type { CycleFees } from './cycles/cycles.js';
import type { DataCertificateSource } from './execution/certified-data.js';
import { runQuery, submitIngress, type IngressCall } from './ingress/ingress.js';
import { inspectMessage, type InspectResult } from './ingress/inspect-message.js';
import * as admin from './lifecycle/canister-admin.js';
import * as snapshots from './lifecycle/canister-snapshots.js';
import type { InitArg, InstallMode } from './lifecycle/installer.js';
import * as lifecycle from './lifecycle/lifecycle.js';
import {
  NOTHING_RECOVERED,
  recoverOpenCalls,
  type RecoveryReport,
} from './lifecycle/restart-recovery.js';
import { RuntimeError } from './runtime-error.js';
import { RuntimeLoop } from './runtime-loop.js';
import type { RuntimeOptions } from './runtime-options.js';
import type {
  CanisterRecord,
  CanisterStatus,
  IngressRecord,
  SnapshotInfo,
} from './state/state-store.js';
import { inductRemote, type InductedRequest, type InductHooks } from './xnet/remote-calls.js';

export type { IngressCall } from './ingress/ingress.js';
export type { RuntimeOptions } from './runtime-options.js';

/** The canister runtime. */
export class Runtime extends RuntimeLoop {
  #lastIndex = 0;
  #recovery: RecoveryReport = NOTHING_RECOVERED;

  /**
   * Opens a runtime on a store of installed canisters. Only their ids, indexes, module hashes
   * and statuses are read now; a canister's record is read, and its code and state loaded, when
   * a message or a caller first needs it. What was open at the last commit (call contexts,
   * outstanding calls, timers) cannot be resumed: it is answered and reported now (see
   * {@link Runtime.recovery}).
   */
  static open(options: RuntimeOptions): Runtime {
    const runtime = new Runtime(options);
    const store = options.store;
    const keys = store.listCanisterKeys();
    for (const key of keys) runtime.#lastIndex = Math.max(runtime.#lastIndex, key.index);
    runtime.actors.adopt(keys, (id) => store.getCanister(id), runtime.parts.timerQueue);
    runtime.#recovery = recoverOpenCalls({
      store: options.store,
      actors: runtime.actors,
      anyStopping: keys.some((key) => key.status === 'stopping'),
      nowNs: runtime.now(),
      log: (actor, message) => runtime.log(actor, message),
    });
    options.subnet?.opened?.(store);
    return runtime;
  }

  /** What opening the store answered and dropped: open call contexts, outstanding calls, timers. */
  get recovery(): RecoveryReport {
    return this.#recovery;
  }

  /**
   * The kept record of the ingress call with this request id (sent with `requestId`): its
   * answer, or none yet. Kept until the request expires, across restarts.
   */
  ingressRecord(requestId: Uint8Array): IngressRecord | undefined {
    return this.parts.store.getIngress(requestId);
  }

  /** Every kept ingress record, oldest expiry first. */
  ingressRecords(): IngressRecord[] {
    return this.parts.store.listIngress();
  }

  private constructor(options: RuntimeOptions) {
    super(options);
  }

  /**
   * Creates an empty canister and returns its id: the next free one, or `id` when given
   * (`provisional_create_canister_with_cycles`'s `specified_id`; it must be unused).
   */
  createCanister(options: {
    controllers: readonly Uint8Array[];
    cycles?: bigint;
    settings?: Partial<CanisterSettings>;
    id?: Uint8Array;
  }): Uint8Array {
    this.#lastIndex = admin.nextCanisterIndex(this.actors, this.#lastIndex, options.id);
    const subnet = this.options.subnet;
    // On one subnet of several, ids come from that subnet's range.
    const id = options.id ?? subnet?.canisterId(this.#lastIndex);
    return admin.createCanister(
      this.parts,
      this.#lastIndex,
      id === undefined ? options : { ...options, id },
    );
  }

  /**
   * Installs code (ICP's `install_code`): `install` into an empty canister, `reinstall` with
   * state cleared, or `upgrade` keeping stable state. Atomic; throws if loading, `@init`,
   * `@preUpgrade` or `@postUpgrade` fails, leaving the canister as it was.
   */
  installCode(
    canisterId: Uint8Array,
    bundle: string,
    arg: InitArg,
    mode: InstallMode = 'install',
    sourceMap?: string,
  ): CanisterDescription {
    const actor = this.#actor(canisterId);
    const description = admin.installCode(this.parts, actor, bundle, arg, mode, sourceMap);
    this.parts.hibernation.used(actor);
    // New code drops the old timers and its @init may set new ones: saved right after the
    // install's own transaction (outside a batch, nothing else is waiting to commit).
    this.parts.openCalls.touch(actor);
    if (!this.inBatch) this.parts.batch.commit();
    return description;
  }

  /** Loads a bundle without installing it and returns its methods and Candid interface. */
  inspectBundle(bundle: string): CanisterDescription {
    return admin.inspectBundle(this.parts.installer, bundle);
  }

  /**
   * ICP's `stop_canister`: returns `stopped`, or `stopping` while call contexts are open.
   * `onSettled` is told once the canister is stopped (true), or started again first (false).
   */
  stopCanister(canisterId: Uint8Array, onSettled?: (stopped: boolean) => void): CanisterStatus {
    const actor = this.#actor(canisterId);
    const status = lifecycle.stop(actor, this.parts.store);
    if (onSettled !== undefined) {
      if (status === 'stopped') onSettled(true);
      else lifecycle.whenStopped(actor, onSettled);
    }
    return status;
  }

  /** ICP's `start_canister`. */
  startCanister(canisterId: Uint8Array): void {
    lifecycle.start(this.#actor(canisterId), this.parts.store);
  }

  /** ICP's `delete_canister`: only a stopped canister; its state is gone for good. */
  deleteCanister(canisterId: Uint8Array): void {
    admin.deleteCanister(this.parts, this.#actor(canisterId));
  }

  /**
   * ICP's `uninstall_code`: rejects every open call context (their callbacks are closures of
   * the code being removed), then removes the code, heap, stable maps and timers.
   */
  uninstallCode(canisterId: Uint8Array): void {
    admin.uninstallCode(this.parts, this.#actor(canisterId));
  }

  /** Takes a snapshot of a stopped canister (at most 10); returns its id. */
  takeSnapshot(canisterId: Uint8Array): number {
    return snapshots.takeSnapshot(this.#actor(canisterId), this.parts.store, this.now());
  }

  /** Restores a stopped canister to a snapshot: code, heap and stable maps. */
  loadSnapshot(canisterId: Uint8Array, snapshotId: number): void {
    const actor = this.#actor(canisterId);
    snapshots.loadSnapshot(actor, this.parts.store, snapshotId);
    this.parts.openCalls.touch(actor);
    if (!this.inBatch) this.parts.batch.commit();
  }

  /** A canister's snapshots, oldest first. */
  listSnapshots(canisterId: Uint8Array): SnapshotInfo[] {
    return snapshots.listSnapshots(this.#actor(canisterId), this.parts.store);
  }

  /** Deletes a snapshot. */
  deleteSnapshot(canisterId: Uint8Array, snapshotId: number): void {
    snapshots.deleteSnapshot(this.#actor(canisterId), this.parts.store, snapshotId);
  }

  /**
   * Queues an ingress update call; `onAnswer` receives its outcome once (at once when the
   * canister's queue from this sender is full). Throws `ERR_PAYLOAD_TOO_LARGE` for an argument
   * over the ingress limit (the HTTP interface answers 413).
   */
  submit(call: IngressCall, onAnswer: (outcome: Outcome) => void): void {
    submitIngress(this.parts, call, onAnswer);
  }

  /**
   * Queues a request that arrived on a certified stream from another subnet; `onAnswer` gets
   * its outcome and the unaccepted cycles once the answer is committed (`hooks.record` at once,
   * inside the batch's transaction). Returns false when the request was refused at once (its
   * callee's queue is full, say): `onAnswer` was already told.
   */
  induct(
    request: InductedRequest,
    onAnswer: (outcome: Outcome, refund: bigint) => void,
    hooks: InductHooks = {},
  ): boolean {
    return inductRemote(this.parts.router, request, onAnswer, hooks);
  }

  /** Delivers the response, from another subnet's stream, to a call this runtime routed out. */
  deliverRemote(replyTo: RequestMessage['replyTo'], outcome: Outcome, refund: bigint): void {
    this.parts.router.deliver(replyTo, outcome, refund);
  }

  /** Runs a query call now, on committed state, and returns its outcome. */
  query(call: IngressCall): Outcome {
    return runQuery(this.parts, call);
  }

  /** A canister's committed certified data (ICP's `certified_data`; empty when never set). */
  certifiedData(canisterId: Uint8Array): Uint8Array {
    return this.parts.certifiedData.get(this.#actor(canisterId));
  }

  /** Counts certified-data changes: a certifier re-signs its tree when this moved. */
  get certifiedDataVersion(): number {
    return this.parts.certifiedData.version;
  }

  /**
   * Where non-replicated queries get their data certificate (`dataCertificate()` in the
   * CDK): the HTTP interface, which certifies the state tree, sets it; without it queries
   * see none.
   */
  setDataCertificateSource(source: DataCertificateSource | undefined): void {
    this.parts.certifiedData.source = source;
  }

  /** The source {@link setDataCertificateSource} set last. */
  get dataCertificateSource(): DataCertificateSource | undefined {
    return this.parts.certifiedData.source;
  }

  /**
   * ICP's ingress message inspection: runs the canister's `@inspectMessage` for `call` on
   * committed state, discards its writes, and says whether the message is accepted. The HTTP
   * interface calls it before it submits an ingress update; `submit` itself does not inspect.
   */
  inspectMessage(call: IngressCall): InspectResult {
    return inspectMessage(call, this.parts);
  }

  /** Description (methods, Candid) of an installed canister; loads its code if needed. */
  describe(canisterId: Uint8Array): CanisterDescription | undefined {
    const actor = this.actors.get(toHex(canisterId));
    if (actor === undefined) return undefined;
    this.parts.ensureLoaded(actor);
    return actor.description;
  }

  /** A canister's status: running, stopping or stopped. */
  status(canisterId: Uint8Array): CanisterStatus {
    return this.#actor(canisterId).record.status;
  }

  /** Registry records of every canister (reads every record not read yet). */
  canisters(): CanisterRecord[] {
    return [...this.actors.values()].map((a) => a.record);
  }

  /** How many canisters are installed or created (reads no record). */
  get canisterCount(): number {
    return this.actors.count;
  }

  /** Ids of every canister, in creation order. */
  canisterIds(): Uint8Array[] {
    return [...this.actors.values()]
      .sort((a, b) => a.record.index - b.record.index)
      .map((a) => a.record.id);
  }

  /** How many canisters have a realm loaded now (hibernation unloads idle ones). */
  loadedCanisters(): number {
    let n = 0;
    for (const actor of this.actors.made()) if (actor.sandbox !== undefined) n++;
    return n;
  }

  /** A canister's log lines, oldest first. */
  logs(canisterId: Uint8Array): readonly LogLine[] {
    return this.#actor(canisterId).log;
  }

  /** Whether a canister with this id exists (reads no record). */
  hasCanister(canisterId: Uint8Array): boolean {
    return this.actors.has(toHex(canisterId));
  }

  /** A canister's registry record (controllers, cycles, version, module hash, …). */
  record(canisterId: Uint8Array): CanisterRecord {
    return this.#actor(canisterId).record;
  }

  /** A canister's settings. */
  settings(canisterId: Uint8Array): CanisterSettings {
    return parseSettings(this.#actor(canisterId).record.settingsJson);
  }

  /** ICP's `update_settings`: changes settings and controllers; bumps `canister_version`. */
  updateSettings(canisterId: Uint8Array, update: SettingsUpdate): void {
    settings.updateSettings(this.#actor(canisterId), this.parts.store, update);
  }

  /** A canister's cycle balance. */
  cycleBalance(canisterId: Uint8Array): bigint {
    return this.#actor(canisterId).record.cycles;
  }

  /** Adds cycles to a canister (`deposit_cycles`, `provisional_top_up_canister`). */
  depositCycles(canisterId: Uint8Array, amount: bigint): void {
    settings.depositCycles(this.#actor(canisterId), this.parts.store, amount);
  }

  /** Open call contexts of a canister (for tests and status). */
  openContexts(canisterId: Uint8Array): number {
    return this.#actor(canisterId).contexts.size;
  }

  #actor(canisterId: Uint8Array): CanisterActor {
    const actor = this.actors.get(toHex(canisterId));
    if (actor === undefined)
      throw new RuntimeError(
        'ERR_CANISTER_NOT_FOUND',
        `canister ${principalText(canisterId)} not found`,
      );
    return actor;
  }

  /** The call limits in force (queue capacity, payload sizes, depth, timeout cap). */
  get callLimits(): CallLimits {
    return this.parts.limits;
  }

  /** The fees in force. */
  get fees(): CycleFees {
    return this.parts.fees;
  }
}
