import type Database from 'better-sqlite3';

/**
 * Pragmas applied to every connection, in order. WAL lets readers proceed during a write and
 * makes a commit one sequential append; `synchronous = NORMAL` in WAL mode syncs only at
 * checkpoints, so a power loss may drop the last commits but never corrupts the file. That is
 * the trade the runtime wants: commits happen once per message execution.
 */
export const SQLITE_PRAGMAS: readonly string[] = Object.freeze([
  'journal_mode = WAL',
  'synchronous = NORMAL',
]);

/**
 * Applies {@link SQLITE_PRAGMAS} to a better-sqlite3 connection. Exported so a benchmark
 * baseline can open a bare database with exactly the store's settings.
 */
export function applyPragmas(db: Database.Database): void {
  for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
}
