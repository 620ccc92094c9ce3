/**
 * The call path between canisters: sending a committed execution's calls (with ICP's refusals:
 * call depth, full queues, load shedding), delivering answers to callers exactly once, and
 * answering bounded-wait calls whose deadline passed with SYS_UNKNOWN.
 *
 * Attached cycles travel with the request; the unaccepted rest travels back with the response
 * (`refund`). A callee that is not a canister (the management canister, say) receives the
 * request's `cycles`, keeps what it accepts and answers through {@link CallRouter.deliver}
 * with the rest as the refund, so cycles are conserved on every guaranteed-response call.
 */
import { Rejects } from '@tincan/abi';
import type { CanisterActor } from '../canisters/canister-actor.js';
import type { CallContext, Callback } from './call-context.js';
import type { Deadlines } from './deadlines.js';
import type { OutgoingCall } from '../execution/execution.js';
import type { CallLimits, PairQueues } from './limits.js';
import type { NewMessage, Outcome, ReplyTarget, RequestMessage } from './messages.js';
import { fromHex, toHex } from '../canisters/principal-ids.js';
import { principalText } from '../canisters/principal-text.js';
import type { Shedder } from './shedding.js';

/** What the router needs from the runtime. */
export interface CallRouterDeps {
  readonly enqueue: (message: NewMessage) => void;
  /** Runs `deliver` once the open batch has committed. */
  readonly hold: (deliver: () => void) => void;
  readonly queues: PairQueues;
  readonly limits: CallLimits;
  readonly shedder: Shedder;
  readonly deadlines: Deadlines;
  /** Told of every durable ingress answer (replay protection keeps it). */
  readonly ingressAnswered: (
    target: Extract<ReplyTarget, { kind: 'ingress' }>,
    outcome: Outcome,
  ) => void;
  /** Told when the open calls of the canister with this hex id change outside its executions. */
  readonly touched: (canister: string) => void;
}

/** Routes requests and responses between canisters. */
export class CallRouter {
  readonly #deps: CallRouterDeps;

  constructor(deps: CallRouterDeps) {
    this.#deps = deps;
  }

  /** Sends a call made by a committed execution of `actor` under `ctx`. */
  send(actor: CanisterActor, ctx: CallContext, call: OutgoingCall): void {
    const callback: Callback = {
      callId: call.callId,
      context: call.oneway ? undefined : ctx,
      deadlineNs: call.deadlineNs,
      responded: false,
      callee: toHex(call.callee),
      method: call.method,
      cycles: call.cycles,
    };
    if (!call.oneway) ctx.outstanding++;
    actor.callbacks.set(call.callId, callback);
    if (call.deadlineNs > 0n) this.#deps.deadlines.add(actor.key, callback);
    const replyTo: ReplyTarget = { kind: 'canister', canister: actor.key, callback };
    const { limits } = this.#deps;
    if (ctx.depth >= limits.maxCallDepth) {
      this.#respond(
        replyTo,
        { reject: Rejects.callTooDeep(call.method, ctx.depth, limits.maxCallDepth) },
        call.cycles,
      );
      return;
    }
    const request: Omit<RequestMessage, 'seq'> = {
      kind: 'request',
      target: toHex(call.callee),
      source: actor.key,
      caller: actor.record.id,
      origin: ctx.origin,
      method: call.method,
      arg: call.arg,
      replyTo,
      deadlineNs: call.deadlineNs,
      cycles: call.cycles,
      depth: ctx.depth + 1,
    };
    const refused = this.queue(request);
    if (refused !== undefined) {
      this.#respond(replyTo, refused, call.cycles);
      return;
    }
  }

  /**
   * Queues a request unless its pair's queue is full (SYS_TRANSIENT) or, for a bounded-wait
   * request, load shedding drops it (SYS_UNKNOWN, its cycles lost). Returns the refusal.
   */
  queue(request: Omit<RequestMessage, 'seq'>): Outcome | undefined {
    const { queues, limits } = this.#deps;
    if (!queues.hasRoom(request.source, request.target, limits.queueCapacity)) {
      return {
        reject: Rejects.queueFull(principalText(fromHex(request.target)), limits.queueCapacity),
      };
    }
    if (request.deadlineNs > 0n && this.#deps.shedder.drop()) {
      this.#respond(request.replyTo, { reject: Rejects.requestShed() }, 0n);
      return undefined;
    }
    this.#deps.enqueue(request);
    return undefined;
  }

  /**
   * Sends an answer where a reply target says, with `refund` (the attached cycles the callee did
   * not accept). Ingress answers wait for the batch to commit, except a query's, which has
   * nothing to make durable. A canister's call gets one response at most: a late one (after
   * its deadline) is dropped, and a bounded-wait response may be shed.
   */
  deliver(target: ReplyTarget, outcome: Outcome, refund: bigint, durable = true): void {
    if (target.kind === 'ingress') {
      if (durable) {
        // Kept in the same COMMIT as the execution that answered, before the answer is released.
        if (target.id !== undefined) this.#deps.ingressAnswered(target, outcome);
        this.#deps.hold(() => target.onAnswer(outcome));
      } else target.onAnswer(outcome);
      return;
    }
    if (target.kind === 'remote') {
      // Written to the reverse stream in the same commit as the execution that answered;
      // leaves on it only once that execution is committed.
      target.record?.(outcome, refund);
      this.#deps.hold(() => target.onAnswer(outcome, refund));
      return;
    }
    if (target.kind !== 'canister' || target.callback.responded) return;
    // A dropped response: the caller hears SYS_UNKNOWN at its deadline.
    if (target.callback.deadlineNs > 0n && this.#deps.shedder.drop()) return;
    this.#respond(target, outcome, refund);
  }

  /** Answers every bounded-wait call whose deadline is at or before `nowNs` with SYS_UNKNOWN. */
  expireDue(nowNs: bigint): void {
    for (const { caller, callback } of this.#deps.deadlines.takeDue(nowNs)) {
      // Refunds nothing: the attached cycles may have been accepted, or may be lost.
      this.#respond(
        { kind: 'canister', canister: caller, callback },
        { reject: Rejects.deadlineExpired() },
        0n,
      );
    }
  }

  /** When the next bounded-wait call expires, if any. */
  nextDeadlineNs(): bigint | undefined {
    return this.#deps.deadlines.nextNs();
  }

  #respond(target: ReplyTarget, outcome: Outcome, refund: bigint): void {
    if (target.kind !== 'canister' || target.callback.responded) return;
    target.callback.responded = true;
    target.callback.refund = refund;
    this.#deps.touched(target.canister);
    this.#deps.enqueue({
      kind: 'response',
      target: target.canister,
      callback: target.callback,
      outcome,
      refund,
    });
  }
}
