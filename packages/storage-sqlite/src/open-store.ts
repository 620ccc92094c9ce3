/**
 * Opening a SQLite state store: a database file (its parent directories created, or started as
 * a copy of a checkpoint) or memory only, with the pragmas applied.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import Database from 'better-sqlite3';
import { ensureError } from '@tincan/errors';
import { applyPragmas } from './pragmas.js';
import { SqliteStateStore } from './sqlite-state-store.js';
import { StorageError } from './storage-error.js';

/** Where {@link openSqliteStore} keeps the data: a database file, or memory only (tests). */
export type SqliteStoreOptions =
  | {
      readonly path: string;
      /** Start a new store file as a copy of this checkpoint. */ readonly from?: string;
    }
  | { readonly memory: true; /** Load this checkpoint into memory. */ readonly from?: string };

/**
 * Opens (creating if absent) a SQLite state store. `path` is the database file; missing parent
 * directories are created. Applies {@link SQLITE_PRAGMAS} and creates the schema.
 * Throws StorageError `ERR_STORAGE_OPEN`, naming the path, if the file is not a usable store.
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStateStore {
  const location = 'path' in options ? options.path : ':memory:';
  let db: Database.Database | undefined;
  try {
    // better-sqlite3 treats '' as an anonymous temporary database; that is never what a caller
    // passing a path meant, and the data would vanish on close.
    if ('path' in options) {
      if (options.path === '') throw new Error('path is empty');
      fs.mkdirSync(nodePath.dirname(options.path), { recursive: true });
      // A fork: a new store starts as a copy of the checkpoint; an existing one is reopened.
      if (options.from !== undefined && !fs.existsSync(options.path))
        fs.copyFileSync(options.from, options.path);
    }
    db =
      'memory' in options && options.from !== undefined
        ? new Database(fs.readFileSync(options.from))
        : new Database(location);
    // A non-database file opens fine; the first statement (a pragma here) reports NOTADB.
    applyPragmas(db);
    return new SqliteStateStore(db);
  } catch (err) {
    db?.close();
    const reason = ensureError(err).message;
    throw new StorageError(
      'ERR_STORAGE_OPEN',
      `cannot open SQLite store at ${JSON.stringify(location)}: ${reason}`,
      { cause: err },
    );
  }
}
