import { TincanError } from '@tincan/errors';
import { rejectCodeName, type Reject } from '@tincan/abi';

/** Codes of {@link ReplicaError}. */
export type ReplicaErrorCode = 'ERR_CALL_REJECTED' | 'ERR_REPLICA_CLOSED' | 'ERR_UNKNOWN_METHOD' | 'ERR_NO_CANDID' | 'ERR_INVALID_ARGUMENT';

/** Errors of the replica API. */
export class ReplicaError<Code extends ReplicaErrorCode = ReplicaErrorCode> extends TincanError<Code> {}

/** A call ended in a reject; carries the ICP reject code and message. */
export class CallRejectedError extends ReplicaError<'ERR_CALL_REJECTED'> {
  readonly rejectCode: number;
  readonly rejectMessage: string;
  readonly errorCode: string | undefined;

  constructor(reject: Reject, method: string) {
    super('ERR_CALL_REJECTED', `call to '${method}' was rejected: ${reject.code} ${rejectCodeName(reject.code)}${reject.errorCode ? ` (${reject.errorCode})` : ''}: ${reject.message}`);
    this.rejectCode = reject.code;
    this.rejectMessage = reject.message;
    this.errorCode = reject.errorCode;
  }
}
