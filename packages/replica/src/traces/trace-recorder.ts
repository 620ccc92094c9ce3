/**
 * The replica's trace sink: links each execution into its call tree and hands it to the
 * `TraceStore` (whose writer is a worker thread) in batches. A call is named by (caller canister, call
 * id); the execution that made it is remembered under that name, so the callee's execution and
 * the caller's callback (or cleanup) find their parent and tree.
 */
import type { ExecutionTrace, TraceSink } from '@tincan/runtime';
import type { LinkedTrace } from './trace-flat.js';
import type { TraceStore } from './trace-store.js';

/** Traces written in one transaction at most; a full buffer is written at once. */
const FLUSH_AT = 256;
/**
 * A buffer that does not fill is handed over this long after its first trace: one writer
 * transaction for many executions, even when each comes on an event-loop turn of its own.
 * Queries hand the buffer over first, so they never wait for it.
 */
const FLUSH_AFTER_MS = 50;
/** Calls remembered for linking; the oldest are forgotten past this (a lost link starts a new tree). */
const CALL_SITES = 50_000;

/** Collects traces from the runtime and writes them to a store. */
export class TraceRecorder implements TraceSink {
  readonly #store: TraceStore;
  readonly #wallMs: () => number;
  readonly #callSites = new Map<string, { readonly id: number; readonly tree: string }>();
  #buffer: LinkedTrace[] = [];
  #nextId: number;
  #scheduled = false;

  /** `wallMs` stamps each trace with host time (diagnostics only; executions never see it). */
  constructor(store: TraceStore, wallMs: () => number) {
    this.#store = store;
    this.#wallMs = wallMs;
    this.#nextId = store.lastId() + 1;
  }

  /** Links one execution and buffers it. */
  execution(trace: ExecutionTrace): void {
    const id = this.#nextId++;
    let tree: string | undefined;
    let parent: number | null = null;
    const cause = trace.cause;
    if (cause.kind === 'ingress' && cause.requestId !== undefined) tree = cause.requestId;
    else if (cause.kind === 'call' || cause.kind === 'response' || cause.kind === 'cleanup') {
      const site = this.#callSites.get(`${cause.kind === 'call' ? cause.caller : trace.canister}:${cause.callId}`);
      if (site !== undefined) ({ tree, id: parent } = site);
    }
    tree ??= `e${id}`;
    if (trace.outcome === 'committed') {
      for (const call of trace.calls) this.#callSites.set(`${trace.canister}:${call.callId}`, { id, tree });
      if (this.#callSites.size > CALL_SITES) this.#forgetOldest();
    }
    this.#buffer.push({ id, tree, parent, wallMs: this.#wallMs(), trace });
    if (this.#buffer.length >= FLUSH_AT) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setTimeout(() => this.flush(), FLUSH_AFTER_MS).unref();
    }
  }

  /** Writes what is buffered. Queries call it first, so they see every finished execution. */
  flush(): void {
    this.#scheduled = false;
    if (this.#buffer.length === 0) return;
    const traces = this.#buffer;
    this.#buffer = [];
    this.#store.insert(traces);
  }

  #forgetOldest(): void {
    let drop = this.#callSites.size - CALL_SITES / 2;
    for (const key of this.#callSites.keys()) {
      if (drop-- <= 0) break;
      this.#callSites.delete(key);
    }
  }
}
