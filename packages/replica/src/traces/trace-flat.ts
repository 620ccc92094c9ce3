/**
 * Linked traces as one flat array of primitives, `TRACE_STRIDE` values per trace: what the
 * recorder posts to the writer thread. A structured clone of a flat array costs about half
 * that of the same traces as nested objects with byte arrays, and it is the execution
 * thread that pays for the clone. The worker (`trace-worker.ts`) reads the same layout.
 */
import { toHex } from '@tincan/bytes';
import type { ExecutionTrace } from '@tincan/runtime';

/** A runtime trace with its place in a call tree. */
export interface LinkedTrace {
  readonly id: number;
  readonly tree: string;
  readonly parent: number | null;
  readonly wallMs: number;
  readonly trace: ExecutionTrace;
}

/** Values per trace in a flat batch. */
export const TRACE_STRIDE = 31;

/** Appends `linked` to `out` in the flat layout. */
export function flattenTrace(out: unknown[], { id, tree, parent, wallMs, trace: t }: LinkedTrace): void {
  const c = t.cause;
  const causeA = c.kind === 'ingress' ? (c.requestId ?? '') : c.kind === 'call' ? c.caller : '';
  const causeB = c.kind === 'call' || c.kind === 'response' || c.kind === 'cleanup' ? c.callId : c.kind === 'timer' ? c.timerId : -1;
  const answer = t.answer;
  out.push(
    id, tree, parent, wallMs, t.canister, t.kind, t.method, t.caller, t.origin, t.contextId ?? null,
    c.kind, causeA, causeB, t.timeNs, t.outcome, t.trap ?? null, t.instructions,
    t.cyclesCharged, t.cyclesAccepted, t.cyclesRefunded, t.balanceDelta,
    t.calls.length === 0 ? null : t.calls.map((call) => [call.callId, call.callee, call.method, call.cycles.toString(), call.oneway]),
    t.timersSet, t.stableWrites, t.heapBytes, toHex(t.arg),
    t.rejected?.code ?? -1, t.rejected?.message ?? null,
    answer !== undefined && 'reply' in answer ? toHex(answer.reply) : null,
    answer !== undefined && 'reject' in answer ? answer.reject.code : -1,
    answer !== undefined && 'reject' in answer ? answer.reject.message : null,
  );
}
