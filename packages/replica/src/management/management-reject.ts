/**
 * Rejects of the management canister, with the IC's reject and error codes, and the mapping of
 * runtime errors onto them: a failing management call is always a reject, never a crash.
 */
import { IcErrorCode, RejectCode } from '@tincan/abi';
import { RuntimeError, type Outcome } from '@tincan/runtime';
import { ensureError } from '@tincan/errors';

/** A reject the management canister answers with. */
export class ManagementReject extends Error {
  readonly rejectCode: RejectCode;
  readonly errorCode: IcErrorCode;

  constructor(rejectCode: RejectCode, errorCode: IcErrorCode, message: string) {
    super(message);
    this.rejectCode = rejectCode;
    this.errorCode = errorCode;
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
  const reject = (code: RejectCode, errorCode: IcErrorCode, message: string): Outcome => ({ reject: { code, errorCode, message } });
  if (err instanceof ManagementReject) return reject(err.rejectCode, err.errorCode, err.message);
  if (err instanceof RuntimeError) {
    const message = capitalize(err.message);
    switch (err.code) {
      case 'ERR_CANISTER_NOT_FOUND':
        return reject(RejectCode.DestinationInvalid, IcErrorCode.CanisterNotFound, message);
      case 'ERR_CANISTER_EMPTY':
        return reject(RejectCode.CanisterError, IcErrorCode.CanisterEmpty, message);
      case 'ERR_INSTALL_TRAPPED':
      case 'ERR_CANISTER_LOAD':
        return reject(RejectCode.CanisterError, IcErrorCode.CanisterCalledTrap, message);
      default:
        return reject(RejectCode.CanisterError, IcErrorCode.CanisterContractViolation, message);
    }
  }
  const message = ensureError(err).message;
  return reject(RejectCode.CanisterError, IcErrorCode.CanisterContractViolation, `Management canister method ${method} failed: ${message}`);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
