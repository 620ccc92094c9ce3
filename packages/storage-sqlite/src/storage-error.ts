import { TincanError } from '@tincan/errors';

/**
 * Codes of {@link StorageError}:
 * - `ERR_STORAGE_OPEN`: the database file could not be opened or is not a tincan store.
 * - `ERR_STORAGE_CLOSED`: the store was used after `close()`.
 * - `ERR_TRANSACTION_STATE`: `begin()` while a transaction is open, or `commit()`/`rollback()`
 *   while none is.
 * - `ERR_STORAGE_VALUE`: a value cannot be stored or a stored value cannot be decoded.
 * - `ERR_INVALID_ARGUMENT`: an argument is out of range (e.g. a negative range length).
 */
export type StorageErrorCode =
  | 'ERR_STORAGE_OPEN'
  | 'ERR_STORAGE_CLOSED'
  | 'ERR_TRANSACTION_STATE'
  | 'ERR_STORAGE_VALUE'
  | 'ERR_INVALID_ARGUMENT';

/** Error thrown by the SQLite state store; switch on `code`. */
export class StorageError extends TincanError<StorageErrorCode> {}
