/**
 * A stored execution trace: the runtime's `ExecutionTrace` linked into a call tree, with
 * principals as text and numbers that JSON cannot hold as decimal strings, ready for an API.
 */
import { Principal } from '@dfinity/principal';
import { fromHex } from '@tincan/bytes';
import type { ExecutionMode, ExecutionTrace } from '@tincan/runtime';

/** What started an execution, with principals as text. */
export type TraceRecordCause =
  | { readonly kind: 'ingress'; readonly requestId?: string }
  | { readonly kind: 'call'; readonly caller: string; readonly callId: number }
  | { readonly kind: 'response'; readonly callId: number }
  | { readonly kind: 'cleanup'; readonly callId: number }
  | { readonly kind: 'timer'; readonly timerId: number }
  /** A dispatched sub-message (dispatch/reply): `caller` dispatched it as message `msgId`. */
  | { readonly kind: 'dispatch'; readonly caller: string; readonly msgId: number }
  /** A reply handler of the sub-message `msgId` its canister dispatched. */
  | { readonly kind: 'reply'; readonly msgId: number }
  | { readonly kind: 'system' };

/** An answer as data: the reply's Candid bytes in hex, or the reject. */
export type TraceAnswer =
  | { readonly reply: string }
  | { readonly reject: { readonly code: number; readonly message: string } };

/** One execution in the trace store. */
export interface TraceRecord {
  /** Increasing in execution order. */
  readonly id: number;
  /** The call tree it belongs to: an ingress message's request id (hex), or `e<id>` of its root. */
  readonly tree: string;
  /** The execution that made the call this one runs (or answers); null for a root. */
  readonly parent: number | null;
  readonly canister: string;
  readonly kind: ExecutionMode;
  readonly method: string;
  readonly caller: string;
  readonly origin: string;
  readonly contextId: number | null;
  readonly cause: TraceRecordCause;
  /** Replica time, ns, as a decimal string. */
  readonly timeNs: string;
  /** Host wall time the trace was recorded, ms since the epoch. */
  readonly wallMs: number;
  readonly outcome: ExecutionTrace['outcome'];
  readonly trap: string | null;
  readonly instructions: number;
  readonly cyclesCharged: string;
  readonly cyclesAccepted: string;
  readonly cyclesRefunded: string;
  readonly balanceDelta: string;
  readonly calls: ReadonlyArray<{
    readonly callId: number;
    readonly callee: string;
    readonly method: string;
    readonly cycles: string;
    readonly oneway: boolean;
  }>;
  readonly timersSet: number;
  readonly stableWrites: number;
  readonly heapBytes: number;
  /** The argument's Candid bytes (a callback's: the reply it got), hex. */
  readonly arg: string;
  /** In a callback of a rejected call: the reject it got. */
  readonly rejected: { readonly code: number; readonly message: string } | null;
  readonly answer: TraceAnswer | null;
}

const principalTexts = new Map<string, string>();

/** Text of a principal given as hex (empty: the management canister); memoized, bounded. */
export function principalFromHex(hex: string): string {
  let text = principalTexts.get(hex);
  if (text === undefined) {
    text = Principal.fromUint8Array(fromHex(hex)).toText();
    if (principalTexts.size >= 10_000) principalTexts.clear();
    principalTexts.set(hex, text);
  }
  return text;
}
