/**
 * Execution traces as data: one plain record per execution, handed to an optional sink the
 * host wires in (`RuntimeOptions.traceSink`). The runtime only describes what happened; the
 * host links records into call trees, stamps them and keeps them. With no sink set, the
 * executor builds nothing.
 *
 * The record is built for a sink that copies what it keeps at once: it holds the execution's
 * own values (principal bytes, the argument and answer, the calls), not hex or text made for
 * it, so building it costs one object and nothing it points to outlives the call unless the
 * sink keeps it.
 */
import type { Execution, ExecutionMode } from './execution.js';
import type { Outcome } from '../calls/messages.js';

/**
 * What started an execution. Call ids are the caller canister's own numbering, so the pair
 * (canister, call id) names one call: the execution that made it, the callee's execution of
 * the request, and the caller's callback (or cleanup) all carry it.
 */
export type TraceCause =
  | { readonly kind: 'ingress'; readonly requestId?: Uint8Array }
  | { readonly kind: 'call'; readonly caller: string; readonly callId: number }
  | { readonly kind: 'response'; readonly callId: number }
  | { readonly kind: 'cleanup'; readonly callId: number }
  | { readonly kind: 'timer'; readonly timerId: number }
  /** A dispatched sub-message: `caller` (hex) dispatched it as message `msgId`. */
  | { readonly kind: 'dispatch'; readonly caller: string; readonly msgId: number }
  /** A reply handler, run on the canister that dispatched message `msgId`. */
  | { readonly kind: 'reply'; readonly msgId: number }
  | { readonly kind: 'system' };

/** A call an execution made; sent only when the execution committed. */
export interface TracedCall {
  readonly callId: number;
  /** The callee's principal bytes (empty for the management canister). */
  readonly callee: Uint8Array;
  readonly method: string;
  readonly cycles: bigint;
  readonly oneway: boolean;
}

/** One execution as data. */
export interface ExecutionTrace {
  /** Hex of the executing canister's principal. */
  readonly canister: string;
  readonly kind: ExecutionMode;
  readonly method: string;
  /** Principal bytes of the caller and of the ingress message's sender. */
  readonly caller: Uint8Array;
  readonly origin: Uint8Array;
  /** The call context's number on the canister, if the execution has one. */
  readonly contextId: number | undefined;
  readonly cause: TraceCause;
  /** Replica time the execution ran at. */
  readonly timeNs: bigint;
  readonly outcome: 'committed' | 'trapped' | 'discarded';
  readonly trap: string | undefined;
  /** Units of the execution budget spent. */
  readonly instructions: number;
  /** The execution's fee (charged whatever the outcome). */
  readonly cyclesCharged: bigint;
  /** Cycles accepted from the call context (kept only when committed). */
  readonly cyclesAccepted: bigint;
  /** In a callback: cycles the callee refunded. */
  readonly cyclesRefunded: bigint;
  /** The balance change besides the fee (accepted minus attached, call fees, burns). */
  readonly balanceDelta: bigint;
  readonly calls: readonly TracedCall[];
  /** Message ids of the sub-messages it dispatched (they link its sub-executions to it); absent: none. */
  readonly dispatched?: readonly number[];
  readonly timersSet: number;
  /** Stable-map inserts and removals (undone when the execution did not commit). */
  readonly stableWrites: number;
  /** Bytes of the heap snapshot written at commit; 0 when the heap was unchanged or not written. */
  readonly heapBytes: number;
  /** The argument: Candid of a request, the reply of a callback. */
  readonly arg: Uint8Array;
  /** In a callback of a rejected call: the reject. */
  readonly rejected: { readonly code: number; readonly message: string } | undefined;
  /** What the execution answered its call context with, if it did. */
  readonly answer: Outcome | undefined;
}

/**
 * Receives a record of every execution. It must not throw and should return quickly; the
 * record's byte arrays are the execution's own, so a sink copies what it keeps, never writes.
 */
export interface TraceSink {
  execution(trace: ExecutionTrace): void;
}

/**
 * How the executor ran an execution: the op and its argument (a call id or timer id), and what
 * started it when its call context cannot tell (a query call graph's contexts reply to no one).
 */
export type TraceOp = {
  readonly op: 'invoke' | 'deliver' | 'timer' | 'cleanup';
  readonly arg: string | number;
  readonly cause?: TraceCause;
};

const INGRESS: TraceCause = { kind: 'ingress' };
const NONE: readonly number[] = [];

function causeOf(exec: Execution, how: TraceOp): TraceCause {
  if (how.cause !== undefined) return how.cause;
  if (how.op === 'deliver') return { kind: 'response', callId: how.arg as number };
  if (how.op === 'cleanup') return { kind: 'cleanup', callId: how.arg as number };
  if (how.op === 'timer') return { kind: 'timer', timerId: how.arg as number };
  const replyTo = exec.context?.replyTo;
  if (replyTo?.kind === 'ingress')
    return replyTo.id === undefined
      ? INGRESS
      : { kind: 'ingress', requestId: replyTo.id.requestId };
  if (replyTo?.kind === 'canister')
    return { kind: 'call', caller: replyTo.canister, callId: replyTo.callback.callId };
  return { kind: 'system' };
}

/** Builds the record of a finished execution: one object, fixed shape, no copies. */
export function traceOf(
  canister: string,
  exec: Execution,
  how: TraceOp,
  outcome: ExecutionTrace['outcome'],
  instructions: number,
  heapBytes: number,
): ExecutionTrace {
  let timersSet = 0;
  for (const op of exec.timerOps) if (op.op === 'set') timersSet++;
  return {
    canister,
    kind: exec.mode,
    method: exec.method,
    caller: exec.caller,
    origin: exec.origin,
    contextId: exec.context?.id,
    cause: causeOf(exec, how),
    timeNs: exec.timeNs,
    outcome,
    trap: exec.trap?.message,
    instructions,
    cyclesCharged: exec.fee,
    cyclesAccepted: exec.accepted,
    cyclesRefunded: exec.refunded,
    balanceDelta: exec.balanceDelta + exec.fee,
    // The execution's own list: its entries carry the callee's bytes, method, cycles and kind.
    calls: exec.calls,
    dispatched: exec.dispatches?.map((d) => Number(d.msgId)) ?? NONE,
    timersSet,
    stableWrites: exec.stableWrites,
    heapBytes,
    arg: exec.argData,
    rejected:
      exec.rejectCode !== 0 ? { code: exec.rejectCode, message: exec.rejectMessage } : undefined,
    answer: exec.answer,
  };
}
