/**
 * The runtime's message loop and the state it changes: the pending list, the scheduling policy,
 * the batch flag and the clock's high-water mark. It steps one picked message at a time to its
 * commit point, in batches, and starts heartbeat rounds. `Runtime` extends it with the public
 * API on canisters and calls; the stateless parts of the loop are in `scheduling/run-loop.ts`.
 */
import type { CallRouter } from './calls/call-router.js';
import type { Deadlines } from './calls/deadlines.js';
import type { PairQueues } from './calls/limits.js';
import type { Message, NewMessage } from './calls/messages.js';
import { executeSystemRequest, MANAGEMENT_CANISTER_KEY } from './calls/system-canister.js';
import type { CanisterActor } from './canisters/canister-actor.js';
import { toHex } from './canisters/principal-ids.js';
import type { RuntimeOptions } from './runtime-options.js';
import { wireRuntime, type RuntimeParts } from './runtime-parts.js';
import type { Clock } from './scheduling/clock.js';
import type { Dispatcher } from './scheduling/dispatch.js';
import { executeHeartbeat, queueHeartbeats } from './scheduling/heartbeat.js';
import { earliestNs, pickIndex, runUntilIdle } from './scheduling/run-loop.js';
import { fifoPolicy, type SchedulerPolicy } from './scheduling/scheduler-policy.js';
import { ActorRegistry } from './state/actor-registry.js';
import type { Batch } from './state/batch.js';
import { routeRemote } from './xnet/remote-calls.js';

/** The message loop a `Runtime` runs its canisters on. */
export abstract class RuntimeLoop {
  readonly #clock: Clock;
  /** The options the runtime was opened with. */
  protected readonly options: RuntimeOptions;
  /** Every canister, by hex id. */
  protected readonly actors = new ActorRegistry();
  readonly #pending: Message[] = [];
  /** Everything the delegate modules take; the loop's hot parts are also fields of their own. */
  protected readonly parts: RuntimeParts;
  readonly #batch: Batch;
  readonly #dispatch: Dispatcher;
  readonly #router: CallRouter;
  readonly #queues: PairQueues;
  readonly #deadlines: Deadlines;
  #policy: SchedulerPolicy;
  #seq = 0;
  #lastTimeNs = 0n;
  #inBatch = false;

  protected constructor(options: RuntimeOptions) {
    this.options = options;
    this.#clock = options.clock;
    this.#policy = options.scheduler ?? fifoPolicy;
    this.parts = wireRuntime(options, this.actors, {
      enqueue: (m) => this.#enqueue(m),
      now: () => this.now(),
      log: (actor, message) => this.log(actor, message),
      inBatch: () => this.#inBatch,
    });
    this.#batch = this.parts.batch;
    this.#dispatch = this.parts.dispatch;
    this.#router = this.parts.router;
    this.#queues = this.parts.queues;
    this.#deadlines = this.parts.deadlines;
  }

  /** Whether a batch is running (changes outside one commit at once). */
  protected get inBatch(): boolean {
    return this.#inBatch;
  }

  /** Replaces the scheduling policy (for example a seeded one in a property test). */
  setScheduler(policy: SchedulerPolicy): void {
    this.#policy = policy;
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
    if (this.#deadlines.size > 0) this.#router.expireDue(this.now());
    if (this.#pending.length === 0) return false;
    const index = this.#policy.fifo ? 0 : pickIndex(this.#pending, this.#policy);
    const [message] = this.#pending.splice(index, 1);
    if (message === undefined) return false;
    if (message.kind === 'request') {
      this.#queues.remove(message.source, message.target);
      // A request from another subnet's stream: its stream position is marked handled in this batch's commit.
      if (message.replyTo.kind === 'remote') message.replyTo.onPicked?.();
      if (message.target === MANAGEMENT_CANISTER_KEY) executeSystemRequest(message, this.parts);
      else if (
        this.options.subnet !== undefined &&
        !this.actors.has(message.target) &&
        routeRemote(message, this.options.subnet, this.parts.executor)
      )
        return true;
      else this.#dispatch.executeRequest(message);
    } else if (message.kind === 'response') this.#dispatch.executeResponse(message);
    else if (message.kind === 'heartbeat') executeHeartbeat(message, this.parts);
    else this.#dispatch.executeTimer(message);
    return true;
  }

  /**
   * Starts a round's heartbeats: queues one `@heartbeat` execution for every running canister
   * that has one (and none waiting from an earlier round). Returns how many were queued.
   */
  queueHeartbeats(): number {
    const { traits } = this.parts;
    // A canister not loaded yet is loaded only when its module has a heartbeat, or is not known.
    const skip = (actor: CanisterActor): boolean =>
      actor.sandbox === undefined && traits.hasHeartbeat(actor.record.moduleHash) === false;
    return queueHeartbeats(
      this.#heartbeatCandidates(),
      this.#pending,
      (m) => this.#enqueue(m),
      (actor) => this.parts.ensureLoaded(actor),
      skip,
    );
  }

  /**
   * The canisters a heartbeat round looks at: every one whose record was read, and of the
   * others only those whose module has (or may have) a heartbeat, so a round reads no record
   * it does not need.
   */
  *#heartbeatCandidates(): Generator<CanisterActor> {
    const { traits } = this.parts;
    const unread: string[] = [];
    for (const key of this.actors.pendingKeys()) {
      if (key.status === 'running' && traits.hasHeartbeat(key.moduleHash) !== false)
        unread.push(toHex(key.id));
    }
    yield* [...this.actors.made()];
    for (const key of unread) {
      const actor = this.actors.get(key);
      if (actor !== undefined) yield actor;
    }
  }

  /** Runs until no message is pending or `maxSteps` ran, committing every 1,000 executions. */
  runUntilIdle(maxSteps = Number.POSITIVE_INFINITY): number {
    return runUntilIdle((more) => this.runBatch(more), maxSteps);
  }

  /** Number of messages waiting. */
  get pendingCount(): number {
    return this.#pending.length;
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
    return earliestNs(timer, this.#deadlines.size > 0 ? this.#router.nextDeadlineNs() : undefined);
  }

  #enqueue(message: NewMessage): void {
    if (message.kind === 'request') this.#queues.add(message.source, message.target);
    // Every new message is a fresh object handed over to the runtime: numbering it in place
    // saves copying it (an object spread per message is measurable on the round trip).
    (message as { seq?: number }).seq = this.#seq++;
    this.#pending.push(message as Message);
  }

  /** Replica time for the next execution (never behind an earlier one). */
  protected now(): bigint {
    const now = this.#clock.nowNs();
    if (now > this.#lastTimeNs) this.#lastTimeNs = now;
    return this.#lastTimeNs;
  }

  /** Appends a line to a canister's log and tells the host. */
  protected log(actor: CanisterActor, message: string): void {
    actor.appendLog(message, this.#lastTimeNs, this.options.logLimit ?? 10_000);
    const line = actor.log[actor.log.length - 1];
    if (line !== undefined) this.options.onLog?.(actor.record.id, line);
  }
}
