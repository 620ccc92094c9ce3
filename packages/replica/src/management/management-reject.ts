/**
 * Rejects of the management canister, with the IC's reject and error codes, and the mapping of
 * runtime errors onto them: a failing management call is always a reject, never a crash.
 */
import { Rejects, type Reject } from '@tincan/abi';
import { RuntimeError, type Outcome } from '@tincan/runtime';
import { TincanError, ensureError } from '@tincan/errors';

/** A reject the management canister answers with, thrown from a method to end it. */
export class ManagementReject extends TincanError<'ERR_MANAGEMENT_REJECT'> {
  /** The reject the caller gets (built by a `Rejects` constructor). */
  readonly reject: Reject;

  constructor(reject: Reject) {
    super('ERR_MANAGEMENT_REJECT', reject.message);
    this.reject = reject;
  }
}

/**
 * A result that comes later (`stop_canister` answers once the canister is stopped). Unlike a
 * promise it settles synchronously, inside the runtime step that completes it, so the answer
 * joins that step's batch.
 */
export class Deferred<T> {
  readonly #start: (resolve: (value: T) => void, reject: (err: unknown) => void) => void;

  constructor(start: (resolve: (value: T) => void, reject: (err: unknown) => void) => void) {
    this.#start = start;
  }

  /** Starts waiting; exactly one of the callbacks is called, now or later. */
  settle(resolve: (value: T) => void, reject: (err: unknown) => void): void {
    this.#start(resolve, reject);
  }
}

/** The outcome for anything a management method threw. */
export function rejectOutcome(err: unknown, method: string): Outcome {
  if (err instanceof ManagementReject) return { reject: err.reject };
  if (err instanceof RuntimeError) {
    // A runtime error keeps its own (capitalized) text, under the reject ICP gives its cause.
    const message = capitalize(err.message);
    switch (err.code) {
      case 'ERR_CANISTER_NOT_FOUND':
        return { reject: Rejects.runtimeFailed('not-found', message) };
      case 'ERR_CANISTER_EMPTY':
        return { reject: Rejects.runtimeFailed('empty', message) };
      case 'ERR_INSTALL_TRAPPED':
      case 'ERR_CANISTER_LOAD':
        return { reject: Rejects.runtimeFailed('trapped', message) };
      default:
        return { reject: Rejects.runtimeFailed('other', message) };
    }
  }
  const message = ensureError(err).message;
  return { reject: Rejects.managementMethodFailed(method, message) };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
