/** SQLite implementation of the runtime's `StateStore`. */
export { openSqliteStore, type SqliteStoreOptions } from './open-store.js';
export { SqliteStateStore } from './sqlite-state-store.js';
export { SQLITE_PRAGMAS, applyPragmas } from './pragmas.js';
export { StorageError, type StorageErrorCode } from './storage-error.js';
