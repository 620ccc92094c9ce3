/**
 * The runtime: a set of canister actors, their input queues and the scheduler loop. It is
 * synchronous and single-threaded on purpose: one execution runs at a time, each to its commit
 * point, and the host decides when to step. Storage, clock and scheduling policy are passed in.
 */
import { IcErrorCode, RejectCode, type CanisterDescription } from '@tincan/abi';
import { CanisterActor, type LogLine } from './canister-actor.js';
import type { Clock } from './clock.js';
import { Executor, reject, type ExecutionInfo } from './executor.js';
import type { HeartbeatMessage, Message, NewMessage, Outcome, RequestMessage } from './messages.js';
import { canisterIdFromIndex, toHex } from './principal-ids.js';
import { principalText } from './principal-text.js';
import { fifoPolicy, type SchedulerCandidate, type SchedulerPolicy } from './scheduler-policy.js';
import { Installer, type InitArg, type InstallMode } from './installer.js';
import { Batch } from './batch.js';
import { Dispatcher } from './dispatch.js';
import type { CompiledKernel } from './sandbox/sandbox.js';
import type { CanisterRecord, CanisterStatus, SnapshotInfo, StateStore } from './state-store.js';
import { RuntimeError } from './runtime-error.js';
import { seedWords } from './seed.js';
import { BundleSourceMap } from './source-maps.js';
import * as lifecycle from './lifecycle.js';
import * as snapshots from './canister-snapshots.js';
import * as settings from './canister-settings.js';
import { DEFAULT_CANISTER_SETTINGS, parseSettings, serializeSettings, type CanisterSettings, type SettingsUpdate } from './canister-settings.js';
import { DEFAULT_INSTRUCTION_LIMITS, type InstructionLimits } from './instruction-limits.js';
import { executeSystemRequest, MANAGEMENT_CANISTER_KEY, type SystemCanister } from './system-canister.js';
import { executeHeartbeat, queueHeartbeats } from './heartbeat.js';
import { inspectMessage, type InspectResult } from './inspect-message.js';
import { Balances, ICP_13_NODE_FEES, type CycleFees } from './cycles.js';
import { CallRouter } from './call-router.js';
import { Deadlines } from './deadlines.js';
import { DEFAULT_CALL_LIMITS, PairQueues, type CallLimits } from './limits.js';
import { Shedder, type LoadShedding } from './shedding.js';

/** Executions that share one store commit at most: bounds what a crash can lose. */
const MAX_BATCH = 1_000;

/** Options of a runtime. */
export interface RuntimeOptions {
  readonly store: StateStore;
  readonly clock: Clock;
  readonly kernel: CompiledKernel;
  /** Replica seed; every canister's `Math.random` stream derives from it and its id. */
  readonly seed: Uint8Array;
  readonly scheduler?: SchedulerPolicy;
  /** Execution budgets in tincan's unit (loop iterations and calls); ICP-like defaults. */
  readonly instructionLimits?: Partial<InstructionLimits>;
  /** Wall-clock guard per execution against runaway code; 0 disables it. */
  readonly executionTimeoutMs?: number;
  /** Lines kept per canister log. */
  readonly logLimit?: number;
  /** Receives every canister log line. */
  readonly onLog?: (canisterId: Uint8Array, line: LogLine) => void;
  /** Receives a record of every execution (debug logging): canister, method, kind, units, outcome. */
  readonly onExecution?: (info: ExecutionInfo) => void;
  /** The management canister (`aaaaa-aa`): receives every request addressed to the empty principal. */
  readonly systemCanister?: SystemCanister;
  /** Queue capacity, payload limits, call depth, timeout cap; ICP's defaults. */
  readonly callLimits?: Partial<CallLimits>;
  /** What executions, calls and ingress cost; ICP's 13-node fees by default, `ZERO_FEES` for none. */
  readonly fees?: CycleFees;
  /** Seeded dropping of bounded-wait requests and responses; off by default. */
  readonly loadShedding?: LoadShedding;
}

/** An ingress call, as the runtime receives it. */
export interface IngressCall {
  readonly canisterId: Uint8Array;
  readonly method: string;
  readonly arg: Uint8Array;
  readonly caller: Uint8Array;
}

/** The canister runtime. */
export class Runtime {
  readonly #store: StateStore;
  readonly #clock: Clock;
  readonly #options: RuntimeOptions;
  readonly #actors = new Map<string, CanisterActor>();
  readonly #pending: Message[] = [];
  readonly #executor: Executor;
  readonly #batch: Batch;
  readonly #dispatch: Dispatcher;
  readonly #installer: Installer;
  readonly #router: CallRouter;
  readonly #queues = new PairQueues();
  readonly #deadlines = new Deadlines();
  readonly #balances = new Balances();
  readonly #limits: CallLimits;
  readonly #fees: CycleFees;
  #policy: SchedulerPolicy;
  #seq = 0;
  #lastTimeNs = 0n;
  #lastIndex = 0;
  #inBatch = false;

  /** Opens a runtime on a store, loading every installed canister with its committed state. */
  static open(options: RuntimeOptions): Runtime {
    const runtime = new Runtime(options);
    for (const record of options.store.listCanisters()) {
      runtime.#lastIndex = Math.max(runtime.#lastIndex, record.index);
      runtime.#restore(record);
    }
    return runtime;
  }

  private constructor(options: RuntimeOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#policy = options.scheduler ?? fifoPolicy;
    this.#limits = { ...DEFAULT_CALL_LIMITS, ...options.callLimits };
    this.#fees = options.fees ?? ICP_13_NODE_FEES;
    // Changed balances go into the batch's transaction just before it commits.
    this.#batch = new Batch(this.#store, { pending: () => this.#balances.pending, flush: () => this.#balances.flush(this.#store) });
    this.#router = new CallRouter({
      enqueue: (m) => this.#enqueue(m),
      hold: (deliver) => this.#batch.hold(deliver),
      queues: this.#queues,
      limits: this.#limits,
      shedder: new Shedder(options.loadShedding),
      deadlines: this.#deadlines,
    });
    this.#executor = new Executor({
      store: this.#store,
      batch: this.#batch,
      router: this.#router,
      balances: this.#balances,
      fees: this.#fees,
      onTrap: (actor, message) => this.#log(actor, `[trap] ${message}`),
      onExecution: options.onExecution,
    });
    this.#dispatch = new Dispatcher({
      actors: this.#actors,
      executor: this.#executor,
      store: this.#store,
      now: () => this.#now(),
      enqueue: (m) => this.#enqueue(m),
      ensureLoaded: (actor) => this.#ensureLoaded(actor),
      balances: this.#balances,
      fees: this.#fees,
    });
    this.#installer = new Installer({
      store: this.#store,
      kernel: options.kernel,
      timeoutMs: options.executionTimeoutMs ?? 0,
      now: () => this.#now(),
      bridgeDeps: (actor) => ({
        store: this.#store,
        randomSeed: () => seedWords(options.seed, actor.record.id),
        limits: { ...DEFAULT_INSTRUCTION_LIMITS, ...options.instructionLimits },
        onLog: (a, message) => this.#log(a, message),
        callLimits: this.#limits,
        fees: this.#fees,
      }),
    });
  }

  /** Replaces the scheduling policy (for example a seeded one in a property test). */
  setScheduler(policy: SchedulerPolicy): void {
    this.#policy = policy;
  }

  /**
   * Creates an empty canister and returns its id: the next free one, or `id` when given
   * (`provisional_create_canister_with_cycles`'s `specified_id`; it must be unused).
   */
  createCanister(options: { controllers: readonly Uint8Array[]; cycles?: bigint; settings?: Partial<CanisterSettings>; id?: Uint8Array }): Uint8Array {
    if (options.id !== undefined && this.#actors.has(toHex(options.id))) {
      throw new RuntimeError('ERR_INVALID_ARGUMENT', `canister ${principalText(options.id)} already exists`);
    }
    // Allocated ids skip any id that was specified earlier: an id is never reused.
    do this.#lastIndex++;
    while (this.#actors.has(toHex(canisterIdFromIndex(this.#lastIndex))));
    const index = this.#lastIndex;
    const record: CanisterRecord = {
      id: options.id ?? canisterIdFromIndex(index),
      index,
      module: new Uint8Array(),
      moduleHash: new Uint8Array(),
      candid: '',
      controllers: options.controllers,
      status: 'running',
      version: 0n,
      cycles: options.cycles ?? 0n,
      settingsJson: serializeSettings({ ...DEFAULT_CANISTER_SETTINGS, ...options.settings }),
    };
    this.#store.putCanister(record);
    this.#actors.set(toHex(record.id), new CanisterActor(record));
    return record.id;
  }

  /**
   * Installs code (ICP's `install_code`): `install` into an empty canister, `reinstall` with
   * state cleared, or `upgrade` keeping stable state. Atomic; throws if loading, `@init`,
   * `@preUpgrade` or `@postUpgrade` fails, leaving the canister as it was.
   */
  installCode(canisterId: Uint8Array, bundle: string, arg: InitArg, mode: InstallMode = 'install', sourceMap?: string): CanisterDescription {
    const actor = this.#actor(canisterId);
    const text = principalText(canisterId);
    const installed = actor.record.module.length > 0;
    if (mode === 'install' && installed) throw new RuntimeError('ERR_INVALID_ARGUMENT', `canister ${text} already has code installed; upgrade or reinstall it`);
    if (mode !== 'install' && !installed) throw new RuntimeError('ERR_CANISTER_EMPTY', `canister ${text} has no code to ${mode}`);
    // An upgrade runs the old code's @preUpgrade, so the old code must be loaded.
    if (mode === 'upgrade') this.#ensureLoaded(actor);
    // Callbacks of open calls are closures of the old code: they cannot survive new code.
    if (actor.contexts.size > 0) throw new RuntimeError('ERR_INVALID_ARGUMENT', `canister ${text} has ${actor.contexts.size} open call context(s); wait for them before you ${mode}`);
    const description = this.#installer.install(actor, bundle, arg, mode);
    actor.sourceMap = sourceMap === undefined || sourceMap === '' ? undefined : new BundleSourceMap(sourceMap);
    return description;
  }

  /** Loads a bundle without installing it and returns its methods and Candid interface. */
  inspectBundle(bundle: string): CanisterDescription {
    const probe = new CanisterActor({
      id: new Uint8Array([0xff]), index: 0, module: new Uint8Array(), moduleHash: new Uint8Array(), candid: '',
      controllers: [], status: 'running', version: 0n, cycles: 0n, settingsJson: '{}',
    });
    return this.#installer.inspect(probe, bundle);
  }

  /**
   * ICP's `stop_canister`: returns `stopped`, or `stopping` while call contexts are open.
   * `onSettled` is told once the canister is stopped (true), or started again first (false).
   */
  stopCanister(canisterId: Uint8Array, onSettled?: (stopped: boolean) => void): CanisterStatus {
    const actor = this.#actor(canisterId);
    const status = lifecycle.stop(actor, this.#store);
    if (onSettled !== undefined) {
      if (status === 'stopped') onSettled(true);
      else lifecycle.whenStopped(actor, onSettled);
    }
    return status;
  }

  /** ICP's `start_canister`. */
  startCanister(canisterId: Uint8Array): void {
    lifecycle.start(this.#actor(canisterId), this.#store);
  }

  /** ICP's `delete_canister`: only a stopped canister; its state is gone for good. */
  deleteCanister(canisterId: Uint8Array): void {
    const actor = this.#actor(canisterId);
    lifecycle.assertDeletable(actor);
    this.#store.deleteCanister(actor.record.id);
    this.#actors.delete(actor.key);
    this.#deadlines.forget(actor.key);
  }

  /**
   * ICP's `uninstall_code`: rejects every open call context (their callbacks are closures of
   * the code being removed), then removes the code, heap, stable maps and timers.
   */
  uninstallCode(canisterId: Uint8Array): void {
    const actor = this.#actor(canisterId);
    const text = principalText(canisterId);
    for (const ctx of [...actor.contexts.values()]) {
      this.#executor.answer(actor, ctx, reject(RejectCode.CanisterError, IcErrorCode.CanisterEmpty, `Canister ${text} has been uninstalled`));
    }
    actor.contexts.clear();
    actor.callbacks.clear();
    this.#deadlines.forget(actor.key);
    this.#store.begin();
    this.#store.clearHeap(actor.record.id);
    this.#store.clearStable(actor.record.id);
    actor.record = { ...actor.record, module: new Uint8Array(), moduleHash: new Uint8Array(), candid: '', version: actor.record.version + 1n };
    this.#store.putCanister(actor.record);
    this.#batch.commit();
    actor.sandbox = undefined;
    actor.sourceMap = undefined;
    actor.setDescription(undefined);
    actor.timers.clear();
    lifecycle.settleStopping(actor, this.#store);
  }

  /** Takes a snapshot of a stopped canister (at most 10); returns its id. */
  takeSnapshot(canisterId: Uint8Array): number {
    return snapshots.takeSnapshot(this.#actor(canisterId), this.#store, this.#now());
  }

  /** Restores a stopped canister to a snapshot: code, heap and stable maps. */
  loadSnapshot(canisterId: Uint8Array, snapshotId: number): void {
    snapshots.loadSnapshot(this.#actor(canisterId), this.#store, snapshotId);
  }

  /** A canister's snapshots, oldest first. */
  listSnapshots(canisterId: Uint8Array): SnapshotInfo[] {
    return snapshots.listSnapshots(this.#actor(canisterId), this.#store);
  }

  /** Deletes a snapshot. */
  deleteSnapshot(canisterId: Uint8Array, snapshotId: number): void {
    snapshots.deleteSnapshot(this.#actor(canisterId), this.#store, snapshotId);
  }

  /**
   * Queues an ingress update call; `onAnswer` receives its outcome once (at once when the
   * canister's queue from this sender is full). Throws `ERR_PAYLOAD_TOO_LARGE` for an argument
   * over the ingress limit (the HTTP interface answers 413).
   */
  submit(call: IngressCall, onAnswer: (outcome: Outcome) => void): void {
    this.#checkIngressSize(call);
    const refused = this.#router.queue({
      kind: 'request',
      target: toHex(call.canisterId),
      source: `user:${toHex(call.caller)}`,
      caller: call.caller,
      origin: call.caller,
      method: call.method,
      arg: call.arg,
      replyTo: { kind: 'ingress', onAnswer },
      deadlineNs: 0n,
      cycles: 0n,
      depth: 0,
    });
    if (refused !== undefined) onAnswer(refused);
  }

  #checkIngressSize(call: IngressCall): void {
    const max = this.#limits.maxIngressPayloadBytes;
    if (call.arg.length > max) throw new RuntimeError('ERR_PAYLOAD_TOO_LARGE', `ingress argument of ${call.arg.length} bytes exceeds the limit of ${max} bytes`);
  }

  /** Runs a query call now, on committed state, and returns its outcome. */
  query(call: IngressCall): Outcome {
    this.#checkIngressSize(call);
    if (call.canisterId.length === 0 && this.#options.systemCanister !== undefined) {
      return this.#options.systemCanister.handleQuery({ caller: call.caller, origin: call.caller, method: call.method, arg: call.arg });
    }
    const actor = this.#actors.get(toHex(call.canisterId));
    if (actor !== undefined) this.#ensureLoaded(actor);
    const mode = actor?.methods.get(call.method)?.mode;
    if (actor?.sandbox !== undefined && mode !== 'query' && mode !== 'compositeQuery') {
      return reject(RejectCode.CanisterError, IcErrorCode.CanisterMethodNotFound, `Canister ${principalText(call.canisterId)} has no query method '${call.method}'`);
    }
    let outcome: Outcome | undefined;
    this.#dispatch.executeRequest({
      kind: 'request', seq: -1, target: toHex(call.canisterId), source: `user:${toHex(call.caller)}`,
      caller: call.caller, origin: call.caller, method: call.method, arg: call.arg,
      replyTo: { kind: 'ingress', onAnswer: (o) => { outcome = o; } }, deadlineNs: 0n, cycles: 0n, depth: 0,
    });
    // A query keeps no writes, but its transaction must still end.
    this.#batch.commit();
    if (outcome === undefined) throw new RuntimeError('ERR_KERNEL', 'query produced no outcome');
    return outcome;
  }

  /**
   * ICP's ingress message inspection: runs the canister's `@inspectMessage` for `call` on
   * committed state, discards its writes, and says whether the message is accepted. The HTTP
   * interface calls it before it submits an ingress update; `submit` itself does not inspect.
   */
  inspectMessage(call: IngressCall): InspectResult {
    return inspectMessage(call, { actors: this.#actors, executor: this.#executor, batch: this.#batch, ensureLoaded: (a) => this.#ensureLoaded(a), now: () => this.#now() });
  }

  /** Executes one message and commits it. Returns false when nothing was pending. */
  step(): boolean {
    return this.runBatch((n) => n < 1) > 0;
  }

  /**
   * Executes messages while `more()` says so and messages are pending, as one batch: one store
   * commit for all of them, after which their ingress answers are released. Returns the count.
   */
  runBatch(more: (executed: number) => boolean): number {
    let executed = 0;
    this.#inBatch = true;
    try {
      while (more(executed) && this.#stepInBatch()) executed++;
    } finally {
      this.#inBatch = false;
      this.#batch.commit();
    }
    return executed;
  }

  #stepInBatch(): boolean {
    this.#dispatch.queueDueTimers();
    if (this.#deadlines.size > 0) this.#router.expireDue(this.#now());
    if (this.#pending.length === 0) return false;
    const index = this.#policy.fifo ? 0 : this.#pickIndex();
    const [message] = this.#pending.splice(index, 1);
    if (message === undefined) return false;
    if (message.kind === 'request') {
      this.#queues.remove(message.source, message.target);
      if (message.target === MANAGEMENT_CANISTER_KEY) this.#executeSystem(message);
      else this.#dispatch.executeRequest(message);
    } else if (message.kind === 'response') this.#dispatch.executeResponse(message);
    else if (message.kind === 'heartbeat') this.#executeHeartbeat(message);
    else this.#dispatch.executeTimer(message);
    return true;
  }

  #executeSystem(message: RequestMessage): void {
    executeSystemRequest(message, { system: this.#options.systemCanister, batch: this.#batch, executor: this.#executor, inBatch: () => this.#inBatch });
  }

  #executeHeartbeat(message: HeartbeatMessage): void {
    executeHeartbeat(message, { actors: this.#actors, executor: this.#executor, store: this.#store, now: () => this.#now() });
  }

  /**
   * Starts a round's heartbeats: queues one `@heartbeat` execution for every running canister
   * that has one (and none waiting from an earlier round). Returns how many were queued.
   */
  queueHeartbeats(): number {
    return queueHeartbeats(this.#actors.values(), this.#pending, (m) => this.#enqueue(m), (actor) => this.#ensureLoaded(actor));
  }

  /** Runs until no message is pending or `maxSteps` ran, committing every 1,000 executions. */
  runUntilIdle(maxSteps = Number.POSITIVE_INFINITY): number {
    let steps = 0;
    for (;;) {
      const ran = this.runBatch((n) => n < MAX_BATCH && steps + n < maxSteps);
      steps += ran;
      if (ran === 0 || steps >= maxSteps) return steps;
    }
  }

  /** Number of messages waiting. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Description (methods, Candid) of an installed canister; loads its code if needed. */
  describe(canisterId: Uint8Array): CanisterDescription | undefined {
    const actor = this.#actors.get(toHex(canisterId));
    if (actor === undefined) return undefined;
    this.#ensureLoaded(actor);
    return actor.description;
  }

  /** A canister's status: running, stopping or stopped. */
  status(canisterId: Uint8Array): CanisterStatus {
    return this.#actor(canisterId).record.status;
  }

  /** Registry records of every canister. */
  canisters(): CanisterRecord[] {
    return [...this.#actors.values()].map((a) => a.record);
  }

  /** A canister's log lines, oldest first. */
  logs(canisterId: Uint8Array): readonly LogLine[] {
    return this.#actor(canisterId).log;
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
    settings.updateSettings(this.#actor(canisterId), this.#store, update);
  }

  /** A canister's cycle balance. */
  cycleBalance(canisterId: Uint8Array): bigint {
    return this.#actor(canisterId).record.cycles;
  }

  /** Adds cycles to a canister (`deposit_cycles`, `provisional_top_up_canister`). */
  depositCycles(canisterId: Uint8Array, amount: bigint): void {
    settings.depositCycles(this.#actor(canisterId), this.#store, amount);
  }

  /** Open call contexts of a canister (for tests and status). */
  openContexts(canisterId: Uint8Array): number {
    return this.#actor(canisterId).contexts.size;
  }

  #actor(canisterId: Uint8Array): CanisterActor {
    const actor = this.#actors.get(toHex(canisterId));
    if (actor === undefined) throw new RuntimeError('ERR_CANISTER_NOT_FOUND', `canister ${principalText(canisterId)} not found`);
    return actor;
  }

  /** Registers a canister from the store. Its code loads on first use: opening is O(1) per canister. */
  #restore(record: CanisterRecord): void {
    this.#actors.set(toHex(record.id), new CanisterActor(record));
  }

  /** Loads an installed canister's code and committed heap if not loaded yet; returns a load error. */
  #ensureLoaded(actor: CanisterActor): string | undefined {
    if (actor.sandbox !== undefined || actor.record.module.length === 0) return undefined;
    try {
      this.#installer.restore(actor);
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }

  /** Whether a step would run something now: a pending message, a due timer or a passed deadline. */
  hasWork(): boolean {
    if (this.#pending.length > 0) return true;
    const next = this.nextTimerNs();
    return next !== undefined && next <= this.#clock.nowNs();
  }

  /**
   * When the earliest timer of any running canister is due, or the earliest bounded-wait call
   * expires, if any: for a live driver to wake.
   */
  nextTimerNs(): bigint | undefined {
    const timer = this.#dispatch.nextTimerNs();
    const deadline = this.#deadlines.size > 0 ? this.#router.nextDeadlineNs() : undefined;
    if (timer === undefined) return deadline;
    return deadline !== undefined && deadline < timer ? deadline : timer;
  }

  /** The call limits in force (queue capacity, payload sizes, depth, timeout cap). */
  get callLimits(): CallLimits {
    return this.#limits;
  }

  /** The fees in force. */
  get fees(): CycleFees {
    return this.#fees;
  }

  #enqueue(message: NewMessage): void {
    if (message.kind === 'request') this.#queues.add(message.source, message.target);
    this.#pending.push({ ...message, seq: this.#seq++ } as Message);
  }

  #now(): bigint {
    const now = this.#clock.nowNs();
    if (now > this.#lastTimeNs) this.#lastTimeNs = now;
    return this.#lastTimeNs;
  }

  #log(actor: CanisterActor, message: string): void {
    actor.appendLog(message, this.#lastTimeNs, this.#options.logLimit ?? 10_000);
    const line = actor.log[actor.log.length - 1];
    if (line !== undefined) this.#options.onLog?.(actor.record.id, line);
  }

  /** Runnable messages: every response, and the oldest request of each caller→callee pair. */
  #pickIndex(): number {
    const candidates: Array<SchedulerCandidate & { index: number }> = [];
    const seenPairs = new Set<string>();
    this.#pending.forEach((m, index) => {
      if (m.kind === 'request') {
        const pair = `${m.source}>${m.target}`;
        if (seenPairs.has(pair)) return;
        seenPairs.add(pair);
      }
      candidates.push({ seq: m.seq, canister: m.target, kind: m.kind, index });
    });
    return candidates[this.#policy.pick(candidates)]?.index ?? 0;
  }
}
