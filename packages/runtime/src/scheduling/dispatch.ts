/**
 * Runs the messages the runtime picks: requests (with ICP's refusals and rejects), responses
 * as callbacks, and due timers, each as one execution through the executor.
 */
import { Rejects, rejectMessageForCaller } from '@tincan/abi';
import { missingCanister } from '../calls/missing-canister.js';
import type { CanisterActor } from '../canisters/canister-actor.js';
import type { CallContext } from '../calls/call-context.js';
import { messageFee, type Balances, type CycleFees } from '../cycles/cycles.js';
import { openExecution } from '../execution/execution.js';
import type { Executor } from '../execution/executor.js';
import * as lifecycle from '../lifecycle/lifecycle.js';
import type {
  NewMessage,
  Outcome,
  RequestMessage,
  ResponseMessage,
  TimerMessage,
} from '../calls/messages.js';
import { fromHex } from '../canisters/principal-ids.js';
import { principalText } from '../canisters/principal-text.js';
import type { StateStore } from '../state/state-store.js';
import type { TimerQueue } from './timer-table.js';

/** What the dispatcher needs from the runtime. */
export interface DispatcherDeps {
  readonly actors: Map<string, CanisterActor>;
  /** Every canister's committed timers, by the time they fall due. */
  readonly timerQueue: TimerQueue<CanisterActor>;
  readonly executor: Executor;
  readonly store: StateStore;
  /** Replica time for the next execution. */
  readonly now: () => bigint;
  readonly enqueue: (message: NewMessage) => void;
  /** Loads a canister's code if needed; returns a load error. */
  readonly ensureLoaded: (actor: CanisterActor) => string | undefined;
  readonly balances: Balances;
  readonly fees: CycleFees;
  /** The open calls of `actor` may have changed (they are saved at the batch's end). */
  readonly touched: (actor: CanisterActor) => void;
}

/** Executes picked messages. */
export class Dispatcher {
  readonly #deps: DispatcherDeps;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
  }

  /** When the earliest timer of any running canister is due, if any: for a live driver to wake. */
  nextTimerNs(): bigint | undefined {
    return this.#deps.timerQueue.nextNs((actor) => actor.record.status === 'running');
  }

  /** Queues a message for every timer that is due at the clock's time, in the order they fall due. */
  queueDueTimers(): void {
    // Runs before every step: without timers it reads no clock and allocates nothing. With
    // timers it peeks at the earliest one, whatever the number of canisters.
    const queue = this.#deps.timerQueue;
    if (queue.size === 0) return;
    const now = this.#deps.now();
    // In the order they fall due; ties go by timer id, then by canister creation order. ICP
    // runs no timers on a canister that is stopping or stopped: those stay queued.
    const due = queue.takeDue(
      now,
      (actor) => actor.record.status === 'running' && actor.sandbox !== undefined,
    );
    for (const { owner: actor, id, timer } of due) {
      if (timer.intervalNs > 0n)
        actor.timers.set(id, { atNs: now + timer.intervalNs, intervalNs: timer.intervalNs });
      else actor.timers.delete(id);
      this.#deps.touched(actor);
      this.#deps.enqueue({ kind: 'timer', target: actor.key, timerId: id });
    }
  }

  /** Runs a due timer as its own execution. */
  executeTimer(message: TimerMessage): void {
    const actor = this.#deps.actors.get(message.target);
    if (actor === undefined || actor.sandbox === undefined || actor.record.status !== 'running')
      return;
    // A timer execution may call; its context answers nobody, but holds its callbacks.
    const context: CallContext = {
      id: actor.nextContextId++,
      replyTo: { kind: 'none' },
      caller: actor.record.id,
      origin: actor.record.id,
      method: '<timer>',
      deadlineNs: 0n,
      depth: 0,
      replied: false,
      outstanding: 0,
      cyclesAvailable: 0n,
    };
    actor.contexts.set(context.id, context);
    const exec = openExecution({
      mode: 'timer',
      context,
      method: '<timer>',
      argData: new Uint8Array(),
      caller: actor.record.id,
      origin: actor.record.id,
      timeNs: this.#deps.now(),
    });
    this.#deps.executor.run(actor, exec, 'timer', message.timerId);
    lifecycle.settleStopping(actor, this.#deps.store);
  }

  /** Runs a request: refusals and rejects first, then the method as an execution. */
  executeRequest(message: RequestMessage): void {
    const { executor } = this.#deps;
    const actor = this.#deps.actors.get(message.target);
    // Functions rather than closures: a request that runs (nearly every one) allocates neither.
    const text = principalTextOf;
    const refuse = refuseRequest;
    if (actor === undefined)
      return refuse(
        executor,
        message,
        missingCanister(
          fromHex(message.target),
          message.replyTo.kind === 'canister' || message.replyTo.kind === 'remote',
        ),
      );
    const refused = lifecycle.refusal(actor);
    if (refused !== undefined) return refuse(executor, message, refused);
    if (actor.record.module.length === 0)
      return refuse(executor, message, { reject: Rejects.canisterEmpty(text(message)) });
    const loadError = this.#deps.ensureLoaded(actor);
    if (loadError !== undefined)
      return refuse(executor, message, { reject: Rejects.loadFailed(loadError) });
    const method = actor.methods.get(message.method);
    if (
      method === undefined ||
      (method.mode !== 'update' && method.mode !== 'query' && method.mode !== 'compositeQuery')
    ) {
      return refuse(executor, message, {
        reject: Rejects.methodNotFound(text(message), 'update', message.method),
      });
    }
    // A composite query runs only as a user's query (composite-query.ts), never replicated.
    if (method.mode === 'compositeQuery')
      return refuse(executor, message, { reject: Rejects.compositeQueryReplicated() });
    const timeNs = this.#deps.now();
    // A bounded-wait request that waited past its deadline is dropped unexecuted; its caller
    // hears SYS_UNKNOWN from its own deadline.
    if (message.deadlineNs > 0n && message.deadlineNs <= timeNs) return;
    const { fees, balances } = this.#deps;
    if (actor.record.cycles < actor.freezingThreshold(fees)) {
      return refuse(executor, message, {
        reject: Rejects.outOfCycles(
          text(message),
          actor.record.cycles,
          actor.freezingThreshold(fees),
        ),
      });
    }
    // ICP charges the receiving canister for inducting an ingress message.
    if (message.replyTo.kind === 'ingress' && method.mode === 'update')
      balances.charge(
        actor,
        messageFee(fees.ingressBase, fees.ingressPerByte, message.method, message.arg),
      );
    const context: CallContext = {
      id: actor.nextContextId++,
      replyTo: message.replyTo,
      caller: message.caller,
      origin: message.origin,
      method: message.method,
      deadlineNs: message.deadlineNs,
      depth: message.depth,
      replied: false,
      outstanding: 0,
      cyclesAvailable: message.cycles,
    };
    actor.contexts.set(context.id, context);
    const exec = openExecution({
      mode: method.mode === 'update' ? 'update' : 'query',
      context,
      method: message.method,
      argData: message.arg,
      caller: message.caller,
      origin: message.origin,
      timeNs,
      // Ingress queries (seq -1) run on one replica; everything queued runs replicated.
      replicated: message.seq !== -1,
    });
    if (message.nonReplicated === true) exec.nonReplicated = true;
    executor.run(actor, exec, 'invoke', message.method);
    lifecycle.settleStopping(actor, this.#deps.store);
  }

  /** Runs a response as the callback of the call that made it, after crediting its refund. */
  executeResponse(message: ResponseMessage): void {
    const actor = this.#deps.actors.get(message.target);
    const { callback } = message;
    // The caller was deleted or uninstalled, or the callback was lost in a restart: nothing can run it.
    if (actor === undefined || actor.callbacks.get(callback.callId) !== callback) return;
    actor.callbacks.delete(callback.callId);
    this.#deps.touched(actor);
    // The refund is the caller's whatever its callback does (ICP credits it before running it).
    this.#deps.balances.change(actor, message.refund);
    const context = callback.context;
    if (context === undefined) return; // a one-way call: nothing runs
    context.outstanding--;
    const { outcome } = message;
    const exec = openExecution({
      mode: 'response',
      context,
      method: context.method,
      caller: context.caller,
      origin: context.origin,
      timeNs: this.#deps.now(),
      argData: 'reply' in outcome ? outcome.reply : new Uint8Array(),
      rejectCode: 'reject' in outcome ? outcome.reject.code : 0,
      rejectMessage:
        'reject' in outcome
          ? rejectMessageForCaller(
              outcome.reject.code,
              outcome.reject.message,
              outcome.reject.errorCode,
            )
          : '',
      refunded: message.refund,
    });
    this.#deps.executor.run(actor, exec, 'deliver', callback.callId);
    this.#deps.executor.settle(actor, context);
    lifecycle.settleStopping(actor, this.#deps.store);
  }
}

/** The principal text of a request's target, for reject texts. */
function principalTextOf(message: RequestMessage): string {
  return principalText(fromHex(message.target));
}

/** Refuses a request: a system reject returns every attached cycle to the caller. */
function refuseRequest(executor: Executor, message: RequestMessage, outcome: Outcome): void {
  executor.deliver(message.replyTo, outcome, message.cycles);
}
