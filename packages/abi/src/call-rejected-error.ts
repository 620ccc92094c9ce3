import { TincanError } from '@tincan/errors';
import { rejectCodeName } from './reject-code.js';

/** A reject as a client reads it: the agent's reject code may be one tincan never produces. */
export interface RejectSeen {
  readonly code: number;
  readonly message: string;
  readonly errorCode?: string | undefined;
}

/**
 * A call that ended in a reject, thrown by the clients of a replica (typed actors, the CLI):
 * ICP's reject code, IC error code and message, and a message that names what was called, e.g.
 * `call to 'book' was rejected: reject code 5 (CANISTER_ERROR), error code IC0503: …`.
 */
export class CallRejectedError extends TincanError<'ERR_CALL_REJECTED'> {
  readonly rejectCode: number;
  readonly rejectMessage: string;
  readonly errorCode: string | undefined;

  constructor(what: string, reject: RejectSeen) {
    super(
      'ERR_CALL_REJECTED',
      `${what} was rejected: reject code ${reject.code} (${rejectCodeName(reject.code)})${reject.errorCode ? `, error code ${reject.errorCode}` : ''}: ${reject.message}`,
    );
    this.rejectCode = reject.code;
    this.rejectMessage = reject.message;
    this.errorCode = reject.errorCode;
  }
}
