import { TincanError } from '@tincan/errors';

/** Codes of {@link CliError}. */
export type CliErrorCode =
  | 'ERR_USAGE'
  | 'ERR_PROJECT'
  | 'ERR_IDENTITY'
  | 'ERR_UNREACHABLE'
  | 'ERR_UNKNOWN_CANISTER'
  | 'ERR_UNKNOWN_METHOD'
  | 'ERR_STATE_DIR'
  | 'ERR_BAD_REPLY';

/**
 * An error the CLI reports to the user: its message says what went wrong and what to do, and
 * the process exits non-zero. Anything else thrown is reported the same way, with its name.
 */
export class CliError extends TincanError<CliErrorCode> {}
