/**
 * Runs one message execution on a canister and applies its outcome: the commit-point logic.
 *
 * - A committed execution writes heap and stable changes in one store transaction, and only
 *   then releases its effects: the answer to its call context and its outgoing calls.
 * - A trapped execution rolls back the store transaction and the heap in place, forgets the
 *   calls it made, and answers its context with CANISTER_ERROR when nothing else can.
 * - A query's or a message inspection's changes are always discarded.
 */
import { IcErrorCode, RejectCode, type Reject } from '@tincan/abi';
import { applyTimerOps, type CanisterActor } from './canister-actor.js';
import type { CallContext } from './call-context.js';
import { neverCommits, type Execution, type OutgoingCall } from './execution.js';
import type { NewMessage, Outcome, ReplyTarget } from './messages.js';
import type { StateStore } from './state-store.js';
import type { Batch } from './batch.js';
import { messageOf } from './sandbox/sandbox.js';
import { toHex } from './principal-ids.js';
import { principalText } from './principal-text.js';

/** What the executor needs from the runtime around it. */
export interface ExecutorDeps {
  readonly store: StateStore;
  readonly batch: Batch;
  /** Queues a message for later execution. */
  readonly enqueue: (message: NewMessage) => void;
  readonly onTrap: (actor: CanisterActor, message: string) => void;
  /** Called after every execution, when set (it costs one more kernel op per execution). */
  readonly onExecution?: ((info: ExecutionInfo) => void) | undefined;
}

/** What the optional execution log reports. */
export interface ExecutionInfo {
  readonly canisterId: Uint8Array;
  readonly method: string;
  readonly kind: Execution['mode'];
  /** Units of the execution budget it spent (loop iterations and calls). */
  readonly instructions: number;
  readonly outcome: 'committed' | 'trapped' | 'discarded';
  readonly trap?: string;
}

/** Builds a reject outcome. */
export function reject(code: RejectCode, errorCode: IcErrorCode, message: string): Outcome {
  const value: Reject = { code, errorCode, message };
  return { reject: value };
}

/** Executes messages on canisters and applies their outcomes. */
export class Executor {
  readonly #deps: ExecutorDeps;

  constructor(deps: ExecutorDeps) {
    this.#deps = deps;
  }

  /** Runs kernel op `op` as execution `exec` of `actor`, then commits or rolls back. */
  run(actor: CanisterActor, exec: Execution, op: 'invoke' | 'deliver' | 'timer', arg: string | number): void {
    const sandbox = actor.sandbox;
    if (sandbox === undefined) throw new Error('executor: canister has no sandbox');
    actor.current = exec;
    this.#deps.batch.beginExecution();
    try {
      sandbox.op(op, arg);
    } catch (err) {
      // Only errors that escaped the kernel land here: a timeout, or a kernel failure.
      exec.trap ??= messageOf(err);
    } finally {
      actor.current = undefined;
    }
    const spent = this.#deps.onExecution === undefined ? 0 : (sandbox.op('spent') as number);
    this.#finish(actor, exec);
    this.#deps.onExecution?.({
      canisterId: actor.record.id,
      method: exec.method,
      kind: exec.mode,
      instructions: spent,
      outcome: exec.trap !== undefined ? 'trapped' : neverCommits(exec.mode) ? 'discarded' : 'committed',
      ...(exec.trap !== undefined && { trap: exec.trap }),
    });
  }

  #finish(actor: CanisterActor, exec: Execution): void {
    const ctx = exec.context;
    if (neverCommits(exec.mode)) {
      this.#rollback(actor);
      if (ctx !== undefined) {
        this.answer(actor, ctx, exec.trap !== undefined ? this.#trapReject(actor, exec.trap) : (exec.answer ?? this.#noReply(actor)), false);
      }
      return;
    }
    let heap: Uint8Array | undefined;
    if (exec.trap === undefined) {
      try {
        heap = actor.sandbox?.op('persist') as Uint8Array;
      } catch (err) {
        exec.trap = `canister state cannot be persisted: ${messageOf(err)}`;
      }
    }
    if (exec.trap !== undefined || heap === undefined) {
      const trap = exec.trap ?? 'no heap snapshot';
      this.#rollback(actor);
      if (exec.calls.length > 0) actor.sandbox?.op('forget', JSON.stringify(exec.calls.map((c) => c.callId)));
      this.#deps.onTrap(actor, trap);
      if (ctx !== undefined && !ctx.replied && ctx.outstanding === 0) this.answer(actor, ctx, this.#trapReject(actor, trap));
      return;
    }
    // An empty snapshot means the heap is unchanged: the stored one still stands.
    if (heap.length > 0) this.#deps.store.writeHeap(actor.record.id, heap);
    this.#deps.batch.keepExecution();
    applyTimerOps(actor, exec.timerOps);
    if (exec.answer !== undefined && ctx !== undefined) this.answer(actor, ctx, exec.answer);
    for (const call of exec.calls) this.#send(actor, ctx, call);
    if (ctx !== undefined && !ctx.replied && ctx.outstanding === 0) this.answer(actor, ctx, this.#noReply(actor));
  }

  /** Answers a call context (once) and closes it when no callbacks still reference it. */
  answer(actor: CanisterActor, ctx: CallContext, outcome: Outcome, durable = true): void {
    if (ctx.replied) return;
    ctx.replied = true;
    if (ctx.outstanding === 0) actor.contexts.delete(ctx.id);
    this.deliver(ctx.replyTo, outcome, durable);
  }

  /**
   * Sends an outcome where a reply target says. Ingress answers wait for the batch to commit,
   * except a query's, which has nothing to make durable.
   */
  deliver(target: ReplyTarget, outcome: Outcome, durable = true): void {
    if (target.kind === 'ingress') {
      if (durable) this.#deps.batch.hold(() => target.onAnswer(outcome));
      else target.onAnswer(outcome);
    }
    else if (target.kind === 'canister') this.#deps.enqueue({ kind: 'response', target: target.canister, callId: target.callId, outcome });
  }

  /** Called when a callback of `ctx` has run: closes the context if it is done. */
  settle(actor: CanisterActor, ctx: CallContext): void {
    if (ctx.replied && ctx.outstanding === 0) actor.contexts.delete(ctx.id);
  }

  #send(actor: CanisterActor, ctx: CallContext | undefined, call: OutgoingCall): void {
    if (!call.oneway && ctx !== undefined) {
      ctx.outstanding++;
      actor.callbacks.set(call.callId, ctx);
    }
    this.#deps.enqueue({
      kind: 'request',
      target: toHex(call.callee),
      source: actor.key,
      caller: actor.record.id,
      origin: ctx?.origin ?? actor.record.id,
      method: call.method,
      arg: call.arg,
      replyTo: call.oneway || ctx === undefined ? { kind: 'none' } : { kind: 'canister', canister: actor.key, callId: call.callId },
      deadlineNs: 0n,
    });
  }

  #rollback(actor: CanisterActor): void {
    this.#deps.batch.dropExecution();
    actor.sandbox?.op('rollback');
  }

  #trapReject(actor: CanisterActor, message: string): Outcome {
    return reject(RejectCode.CanisterError, IcErrorCode.CanisterCalledTrap, `Canister ${principalText(actor.record.id)} trapped: ${message}`);
  }

  #noReply(actor: CanisterActor): Outcome {
    return reject(RejectCode.CanisterError, IcErrorCode.CanisterDidNotReply, `Canister ${principalText(actor.record.id)} did not reply to the call`);
  }
}
