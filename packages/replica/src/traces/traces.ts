/**
 * What a replica with tracing on offers: the recorder wired into its runtime, queries answered
 * from the last N executions in memory, and the trace file those survive a restart in.
 *
 * Persistence rule: an execution only lands in the in-memory ring. The records not yet in
 * `traces.sqlite` are written in one transaction at most every `WRITE_EVERY_MS` (a timer started
 * by the first execution after a write, so an idle replica writes nothing) and at close, so a
 * saturated update loop does no per-execution SQLite or thread hand-over work. A crash loses at
 * most the executions of the last interval; traces are diagnostics.
 */
import path from 'node:path';
import type { TraceSink } from '@tincan/runtime';
import { ensureError } from '@tincan/errors';
import type { TraceRecord } from './trace-record.js';
import { TraceRecorder } from './trace-recorder.js';
import { TraceFile } from './trace-file.js';
import { TraceRing, type TraceQuery, type TreeSummary } from './trace-ring.js';

export type { TraceQuery, TreeSummary };
export type { TraceAnswer, TraceRecord, TraceRecordCause } from './trace-record.js';

/** Tracing settings of a replica. */
export interface TraceOptions {
  /** Executions kept (the oldest are deleted); 10,000 by default. */
  readonly limit?: number;
}

/** The default number of executions a replica keeps. */
export const DEFAULT_TRACE_LIMIT = 10_000;

/** How long new records may wait in memory before they are written to the trace file. */
const WRITE_EVERY_MS = 10_000;
/** Records written per transaction by the timer (about 10 µs each). */
const WRITE_CHUNK = 1_000;

/** A replica's execution traces. */
export class Traces {
  readonly #ring: TraceRing;
  readonly #recorder: TraceRecorder;
  readonly #file: TraceFile | undefined;
  /** The newest id in the trace file. */
  #writtenId: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /** Opens the trace file in `stateDir` (`traces.sqlite`) and loads its last N records; or keeps them in memory only. */
  constructor(stateDir: string | undefined, options: TraceOptions) {
    const limit = options.limit ?? DEFAULT_TRACE_LIMIT;
    if (!Number.isInteger(limit) || limit <= 0)
      throw new RangeError(`traces.limit must be a positive integer, got ${limit}`);
    this.#ring = new TraceRing(limit);
    this.#file =
      stateDir === undefined ? undefined : new TraceFile(path.join(stateDir, 'traces.sqlite'));
    const records = this.#file?.load(limit) ?? [];
    this.#ring.load(records);
    const lastId = records[records.length - 1]?.id ?? 0;
    this.#writtenId = lastId;
    this.#recorder = new TraceRecorder(
      this.#ring,
      lastId + 1,
      () => Date.now(),
      () => this.#schedule(),
    );
  }

  /** The sink the runtime reports to. */
  get sink(): TraceSink {
    return this.#recorder;
  }

  /** Executions matching `query`, newest first. */
  list(query: TraceQuery = {}): Promise<TraceRecord[]> {
    return Promise.resolve(this.#ring.list(query));
  }

  /** Call trees whose executions match `query`, newest first. */
  trees(query: TraceQuery = {}): Promise<TreeSummary[]> {
    return Promise.resolve(this.#ring.trees(query));
  }

  /** The executions of one call tree, in execution order (empty when unknown or pruned). */
  tree(tree: string): Promise<TraceRecord[]> {
    return Promise.resolve(this.#ring.tree(tree));
  }

  /** One execution. */
  get(id: number): Promise<TraceRecord | undefined> {
    return Promise.resolve(this.#ring.get(id));
  }

  /** How many executions are kept. */
  count(): Promise<number> {
    return Promise.resolve(this.#ring.size);
  }

  /**
   * Writes the records not yet in the trace file now (the replica does it at most every
   * `WRITE_EVERY_MS` and at close); returns how many it wrote.
   */
  flush(): number {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    return this.#write(Number.POSITIVE_INFINITY);
  }

  /** Writes up to `max` of the oldest records not yet in the trace file, in one transaction. */
  #write(max: number): number {
    if (this.#file === undefined || this.#closed) return 0;
    const records = this.#ring.since(this.#writtenId, max);
    const last = records[records.length - 1];
    if (last === undefined) return 0;
    this.#file.write(records, this.#ring.oldestId ?? last.id);
    this.#writtenId = last.id;
    return records.length;
  }

  /** Writes what is still only in memory and closes the trace file. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    try {
      this.flush();
    } finally {
      this.#closed = true;
      this.#file?.close();
    }
    return Promise.resolve();
  }

  /** Called after each execution: starts the write timer when none is pending. */
  #schedule(): void {
    if (this.#timer !== undefined || this.#file === undefined || this.#closed) return;
    const tick = (): void => {
      this.#timer = undefined;
      try {
        // In chunks, each its own event-loop turn, so a full ring never blocks requests for long.
        if (this.#write(WRITE_CHUNK) === WRITE_CHUNK) this.#timer = setTimeout(tick, 0).unref();
      } catch (err) {
        // A failed write (disk full, file removed) must not take the replica down; the records stay in memory.
        process.emitWarning(`tincan: writing traces.sqlite failed: ${ensureError(err).message}`);
      }
    };
    this.#timer = setTimeout(tick, WRITE_EVERY_MS);
    // An idle timer does not keep the process alive; close writes what is left.
    this.#timer.unref();
  }
}
