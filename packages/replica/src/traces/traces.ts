/**
 * What a replica with tracing on offers: the recorder wired into its runtime and queries over
 * the store, each of which first hands over what is still buffered, so it sees every
 * execution that finished before it was asked.
 */
import path from 'node:path';
import type { TraceSink } from '@tincan/runtime';
import type { TraceRecord } from './trace-record.js';
import { TraceRecorder } from './trace-recorder.js';
import { TraceStore, type TraceQuery, type TreeSummary } from './trace-store.js';

export type { TraceQuery, TreeSummary };
export type { TraceAnswer, TraceRecord, TraceRecordCause } from './trace-record.js';

/** Tracing settings of a replica. */
export interface TraceOptions {
  /** Executions kept (the oldest are deleted); 10,000 by default. */
  readonly limit?: number;
}

/** The default number of executions a replica keeps. */
export const DEFAULT_TRACE_LIMIT = 10_000;

/** A replica's execution traces. */
export class Traces {
  readonly #store: TraceStore;
  readonly #recorder: TraceRecorder;

  /** Opens the trace store in `stateDir` (`traces.sqlite`), or in memory. */
  constructor(stateDir: string | undefined, options: TraceOptions) {
    const limit = options.limit ?? DEFAULT_TRACE_LIMIT;
    if (!Number.isInteger(limit) || limit <= 0) throw new RangeError(`traces.limit must be a positive integer, got ${limit}`);
    this.#store = new TraceStore(stateDir === undefined ? undefined : path.join(stateDir, 'traces.sqlite'), limit);
    this.#recorder = new TraceRecorder(this.#store, () => Date.now());
  }

  /** The sink the runtime reports to. */
  get sink(): TraceSink {
    return this.#recorder;
  }

  /** Executions matching `query`, newest first. */
  list(query: TraceQuery = {}): Promise<TraceRecord[]> {
    this.#recorder.flush();
    return this.#store.list(query);
  }

  /** Call trees whose executions match `query`, newest first. */
  trees(query: TraceQuery = {}): Promise<TreeSummary[]> {
    this.#recorder.flush();
    return this.#store.trees(query);
  }

  /** The executions of one call tree, in execution order (empty when unknown or pruned). */
  tree(tree: string): Promise<TraceRecord[]> {
    this.#recorder.flush();
    return this.#store.tree(tree);
  }

  /** One execution. */
  get(id: number): Promise<TraceRecord | undefined> {
    this.#recorder.flush();
    return this.#store.get(id);
  }

  /** How many executions are kept. */
  count(): Promise<number> {
    this.#recorder.flush();
    return this.#store.count();
  }

  /** Writes what is buffered and closes the store. */
  close(): Promise<void> {
    this.#recorder.flush();
    return this.#store.close();
  }
}
