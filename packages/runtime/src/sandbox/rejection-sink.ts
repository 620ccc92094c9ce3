/**
 * Where a canister's unhandled promise rejections go: to its own log, never to the process.
 *
 * V8 reports a promise rejected with no handler to Node once for the whole isolate, whatever
 * realm the promise belongs to, and Node emits `unhandledRejection` on the process for it
 * (which ends `tincan start`, and fails a vitest run). There is no per-realm hook. But Node
 * records, at the moment of the rejection, the `process.domain` active then, and later emits
 * on that domain's `error` instead of the process when it has one (lib/internal/process/
 * promises.js; the `domain` module is not needed, only the property). So while a sandbox
 * evaluates a script (an op, the kernel, the bundle) `process.domain` is this sink: a rejection
 * that nothing has handled by the end of the current macrotask is logged to the canister whose
 * execution rejected it. One handled before that (an `await` in a later execution of the same
 * batch) is dropped from Node's list and never reported, as usual.
 *
 * Rejections of host-realm promises that happen meanwhile (host code the system API called)
 * are passed on to the process as Node would have.
 */
import { describeThrown, isHostObject } from './describe-thrown.js';

/** What Node calls on `process.domain`. */
export interface DomainLike {
  emit(event: string, reason: unknown): boolean;
}

/** `process`, as far as its `domain` goes. */
export const processWithDomain = process as unknown as { domain: DomainLike | null | undefined };

/** Receives one sandbox's unhandled rejections. */
export class RejectionSink implements DomainLike {
  readonly #log: (text: string) => void;

  constructor(log: (text: string) => void) {
    this.#log = log;
  }

  /** Node's call: `error` with the reason of a rejection nothing handled. Returns whether it was handled. */
  emit(event: string, reason: unknown): boolean {
    if (event !== 'error') return false;
    if (isHostObject(reason)) return process.emit('unhandledRejection', reason, Promise.resolve());
    try {
      this.#log(
        `Uncaught (in promise) ${describeThrown(reason)}: a promise was rejected and nothing awaited it`,
      );
    } catch {
      // The canister is gone (deleted, or its replica closed): nothing to log to.
    }
    return true;
  }
}
