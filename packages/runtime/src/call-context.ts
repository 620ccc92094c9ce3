import type { ReplyTarget } from './messages.js';

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
  readonly deadlineNs: bigint;
  replied: boolean;
  /** Calls made under this context whose response has not run yet. */
  outstanding: number;
}
