/**
 * Dispatch/reply (a CosmWasm-style transactional call mode, an extension): what an execution
 * dispatches, and the rules of `replyOn`.
 */

/** Nesting limit of sub-messages: the root execution is depth 0, its sub-messages depth 1. */
export const MAX_SUBMSG_DEPTH = 256;

/** When the dispatcher's reply handler runs: never, on success, on error, or always. */
export type ReplyOn = 'never' | 'success' | 'error' | 'always';

/** `replyOn` as it crosses the system API. */
export const REPLY_ON: readonly ReplyOn[] = ['never', 'success', 'error', 'always'];

/** A sub-message an execution dispatched: run when that execution ends, in a frame of its own. */
export interface SubMessage {
  /** Unique for as long as the runtime runs (a reply always arrives within its transaction). */
  readonly msgId: bigint;
  readonly target: Uint8Array;
  readonly method: string;
  readonly arg: Uint8Array;
  readonly replyOn: ReplyOn;
  /** Cycles moved from the dispatcher to the target inside the sub-message's frame. */
  readonly cycles: bigint;
  /** The dispatcher's method that gets `(msgId, success, data)`; empty with `never`. */
  readonly replyMethod: string;
}

/** Where an execution runs in a transaction. */
export interface TxPlace {
  /** 0 for the root execution and its reply handlers, n for a sub-message n levels down. */
  readonly depth: number;
  /** 1 in a sub-message, 2 in a reply handler. */
  readonly role: 1 | 2;
}

/** Whether the dispatcher's reply handler runs for this outcome. */
export function wantsReply(replyOn: ReplyOn, success: boolean): boolean {
  return replyOn === 'always' || (success ? replyOn === 'success' : replyOn === 'error');
}

/** Whether a failure of the sub-message fails its dispatcher's frame too (nobody handles it). */
export function failureReverts(replyOn: ReplyOn): boolean {
  return replyOn === 'never' || replyOn === 'success';
}
