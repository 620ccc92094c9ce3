/**
 * Runs one message execution on a canister and applies its outcome: the commit-point logic.
 *
 * - A committed execution writes heap and stable changes in one store transaction, and only
 *   then releases its effects: its cycle changes, the answer to its call context and its
 *   outgoing calls.
 * - A trapped execution rolls back the store transaction and the heap in place, forgets the
 *   calls it made (their attached cycles stay with the caller), and answers its context with
 *   CANISTER_ERROR when nothing else can. When it was a callback, the call's cleanup runs
 *   next, against the state from before the callback, and commits on its own.
 * - A query's or a message inspection's changes are always discarded.
 * - Every execution but a query pays its fee (base + units spent), trapped or not.
 */
import { Rejects } from '@tincan/abi';
import { applyTimerOps, type CanisterActor } from '../canisters/canister-actor.js';
import type { CallContext } from '../calls/call-context.js';
import type { CallRouter } from '../calls/call-router.js';
import { executionFee, type Balances, type CycleFees } from '../cycles/cycles.js';
import { neverCommits, openExecution, type Execution } from './execution.js';
import { memoryLimitTrap } from './memory-limits.js';
import type { Outcome, ReplyTarget } from '../calls/messages.js';
import type { StateStore } from '../state/state-store.js';
import type { Batch } from '../state/batch.js';
import type { HeapDelta } from '../state/heap-delta.js';
import { messageOf } from '../sandbox/sandbox.js';
import type { CertifiedDataRegistry } from './certified-data.js';
import * as Traps from './trap.js';
import { principalText } from '../canisters/principal-text.js';
import {
  traceOf,
  type ExecutionTrace,
  type TraceCause,
  type TraceOp,
  type TraceSink,
} from './trace.js';

/** What the executor needs from the runtime around it. */
export interface ExecutorDeps {
  readonly store: StateStore;
  readonly batch: Batch;
  readonly router: CallRouter;
  readonly balances: Balances;
  readonly fees: CycleFees;
  readonly onTrap: (actor: CanisterActor, message: string) => void;
  /** The open calls of `actor` may have changed (they are saved at the batch's end). */
  readonly touched: (actor: CanisterActor) => void;
  readonly certifiedData: CertifiedDataRegistry;
  /** Called after every execution, when set. */
  readonly onExecution?: ((info: ExecutionInfo) => void) | undefined;
  /** Receives a trace of every execution, when set. */
  readonly traceSink?: TraceSink | undefined;
}

/** What the optional execution log reports. */
export interface ExecutionInfo {
  readonly canisterId: Uint8Array;
  readonly method: string;
  readonly kind: Execution['mode'];
  /** Units of the execution budget it spent (loop iterations and calls). */
  readonly instructions: number;
  /** Cycles the execution was charged (base fee + units spent). */
  readonly cyclesCharged: bigint;
  readonly outcome: 'committed' | 'trapped' | 'discarded';
  readonly trap?: string;
}

type Op = 'invoke' | 'deliver' | 'timer' | 'cleanup';

/**
 * Runs the transaction of an execution that dispatched sub-messages (dispatch/reply), before
 * the execution commits; returns what to do once the executor committed it or not, which
 * returns the transaction's executions whose writes committed.
 */
export interface TransactionHook {
  run(
    actor: CanisterActor,
    exec: Execution,
  ): (committed: boolean) => ReadonlySet<Execution> | undefined;
}

/** Executes messages on canisters and applies their outcomes. */
export class Executor {
  readonly #deps: ExecutorDeps;
  /** Units spent and heap bytes written by the last execution: what its trace reports. */
  #spent = 0;
  #heapBytes = 0;
  /** Dispatch/reply transactions, when the runtime runs them (set once after wiring). */
  transactions: TransactionHook | undefined;
  /**
   * While a transaction runs: the traces of its executions, held back so that they reach the
   * sink after the root's (a trace's parent comes before it), with their final outcome.
   */
  #held: Array<[Execution, ExecutionTrace]> | undefined;

  constructor(deps: ExecutorDeps) {
    this.#deps = deps;
  }

  /** Runs kernel op `op` as execution `exec` of `actor`, then commits or rolls back. */
  run(
    actor: CanisterActor,
    exec: Execution,
    op: Exclude<Op, 'cleanup'>,
    arg: string | number,
  ): void {
    this.#deps.touched(actor);
    this.#execute(actor, exec, op, arg);
    this.#heapBytes = 0;
    this.#finish(actor, exec, { op, arg });
  }

  /** Hands the finished execution's record to the trace sink. */
  #trace(actor: CanisterActor, exec: Execution, how: TraceOp): void {
    if (this.#deps.traceSink === undefined) return;
    const outcome =
      exec.trap !== undefined ? 'trapped' : neverCommits(exec.mode) ? 'discarded' : 'committed';
    const trace = traceOf(actor.key, exec, how, outcome, this.#spent, this.#heapBytes);
    if (this.#held !== undefined && exec.tx !== undefined) this.#held.push([exec, trace]);
    else this.#deps.traceSink.execution(trace);
  }

  /**
   * Hands the held traces of a transaction's executions to the sink, after the root's: those
   * whose frame was discarded (or whose transaction reverted) as discarded.
   */
  #release(
    held: Array<[Execution, ExecutionTrace]>,
    kept: ReadonlySet<Execution> | undefined,
  ): void {
    const sink = this.#deps.traceSink;
    if (sink === undefined) return;
    for (const [exec, trace] of held) {
      const dropped = trace.outcome === 'committed' && kept?.has(exec) !== true;
      sink.execution(dropped ? { ...trace, outcome: 'discarded' } : trace);
    }
  }

  /** Runs canister code; charges the execution's fee whatever its outcome. */
  #execute(actor: CanisterActor, exec: Execution, op: Op, arg: string | number): void {
    const sandbox = actor.sandbox;
    if (sandbox === undefined) throw new Error('executor: canister has no sandbox');
    actor.current = exec;
    this.#deps.batch.beginExecution();
    try {
      sandbox.op(op, arg, sandbox.limitFor(neverCommits(exec.mode)));
    } catch (err) {
      // Only errors that escaped the kernel land here: the wall-clock backstop, or a kernel
      // failure. Both are host-realm errors, so reading their message runs no canister code.
      exec.trap ??= Traps.escaped(err);
    } finally {
      actor.current = undefined;
    }
    const { fees, onExecution, traceSink } = this.#deps;
    const spent =
      onExecution !== undefined || traceSink !== undefined || fees.perInstruction > 0n
        ? sandbox.spent()
        : 0;
    this.#spent = spent;
    // Charged with the execution's own balance change at commit, or alone if it traps.
    const fee = neverCommits(exec.mode) ? 0n : executionFee(fees, spent);
    const balance = actor.record.cycles;
    const charged = fee < balance ? fee : balance;
    exec.balanceDelta -= charged;
    exec.fee = charged;
    onExecution?.({
      canisterId: actor.record.id,
      method: exec.method,
      kind: exec.mode,
      instructions: spent,
      cyclesCharged: charged,
      outcome:
        exec.trap !== undefined ? 'trapped' : neverCommits(exec.mode) ? 'discarded' : 'committed',
      ...(exec.trap !== undefined && { trap: exec.trap.message }),
    });
  }

  #finish(actor: CanisterActor, exec: Execution, how: TraceOp): void {
    const ctx = exec.context;
    const callId = how.op === 'deliver' ? (how.arg as number) : undefined;
    if (neverCommits(exec.mode)) {
      this.#rollback(actor);
      this.#trace(actor, exec, how);
      if (ctx !== undefined) {
        this.answer(
          actor,
          ctx,
          exec.trap !== undefined
            ? this.trapOutcome(actor, exec)
            : (exec.answer ?? this.#noReply(actor)),
          false,
        );
      }
      return;
    }
    let settle: ReturnType<TransactionHook['run']> | undefined;
    const held: Array<[Execution, ExecutionTrace]> = [];
    if (exec.dispatches !== undefined && this.transactions !== undefined) {
      this.#held = held;
      try {
        settle = this.transactions.run(actor, exec);
      } finally {
        this.#held = undefined;
      }
    }
    const committed = this.#commit(actor, exec);
    const kept = settle?.(committed);
    // Traced before its effects go out, so a cleanup or a callee's execution comes after it.
    this.#trace(actor, exec, how);
    if (held.length > 0) this.#release(held, kept);
    if (!committed) {
      if (exec.calls.length > 0)
        this.#op(actor, 'forget', JSON.stringify(exec.calls.map((c) => c.callId)));
      if (callId !== undefined && ctx !== undefined) this.#cleanup(actor, ctx, callId, exec.timeNs);
      if (ctx !== undefined && !ctx.replied && ctx.outstanding === 0)
        this.answer(actor, ctx, this.trapOutcome(actor, exec));
      return;
    }
    if (exec.answer !== undefined && ctx !== undefined) this.answer(actor, ctx, exec.answer);
    if (ctx !== undefined) for (const call of exec.calls) this.#deps.router.send(actor, ctx, call);
    if (ctx !== undefined && !ctx.replied && ctx.outstanding === 0)
      this.answer(actor, ctx, this.#noReply(actor));
  }

  /**
   * Commits an execution that did not trap: heap, timers, cycles. Returns false (rolled back,
   * trap logged) when it trapped or its heap cannot be persisted.
   */
  #commit(actor: CanisterActor, exec: Execution): boolean {
    let heap: HeapDelta | null | undefined;
    if (exec.trap === undefined) {
      try {
        heap = actor.sandbox?.op('persist') as HeapDelta | null;
      } catch (err) {
        exec.trap = Traps.heapUnpersistable(messageOf(err));
      }
      // Null means the heap is unchanged, though stable maps may have grown.
      const overLimit =
        heap === undefined
          ? undefined
          : memoryLimitTrap(actor, heap !== null ? heap.bytes : actor.heapBytes, this.#deps.store);
      if (overLimit !== undefined) {
        exec.trap = Traps.memoryLimit(overLimit);
        this.#op(actor, 'unpersist');
      }
    }
    if (exec.trap !== undefined || heap === undefined) {
      exec.trap ??= Traps.noHeapSnapshot();
      // Of what the execution did to the balance, only its fee stays.
      this.#deps.balances.change(actor, -exec.fee);
      this.#rollback(actor);
      const { message } = exec.trap;
      this.#deps.onTrap(actor, exec.mode === 'cleanup' ? `in cleanup: ${message}` : message);
      return false;
    }
    // Null means the heap is unchanged: the stored one still stands.
    if (heap !== null) {
      this.#deps.balances.heapCommitted(actor, heap);
      actor.heapBytes = heap.bytes;
      if (this.#deps.traceSink !== undefined) this.#heapBytes = bytesWritten(heap);
    }
    this.#deps.batch.keepExecution();
    applyTimerOps(actor, exec.timerOps);
    if (exec.certifiedData !== undefined) this.#deps.certifiedData.set(actor, exec.certifiedData);
    this.#deps.balances.change(actor, exec.balanceDelta);
    if (exec.context !== undefined) exec.context.cyclesAvailable -= exec.accepted;
    return true;
  }

  /**
   * ICP's cleanup callback: call `callId`'s callback trapped and rolled back; the CDK now
   * releases what the call's code guarded, against the state from before that callback. Its
   * changes commit on their own; if it traps too, they roll back as well.
   */
  #cleanup(actor: CanisterActor, ctx: CallContext, callId: number, timeNs: bigint): void {
    const exec = openExecution({
      mode: 'cleanup',
      context: ctx,
      method: ctx.method,
      argData: new Uint8Array(),
      caller: ctx.caller,
      origin: ctx.origin,
      timeNs,
    });
    this.#execute(actor, exec, 'cleanup', callId);
    this.#heapBytes = 0;
    this.#commit(actor, exec);
    this.#trace(actor, exec, { op: 'cleanup', arg: callId });
  }

  /** Answers a call context (once), refunding its unaccepted cycles, and closes it when no callbacks still reference it. */
  answer(actor: CanisterActor, ctx: CallContext, outcome: Outcome, durable = true): void {
    if (ctx.replied) return;
    ctx.replied = true;
    this.#deps.touched(actor);
    if (ctx.outstanding === 0) actor.contexts.delete(ctx.id);
    const refund = ctx.cyclesAvailable;
    ctx.cyclesAvailable = 0n;
    this.deliver(ctx.replyTo, outcome, refund, durable);
  }

  /** Sends an outcome (and a refund) where a reply target says. */
  deliver(target: ReplyTarget, outcome: Outcome, refund = 0n, durable = true): void {
    this.#deps.router.deliver(target, outcome, refund, durable);
  }

  /** Called when a callback of `ctx` has run: closes the context if it is done. */
  settle(actor: CanisterActor, ctx: CallContext): void {
    if (ctx.replied && ctx.outstanding === 0) actor.contexts.delete(ctx.id);
  }

  #rollback(actor: CanisterActor): void {
    this.#deps.batch.dropExecution();
    this.#op(actor, 'rollback');
  }

  /**
   * Runs a bookkeeping op after an execution. If even that fails (the wall-clock backstop
   * stopped a rollback that ran into leftover hostile code), the realm can no longer be trusted:
   * it is dropped, and the canister reloads from its committed state on next use.
   */
  #op(actor: CanisterActor, op: 'forget' | 'unpersist' | 'rollback', arg?: string): void {
    try {
      actor.sandbox?.op(op, arg);
    } catch (err) {
      actor.sandbox = undefined;
      actor.setDescription(undefined);
      this.#deps.onTrap(
        actor,
        `canister reloaded from its committed state: ${op} failed: ${messageOf(err)}`,
      );
    }
  }

  /** The reject a trapped execution answers with, by the kind of its trap. */
  trapOutcome(actor: CanisterActor, exec: Execution): Outcome {
    const canister = principalText(actor.record.id);
    return {
      reject:
        exec.trap !== undefined
          ? Traps.reject(canister, exec.trap)
          : Rejects.trapped(canister, 'trapped'),
    };
  }

  /**
   * Runs kernel op `op` as execution `exec` of `actor` inside a query call graph: nothing is
   * committed or rolled back, so the canister's callbacks in the graph see what its earlier
   * executions there did. {@link discardGraphState} ends that. Traced (as discarded) before the
   * calls it made run, with `cause` when its call context cannot say (the graph's contexts
   * reply to no one); returns the units it spent.
   */
  runInGraph(
    actor: CanisterActor,
    exec: Execution,
    op: 'invoke' | 'deliver',
    arg: string | number,
    cause?: TraceCause,
  ): number {
    this.#execute(actor, exec, op, arg);
    this.#heapBytes = 0;
    this.#trace(actor, exec, cause === undefined ? { op, arg } : { op, arg, cause });
    return actor.sandbox?.spent() ?? 0;
  }

  /**
   * Discards what `executions` executions of `actor` in a query call graph wrote: the store's
   * savepoints (the last ones opened) and the heap in the realm. Calls the canister still
   * awaits are forgotten, so no continuation of the graph lingers in the realm.
   */
  discardGraphState(actor: CanisterActor, executions: number, unanswered: readonly number[]): void {
    if (unanswered.length > 0) this.#op(actor, 'forget', JSON.stringify(unanswered));
    for (let i = 0; i < executions; i++) this.#deps.batch.dropExecution();
    this.#op(actor, 'rollback');
  }

  #noReply(actor: CanisterActor): Outcome {
    return { reject: Rejects.didNotReply(principalText(actor.record.id)) };
  }
}

/** Bytes a heap commit writes: its meta row and every object row it carries. */
function bytesWritten(delta: HeapDelta): number {
  let n = delta.meta.length;
  for (let i = 2; i < delta.rows.length; i += 3) {
    const data = delta.rows[i];
    if (data instanceof Uint8Array) n += data.length;
  }
  return n;
}
