import { TincanError } from '@tincan/errors';

/** Codes of {@link RuntimeError}. */
export type RuntimeErrorCode =
  | 'ERR_CANISTER_LOAD'
  | 'ERR_CANISTER_NOT_FOUND'
  | 'ERR_CANISTER_EMPTY'
  | 'ERR_INSTALL_TRAPPED'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_STATE_CORRUPT'
  | 'ERR_KERNEL'
  | 'ERR_PAYLOAD_TOO_LARGE';

/** Errors of the runtime itself (not rejects, which callers receive as values). */
export class RuntimeError extends TincanError<RuntimeErrorCode> {}
