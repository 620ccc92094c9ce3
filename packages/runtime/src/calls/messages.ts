import type { Callback, Outcome, ReplyTarget } from './call-context.js';

export type { IngressId, Outcome, ReplyTarget } from './call-context.js';

/** A request waiting in a canister's input queue. */
export interface RequestMessage {
  readonly kind: 'request';
  readonly seq: number;
  /** Hex id of the canister that executes the message. */
  readonly target: string;
  /** Hex of the caller; requests from one caller to one callee run in order. */
  readonly source: string;
  readonly caller: Uint8Array;
  readonly origin: Uint8Array;
  readonly method: string;
  readonly arg: Uint8Array;
  readonly replyTo: ReplyTarget;
  /** Deadline of a bounded-wait call; 0 for unbounded calls and ingress. */
  readonly deadlineNs: bigint;
  /** Cycles attached to the call (already taken from the caller). */
  readonly cycles: bigint;
  /** Nesting depth of the call: 0 for ingress. */
  readonly depth: number;
  /** An ingress query, run outside consensus: its execution may read a data certificate. */
  readonly nonReplicated?: boolean;
}

/** A response waiting to run as a callback on the canister that made the call. */
export interface ResponseMessage {
  readonly kind: 'response';
  readonly seq: number;
  /** Hex id of the canister that made the call and now runs its callback. */
  readonly target: string;
  readonly callback: Callback;
  readonly outcome: Outcome;
  /** Attached cycles the callee did not accept, returned to the caller. */
  readonly refund: bigint;
}

/** A due timer of a canister, run as its own execution. */
export interface TimerMessage {
  readonly kind: 'timer';
  readonly seq: number;
  /** Hex id of the canister whose timer is due. */
  readonly target: string;
  readonly timerId: number;
}

/** A round's `@heartbeat` of a canister, run as its own execution. */
export interface HeartbeatMessage {
  readonly kind: 'heartbeat';
  readonly seq: number;
  /** Hex id of the canister whose heartbeat runs. */
  readonly target: string;
}

/** Anything in an input queue. */
export type Message = RequestMessage | ResponseMessage | TimerMessage | HeartbeatMessage;

/** A message before the runtime numbers it: what components hand to `enqueue`. */
export type NewMessage =
  | Omit<RequestMessage, 'seq'>
  | Omit<ResponseMessage, 'seq'>
  | Omit<TimerMessage, 'seq'>
  | Omit<HeartbeatMessage, 'seq'>;
