import { rejectCodeName } from '@tincan/abi';
import { TincanError } from '@tincan/errors';

/** Codes of {@link CliError}. */
export type CliErrorCode =
  | 'ERR_USAGE'
  | 'ERR_PROJECT'
  | 'ERR_IDENTITY'
  | 'ERR_UNREACHABLE'
  | 'ERR_UNKNOWN_CANISTER'
  | 'ERR_UNKNOWN_METHOD'
  | 'ERR_REJECTED'
  | 'ERR_STATE_DIR'
  | 'ERR_BAD_REPLY';

/**
 * An error the CLI reports to the user: its message says what went wrong and what to do, and
 * the process exits non-zero. Anything else thrown is reported the same way, with its name.
 */
export class CliError extends TincanError<CliErrorCode> {}

/** A call that ended in a reject, with ICP's reject code, IC error code and message. */
export class RejectedCallError extends CliError {
  readonly rejectCode: number;
  readonly errorCode: string | undefined;
  readonly rejectMessage: string;

  constructor(what: string, rejectCode: number, errorCode: string | undefined, rejectMessage: string) {
    super('ERR_REJECTED', `${what} was rejected: reject code ${rejectCode} (${rejectCodeName(rejectCode)})${errorCode ? `, error code ${errorCode}` : ''}: ${rejectMessage}`);
    this.rejectCode = rejectCode;
    this.errorCode = errorCode;
    this.rejectMessage = rejectMessage;
  }
}
