import type { Reject } from '@tincan/abi';

/** Outcome of a call: a reply's Candid bytes, or a reject. */
export type Outcome = { readonly reply: Uint8Array } | { readonly reject: Reject };

/** The identity of an ingress call sent under a request id (over HTTP): what replay protection keeps. */
export interface IngressId {
  readonly requestId: Uint8Array;
  /** Principal bytes of the sender. */
  readonly sender: Uint8Array;
  /** The request's `ingress_expiry`, in ns. */
  readonly expiryNs: bigint;
}

/** Where the answer to a call context goes. */
export type ReplyTarget =
  | {
      readonly kind: 'ingress';
      readonly onAnswer: (outcome: Outcome) => void;
      readonly id?: IngressId | undefined;
    }
  | { readonly kind: 'canister'; readonly canister: string; readonly callback: Callback }
  | { readonly kind: 'none' }
  /** A request inducted from another subnet's stream: the answer goes back on the reverse stream, once committed. */
  | {
      readonly kind: 'remote';
      readonly onAnswer: (outcome: Outcome, refund: bigint) => void;
      /** Told the answer at once, inside the batch's transaction (the stream keeps it there). */
      readonly record?: (outcome: Outcome, refund: bigint) => void;
      /** Told, inside the batch's transaction, when the request is taken to be executed. */
      readonly onPicked?: () => void;
    };

/**
 * An open call context: one incoming call that must be answered exactly once. It stays open
 * while it is unanswered or has outstanding calls whose callbacks belong to it.
 */
export interface CallContext {
  readonly id: number;
  readonly replyTo: ReplyTarget;
  readonly caller: Uint8Array;
  readonly origin: Uint8Array;
  readonly method: string;
  /** Deadline of a bounded-wait call; 0 for unbounded calls and ingress. */
  readonly deadlineNs: bigint;
  /** Nesting depth: 0 for ingress and timers, the caller's depth + 1 for a canister's call. */
  readonly depth: number;
  replied: boolean;
  /** Calls made under this context whose response has not run yet. */
  outstanding: number;
  /** Attached cycles not accepted yet; what is left is refunded with the answer. */
  cyclesAvailable: bigint;
}

/**
 * A call in flight, on the caller's side: what its response runs against. Exactly one
 * response is ever queued for it; a later one (a reply after the deadline) is dropped.
 */
export interface Callback {
  readonly callId: number;
  /** The call context of the caller, or undefined for a one-way call (nothing runs). */
  readonly context: CallContext | undefined;
  /** Deadline of a bounded-wait call; 0 for a guaranteed-response call. */
  readonly deadlineNs: bigint;
  /** Set once a response (the callee's or the system's) has been queued. */
  responded: boolean;
  /** Hex id of the callee, and the method called (what a restart reports about a lost call). */
  readonly callee: string;
  readonly method: string;
  /** Cycles attached to the call. */
  readonly cycles: bigint;
  /** The refund the queued response carries, once `responded`. */
  refund?: bigint;
}
