/**
 * The replica's trace sink: links each execution into its call tree and keeps it in the
 * in-memory `TraceRing` (which copies what it keeps into columns at once: nothing of the
 * runtime's record outlives the call). A call is named by (caller canister, call id); the
 * execution that made it is remembered under that name, so the callee's execution and the
 * caller's callback (or cleanup) find their parent and tree. A dispatched sub-message is named
 * the same way by (dispatcher, message id): its execution and the dispatcher's reply handler
 * find the execution that dispatched it. A tree is named by its root
 * execution's id (and, for an ingress message sent over HTTP, by its request id).
 */
import type { ExecutionTrace, TraceSink } from '@tincan/runtime';
import type { TraceRing } from './trace-ring.js';

/** Calls remembered for linking; the oldest are forgotten past this (a lost link starts a new tree). */
const CALL_SITES = 50_000;

/** Collects traces from the runtime into a ring. */
export class TraceRecorder implements TraceSink {
  readonly #ring: TraceRing;
  readonly #wallMs: () => number;
  readonly #recorded: () => void;
  readonly #callSites = new Map<string, { readonly id: number; readonly root: number }>();
  #nextId: number;

  /**
   * Numbers executions from `firstId`. `wallMs` stamps each trace with host time (diagnostics
   * only; executions never see it); `recorded` is told after each one (it schedules a write).
   */
  constructor(ring: TraceRing, firstId: number, wallMs: () => number, recorded: () => void) {
    this.#ring = ring;
    this.#nextId = firstId;
    this.#wallMs = wallMs;
    this.#recorded = recorded;
  }

  /** Links one execution and keeps it. */
  execution(trace: ExecutionTrace): void {
    const id = this.#nextId++;
    let root = id;
    let parent: number | null = null;
    const cause = trace.cause;
    if (cause.kind === 'call' || cause.kind === 'response' || cause.kind === 'cleanup') {
      const site = this.#callSites.get(
        `${cause.kind === 'call' ? cause.caller : trace.canister}:${cause.callId}`,
      );
      if (site !== undefined) ({ root, id: parent } = site);
    } else if (cause.kind === 'dispatch' || cause.kind === 'reply') {
      // A sub-message's parent is the execution that dispatched it; so is its reply handler's.
      const dispatcher = cause.kind === 'dispatch' ? cause.caller : trace.canister;
      const site = this.#callSites.get(`${dispatcher}:m${cause.msgId}`);
      if (site !== undefined) ({ root, id: parent } = site);
    }
    // A committed execution's calls were sent; a query call graph's (discarded) ran in the graph.
    // A trapped execution's calls never left.
    if (trace.outcome !== 'trapped' && trace.calls.length > 0) {
      for (const call of trace.calls)
        this.#callSites.set(`${trace.canister}:${call.callId}`, { id, root });
      if (this.#callSites.size > CALL_SITES) this.#forgetOldest();
    }
    // A transaction's executions reach the sink after the one that dispatched them, even when
    // it trapped afterwards (a reverted transaction is the root's trap).
    const dispatched = trace.dispatched;
    if (dispatched !== undefined && dispatched.length > 0) {
      for (const msgId of dispatched)
        this.#callSites.set(`${trace.canister}:m${msgId}`, { id, root });
      if (this.#callSites.size > CALL_SITES) this.#forgetOldest();
    }
    this.#ring.push(id, root, parent, this.#wallMs(), trace);
    this.#recorded();
  }

  #forgetOldest(): void {
    let drop = this.#callSites.size - CALL_SITES / 2;
    for (const key of this.#callSites.keys()) {
      if (drop-- <= 0) break;
      this.#callSites.delete(key);
    }
  }
}
