/**
 * One message execution: what the host knows while canister code runs, and the effects it
 * holds back until commit (the answer, the outgoing calls). Nothing leaves an execution before
 * it commits.
 */
import type { CallContext } from '../calls/call-context.js';
import type { Outcome } from '../calls/messages.js';
import type { SubMessage, TxPlace } from '../transactions/sub-message.js';
import type { Trap } from './trap.js';

/**
 * What kind of entry point is executing; it decides what the system API allows.
 * `compositeQuery` and `compositeCallback` are a composite query and its callbacks, run in a
 * query call graph (composite-query.ts): they may call queries, and never commit.
 */
export type ExecutionMode =
  | 'update'
  | 'query'
  | 'response'
  | 'cleanup'
  | 'timer'
  | 'heartbeat'
  | 'init'
  | 'load'
  | 'inspect'
  | 'compositeQuery'
  | 'compositeCallback';

/** A call made during an execution, sent only if it commits. */
export interface OutgoingCall {
  readonly callId: number;
  readonly callee: Uint8Array;
  readonly method: string;
  readonly arg: Uint8Array;
  readonly oneway: boolean;
  /** Deadline of a bounded-wait call; 0 for a guaranteed-response call. */
  readonly deadlineNs: bigint;
  /** Cycles attached (already counted in the execution's balance change). */
  readonly cycles: bigint;
}

/** A change to the canister's timers, applied only if the execution commits. */
export type TimerOp =
  | { readonly op: 'set'; readonly id: number; readonly atNs: bigint; readonly intervalNs: bigint }
  | { readonly op: 'clear'; readonly id: number };

/** The host's view of the execution in progress. */
export interface Execution {
  readonly mode: ExecutionMode;
  readonly context: CallContext | undefined;
  readonly method: string;
  readonly argData: Uint8Array;
  readonly caller: Uint8Array;
  readonly origin: Uint8Array;
  readonly timeNs: bigint;
  readonly rejectCode: number;
  readonly rejectMessage: string;
  /** In a response execution: cycles the callee refunded. */
  readonly refunded: bigint;
  /**
   * Change to the balance made by this execution (accepted minus attached, call fees and
   * burned cycles); applied only if it commits.
   */
  balanceDelta: bigint;
  /** Cycles accepted from the call context; taken from it only if the execution commits. */
  accepted: bigint;
  /** The execution's fee, charged whether it commits or not (also part of `balanceDelta`). */
  fee: bigint;
  /** Set by the first trap (built in `trap.ts`); an execution never un-traps. */
  trap: Trap | undefined;
  /** The instruction budget when it is not the mode's (a query in a composite query's call graph). */
  instructionLimit?: number;
  /** The answer to `context`, applied at commit. */
  answer: Outcome | undefined;
  readonly calls: OutgoingCall[];
  readonly timerOps: TimerOp[];
  /** Stable-map inserts and removals so far (what a trace reports). */
  stableWrites: number;
  /** In an `inspect` execution: whether the canister called `acceptMessage`. */
  messageAccepted?: boolean;
  /** Certified data set by this execution, applied only if it commits. */
  certifiedData?: Uint8Array;
  /** A query run outside consensus (an ingress query): it may read a data certificate. */
  nonReplicated?: boolean;
  /** Sub-messages this execution dispatched (dispatch/reply), run as a transaction when it ends. */
  dispatches?: SubMessage[];
  /** Where the execution runs in a transaction; unset for the root and outside transactions. */
  tx?: TxPlace;
  /** Set by a reply handler of the root's sub-messages: the root's answer once the transaction commits. */
  replyData?: Uint8Array;
  /**
   * False for executions on one replica only (an ingress query, message inspection); unset
   * means replicated unless the mode never commits.
   */
  readonly replicated?: boolean;
}

/** Fields an execution starts with. */
export type ExecutionInit = Omit<
  Execution,
  | 'trap'
  | 'answer'
  | 'calls'
  | 'timerOps'
  | 'rejectCode'
  | 'rejectMessage'
  | 'refunded'
  | 'balanceDelta'
  | 'accepted'
  | 'fee'
  | 'stableWrites'
> &
  Partial<Pick<Execution, 'rejectCode' | 'rejectMessage' | 'refunded'>>;

/** Opens an execution record. */
export function openExecution(init: ExecutionInit): Execution {
  return {
    rejectCode: 0,
    rejectMessage: '',
    refunded: 0n,
    ...init,
    balanceDelta: 0n,
    accepted: 0n,
    fee: 0n,
    trap: undefined,
    answer: undefined,
    calls: [],
    timerOps: [],
    stableWrites: 0,
  };
}

/** Whether canister code may make calls in this mode (ICP: updates and callbacks only). */
export function mayCall(mode: ExecutionMode): boolean {
  return (
    mode === 'update' ||
    mode === 'response' ||
    mode === 'timer' ||
    mode === 'heartbeat' ||
    isComposite(mode)
  );
}

/** Whether this is a composite query or one of its callbacks (they may call queries). */
export function isComposite(mode: ExecutionMode): boolean {
  return mode === 'compositeQuery' || mode === 'compositeCallback';
}

/** Whether canister code may accept cycles attached to its call in this mode. */
export function mayAcceptCycles(mode: ExecutionMode): boolean {
  return mode === 'update' || mode === 'response';
}

/** Whether canister code may set or clear timers in this mode (not in queries or inspection). */
export function maySetTimers(mode: ExecutionMode): boolean {
  return !neverCommits(mode);
}

/** Whether an execution of this mode always discards its writes: queries and message inspection. */
export function neverCommits(mode: ExecutionMode): boolean {
  return mode === 'query' || mode === 'inspect' || isComposite(mode);
}

/** Whether canister code may answer its call context in this mode. */
export function mayAnswer(mode: ExecutionMode): boolean {
  return mode === 'update' || mode === 'query' || mode === 'response' || isComposite(mode);
}

/** ICP's name of an execution mode, as contract-violation texts print it. */
export function icModeName(exec: Pick<Execution, 'mode' | 'replicated'>): string {
  switch (exec.mode) {
    case 'query':
      return exec.replicated === false ? 'non replicated query' : 'replicated query';
    case 'compositeQuery':
      return 'composite query';
    case 'compositeCallback':
      return 'composite reply callback';
    case 'inspect':
      return 'inspect message';
    case 'response':
      return 'reply callback';
    case 'heartbeat':
    case 'timer':
      return 'system task';
    case 'load':
      return 'start';
    default:
      return exec.mode;
  }
}
