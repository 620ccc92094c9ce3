/**
 * Dispatch/reply transactions (an extension, CosmWasm's model): an execution that dispatched
 * sub-messages is the root of a transaction, which runs to its end at once, before anything
 * else runs on any canister (so no canister with an open frame ever runs a message from
 * outside the transaction: those wait in their queues).
 *
 * - Each sub-message runs in a frame nested in its dispatcher's, across canisters: one store
 *   savepoint, and a heap mark in every canister the transaction has touched. On success the
 *   frame's writes (heap and stable maps of every canister, and its own sub-messages') join
 *   the parent frame; on failure the savepoint is rolled back and each canister's heap rewound
 *   to its mark (a canister first touched inside the frame is rolled back whole).
 * - `replyOn` never/success: a failed sub-message fails its dispatcher's frame too, up to the
 *   root, which then reverts with everything. error/always: the dispatcher's reply handler
 *   runs in the dispatcher's frame with `(msgId, false, message)` and decides.
 * - Nothing persists before the root ends: heaps are persisted once per canister, and timers,
 *   certified data and the root's answer and calls take effect, only when the root commits.
 * - Every execution of the transaction spends from the root's instruction budget; running out
 *   reverts the whole transaction, whatever `replyOn` says.
 * - `msgCaller()` is the dispatching canister; `msgOrigin()` the root's origin.
 */
import type { Reject } from '@tincan/abi';
import { toHex } from '@tincan/bytes';
import { applyTimerOps, type CanisterActor } from '../canisters/canister-actor.js';
import type { Batch } from '../state/batch.js';
import type { CallContext } from '../calls/call-context.js';
import type { Balances, CycleFees } from '../cycles/cycles.js';
import type { CertifiedDataRegistry } from '../execution/certified-data.js';
import { openExecution, type Execution } from '../execution/execution.js';
import type { Executor } from '../execution/executor.js';
import type { TraceCause } from '../execution/trace.js';
import type { StateStore } from '../state/state-store.js';
import type { HeapDelta } from '../state/heap-delta.js';
import * as Traps from '../execution/trap.js';
import { memoryLimitTrap } from '../execution/memory-limits.js';
import { principalText } from '../canisters/principal-text.js';
import { messageOf } from '../sandbox/sandbox.js';
import { encodeReplyArgs } from './reply-args.js';
import { attachRefusal, failureOf, prefixed, subMessageRefusal } from './sub-message-failures.js';
import { runQueryContract } from './query-contract.js';
import { failureReverts, wantsReply, type SubMessage } from './sub-message.js';
import type { DispatchHost } from './system-calls.js';

/** What the runner needs from the runtime. */
export interface TransactionDeps {
  readonly actors: ReadonlyMap<string, CanisterActor>;
  readonly executor: Executor;
  readonly batch: Batch;
  readonly store: StateStore;
  readonly balances: Balances;
  readonly certifiedData: CertifiedDataRegistry;
  /** The fees in force: they set each canister's freezing threshold. */
  readonly fees: CycleFees;
  readonly ensureLoaded: (actor: CanisterActor) => string | undefined;
  /** The open calls (and timers) of `actor` changed: saved at the batch's end. */
  readonly touched: (actor: CanisterActor) => void;
  /** The instruction budget of an update: the root's, shared by the whole transaction. */
  readonly updateInstructions: number;
  /** The instruction budget of one query (what `queryContract` may spend). */
  readonly queryInstructions: number;
}

/** Ends the whole transaction at once (fuel spent): it reverts whatever `replyOn` says. */
class TxAbort {
  constructor(readonly reason: string) {}
}

/** A frame: a savepoint, the heap marks of the canisters touched before it, its effects. */
interface Frame {
  readonly marks: Map<CanisterActor, number>;
  /** Executions whose timers and certified data apply when the root commits. */
  readonly effects: Array<[CanisterActor, Execution]>;
  /** Balance changes made in the frame, undone if it is discarded. */
  readonly cycles: Array<[CanisterActor, bigint]>;
}

interface Tx {
  readonly root: CanisterActor;
  readonly origin: Uint8Array;
  readonly timeNs: bigint;
  /** Instructions the transaction may still spend. */
  budget: number;
  /** Canisters with executions in the transaction (their heaps hold its changes). */
  readonly touched: Set<CanisterActor>;
}

/** A sub-message's outcome; a failure is a reject (ICP's code and text), as a failed call's. */
type SubResult =
  { readonly ok: true; readonly data: Uint8Array } | { readonly ok: false; readonly error: Reject };

const encoder = new TextEncoder();

/** Runs transactions and synchronous queries. */
export class TransactionRunner implements DispatchHost {
  readonly #deps: TransactionDeps;
  /**
   * Message ids count up for as long as the runtime runs. A reply always arrives within its
   * own transaction, so an id never has to outlive the process.
   */
  #nextMsgId = 1n;

  constructor(deps: TransactionDeps) {
    this.#deps = deps;
  }

  nextMsgId(): bigint {
    return this.#nextMsgId++;
  }

  queryContract(
    callerKey: string,
    target: Uint8Array,
    method: string,
    arg: Uint8Array,
  ): [number, Uint8Array] {
    const caller = this.#deps.actors.get(callerKey);
    if (caller === undefined) throw new Error(`queryContract: no canister ${callerKey}`);
    return runQueryContract(this.#deps, caller, target, method, arg);
  }

  /**
   * Runs the transaction rooted at `exec`, which ran on `actor` and dispatched sub-messages.
   * On failure it sets the root's trap (the executor then rolls the root back, and with it the
   * store writes of the whole transaction) and returns a no-op. On success it returns what to
   * do once the executor has committed the root or refused to (a memory limit).
   */
  run(
    actor: CanisterActor,
    exec: Execution,
  ): (committed: boolean) => ReadonlySet<Execution> | undefined {
    // The root trapped: nothing it dispatched is ever run.
    if (exec.trap !== undefined) return () => undefined;
    const spent = actor.sandbox?.spent() ?? 0;
    const tx: Tx = {
      root: actor,
      origin: exec.origin,
      timeNs: exec.timeNs,
      budget: this.#deps.updateInstructions - spent,
      touched: new Set([actor]),
    };
    const root: Frame = { marks: new Map(), effects: [], cycles: [] };
    let failure: string | undefined;
    try {
      failure = this.#runDispatches(tx, root, actor, exec, 0)?.message;
    } catch (err) {
      // Every frame on the way out was discarded; a host error (a realm that failed an op)
      // fails the transaction like a trap.
      failure = err instanceof TxAbort ? err.reason : `the runtime failed: ${messageOf(err)}`;
    }
    const others = [...tx.touched].filter((a) => a !== actor);
    if (failure === undefined) {
      const deltas: Array<[CanisterActor, HeapDelta | null]> = [];
      let current = actor;
      try {
        for (const other of others) {
          current = other;
          const delta = other.sandbox?.op('persist') as HeapDelta | null;
          deltas.push([other, delta]);
          const overLimit = memoryLimitTrap(
            other,
            delta !== null ? delta.bytes : other.heapBytes,
            this.#deps.store,
          );
          if (overLimit !== undefined) throw new Error(overLimit);
        }
      } catch (err) {
        for (const [other] of deltas) this.#op(other, 'unpersist');
        failure = `the state of ${principalText(current.record.id)} cannot be committed: ${messageOf(err)}`;
      }
      if (failure === undefined) {
        // The last of the root's reply handlers that set reply data replaces a reply of the root.
        let data: Uint8Array | undefined;
        for (const [, kept] of root.effects) data = kept.replyData ?? data;
        if (data !== undefined && exec.answer !== undefined && 'reply' in exec.answer)
          exec.answer = { reply: data };
        return (committed) => this.#settle(root, deltas, committed);
      }
    }
    // The root's own heap and the savepoint of the whole transaction go with the root's trap.
    for (const other of others) this.#op(other, 'rollback');
    this.#undoCycles(root);
    exec.trap ??= Traps.transactionReverted(failure);
    return () => undefined;
  }

  /** Applies the root's outcome to the rest of the tree; returns the executions that committed. */
  #settle(
    root: Frame,
    deltas: Array<[CanisterActor, HeapDelta | null]>,
    committed: boolean,
  ): ReadonlySet<Execution> | undefined {
    const { balances, certifiedData, touched } = this.#deps;
    if (!committed) {
      for (const [other] of deltas) {
        this.#op(other, 'unpersist');
        this.#op(other, 'rollback');
      }
      this.#undoCycles(root);
      return undefined;
    }
    for (const [other, delta] of deltas) {
      if (delta === null) continue;
      balances.heapCommitted(other, delta);
      other.heapBytes = delta.bytes;
    }
    for (const [actor, exec] of root.effects) {
      if (exec.timerOps.length > 0) {
        applyTimerOps(actor, exec.timerOps);
        touched(actor);
      }
      if (exec.certifiedData !== undefined) certifiedData.set(actor, exec.certifiedData);
    }
    return new Set(root.effects.map(([, exec]) => exec));
  }

  /**
   * Runs the sub-messages `exec` (of `actor`, at `depth`) dispatched, in order, each followed
   * by the reply handler it asked for. Returns why `frame` must fail, if it must.
   */
  #runDispatches(
    tx: Tx,
    frame: Frame,
    actor: CanisterActor,
    exec: Execution,
    depth: number,
  ): Reject | undefined {
    for (const sub of exec.dispatches ?? []) {
      const result = this.#runSub(tx, frame, actor, sub, depth + 1);
      if (!result.ok && failureReverts(sub.replyOn))
        return prefixed(`sub-message ${sub.msgId} (${sub.method}) failed: `, result.error);
      if (!wantsReply(sub.replyOn, result.ok)) continue;
      const data = result.ok ? result.data : encoder.encode(result.error.message);
      // As in a reject callback, the handler reads the failure's code with `msgRejectCode()`.
      const reply = this.#execute(
        tx,
        frame,
        actor,
        sub.replyMethod,
        encodeReplyArgs(sub.msgId, result.ok, data),
        actor.record.id,
        { depth, role: 2 },
        { kind: 'reply', msgId: Number(sub.msgId) },
        result.ok ? undefined : result.error,
      );
      const failed = failureOf(actor, reply);
      if (failed !== undefined)
        return prefixed(`reply handler ${sub.replyMethod} failed: `, failed);
      const nested = this.#runDispatches(tx, frame, actor, reply, depth);
      if (nested !== undefined) return nested;
    }
    return undefined;
  }

  /** Runs one sub-message in a frame of its own inside `parent`. */
  #runSub(tx: Tx, parent: Frame, sender: CanisterActor, sub: SubMessage, depth: number): SubResult {
    const target = this.#deps.actors.get(toHex(sub.target));
    const refused =
      subMessageRefusal(target, sub, this.#deps.fees, this.#deps.ensureLoaded) ??
      attachRefusal(sender, sub, this.#deps.fees);
    if (refused !== undefined) return { ok: false, error: refused };
    const actor = target as CanisterActor;
    const frame = this.#open(tx);
    let kept = false;
    try {
      if (sub.cycles > 0n) {
        this.#changeCycles(frame, sender, -sub.cycles);
        this.#changeCycles(frame, actor, sub.cycles);
      }
      const exec = this.#execute(
        tx,
        frame,
        actor,
        sub.method,
        sub.arg,
        sender.record.id,
        { depth, role: 1 },
        { kind: 'dispatch', caller: sender.key, msgId: Number(sub.msgId) },
      );
      const failed = failureOf(actor, exec);
      if (failed !== undefined) return { ok: false, error: failed };
      const nested = this.#runDispatches(tx, frame, actor, exec, depth);
      if (nested !== undefined) return { ok: false, error: nested };
      kept = true;
      return {
        ok: true,
        data:
          exec.answer !== undefined && 'reply' in exec.answer
            ? exec.answer.reply
            : new Uint8Array(),
      };
    } finally {
      if (kept) this.#merge(parent, frame);
      else this.#discard(tx, frame);
    }
  }

  /** Opens a frame: a savepoint, and a heap mark in every canister touched so far. */
  #open(tx: Tx): Frame {
    this.#deps.batch.beginExecution();
    const marks = new Map<CanisterActor, number>();
    for (const actor of tx.touched) marks.set(actor, actor.sandbox?.op('mark') as number);
    return { marks, effects: [], cycles: [] };
  }

  /** Keeps a frame: its writes join the parent frame. */
  #merge(parent: Frame, frame: Frame): void {
    this.#deps.batch.keepExecution();
    for (const actor of frame.marks.keys()) this.#op(actor, 'unmark');
    parent.effects.push(...frame.effects);
    parent.cycles.push(...frame.cycles);
  }

  /** Discards a frame: store, heaps and balances as they were when it opened. */
  #discard(tx: Tx, frame: Frame): void {
    this.#deps.batch.dropExecution();
    for (const actor of [...tx.touched]) {
      const mark = frame.marks.get(actor);
      if (mark !== undefined) this.#op(actor, 'rewind', mark);
      else {
        // First touched inside the frame: nothing of the transaction is left in it.
        this.#op(actor, 'rollback');
        tx.touched.delete(actor);
      }
    }
    this.#undoCycles(frame);
  }

  /** Runs one execution of the transaction (a sub-message or a reply handler) in `frame`. */
  #execute(
    tx: Tx,
    frame: Frame,
    actor: CanisterActor,
    method: string,
    argData: Uint8Array,
    caller: Uint8Array,
    place: Execution['tx'] & object,
    cause: TraceCause,
    rejected?: Reject,
  ): Execution {
    tx.touched.add(actor);
    const context: CallContext = {
      id: actor.nextContextId++,
      replyTo: { kind: 'none' },
      caller,
      origin: tx.origin,
      method,
      deadlineNs: 0n,
      depth: 0,
      replied: false,
      outstanding: 0,
      cyclesAvailable: 0n,
    };
    const exec = openExecution({
      mode: 'update',
      context,
      method,
      argData,
      caller,
      origin: tx.origin,
      timeNs: tx.timeNs,
      ...(rejected !== undefined && { rejectCode: rejected.code, rejectMessage: rejected.message }),
    });
    exec.tx = place;
    exec.instructionLimit = Math.max(0, Math.min(this.#deps.updateInstructions, tx.budget));
    const spent = this.#deps.executor.runInGraph(actor, exec, 'invoke', method, cause);
    tx.budget -= spent;
    // The fee is paid whatever becomes of the frame, as a trapped execution pays its own.
    this.#deps.balances.change(actor, -exec.fee);
    if (exec.trap === undefined) {
      this.#deps.batch.keepExecution();
      this.#changeCycles(frame, actor, exec.balanceDelta + exec.fee);
      frame.effects.push([actor, exec]);
    } else this.#deps.batch.dropExecution();
    if (exec.trap?.kind === 'instruction-limit' || tx.budget <= 0) {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- a control-flow signal, caught by `instanceof` at the root, not an error
      throw new TxAbort(
        `the transaction ran out of instructions (its budget of ${this.#deps.updateInstructions} is shared by every sub-message) in ${method} of ${principalText(actor.record.id)}`,
      );
    }
    return exec;
  }

  #changeCycles(frame: Frame, actor: CanisterActor, delta: bigint): void {
    if (delta === 0n) return;
    this.#deps.balances.change(actor, delta);
    frame.cycles.push([actor, delta]);
  }

  #undoCycles(frame: Frame): void {
    for (let i = frame.cycles.length - 1; i >= 0; i--) {
      const [actor, delta] = frame.cycles[i] as [CanisterActor, bigint];
      this.#deps.balances.change(actor, -delta);
    }
    frame.cycles.length = 0;
  }

  /** A bookkeeping op on a canister's realm; a realm that fails one reloads from its committed state. */
  #op(
    actor: CanisterActor,
    op: 'rollback' | 'unpersist' | 'unmark' | 'rewind',
    arg?: number,
  ): void {
    try {
      actor.sandbox?.op(op, arg);
    } catch {
      actor.sandbox = undefined;
      actor.setDescription(undefined);
    }
  }
}
