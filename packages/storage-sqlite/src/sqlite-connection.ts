/**
 * One better-sqlite3 connection as the store uses it: the schema and prepared statements,
 * transactions and savepoints, checkpoints, closing, and atomic multi-statement operations.
 * `SqliteStateStore` extends it with the state it keeps.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import type Database from 'better-sqlite3';
import { ensureSchema } from './schema.js';
import { prepareStatements, type Statements } from './statements.js';
import { StorageError } from './storage-error.js';

/**
 * Transactions are plain BEGIN/COMMIT/ROLLBACK; outside a transaction each statement commits on
 * its own (autocommit), and {@link SqliteConnection.atomic} operations run in a transaction.
 */
export class SqliteConnection {
  /** The connection. */
  protected readonly db: Database.Database;
  /** Every prepared statement of the connection. */
  protected readonly statements: Statements;
  #closed = false;

  /** Takes ownership of an open connection, creates the schema if absent and prepares every statement. */
  constructor(db: Database.Database) {
    this.db = db;
    ensureSchema(db);
    this.statements = prepareStatements(db);
  }

  /** Whether a transaction is open; false once closed. Reads SQLite's own state, so it stays true after a failed COMMIT. */
  get inTransaction(): boolean {
    return !this.#closed && this.db.inTransaction;
  }

  /** Opens a transaction; throws `ERR_TRANSACTION_STATE` if one is open. */
  begin(): void {
    this.assertOpen();
    if (this.db.inTransaction)
      throw new StorageError('ERR_TRANSACTION_STATE', 'begin() while a transaction is open');
    this.statements.begin.run();
  }

  /** Commits the open transaction; throws `ERR_TRANSACTION_STATE` if none is open. */
  commit(): void {
    this.#assertInTransaction('commit');
    this.statements.commit.run();
  }

  /** Marks a savepoint inside the open transaction. */
  savepoint(): void {
    this.#assertInTransaction('savepoint');
    this.statements.savepoint.run();
  }

  /** Keeps the writes since the last savepoint. */
  releaseSavepoint(): void {
    this.#assertInTransaction('releaseSavepoint');
    this.statements.release.run();
  }

  /** Discards the writes since the last savepoint and removes it. */
  rollbackToSavepoint(): void {
    this.#assertInTransaction('rollbackToSavepoint');
    // ROLLBACK TO keeps the savepoint on the stack; RELEASE pops it (its writes are gone by then).
    this.statements.rollbackTo.run();
    this.statements.release.run();
  }

  /**
   * Writes a consistent copy of the committed state to `path` (a new file): a checkpoint that
   * `openSqliteStore({ path, from })` or `{ memory: true, from }` starts from.
   */
  checkpoint(path: string): void {
    if (this.#closed) throw new StorageError('ERR_STORAGE_CLOSED', 'the store is closed');
    if (this.db.inTransaction)
      throw new StorageError('ERR_TRANSACTION_STATE', 'checkpoint() while a transaction is open');
    fs.mkdirSync(nodePath.dirname(path), { recursive: true });
    fs.rmSync(path, { force: true });
    this.db.prepare('VACUUM INTO ?').run(path);
  }

  /** Discards the open transaction; throws `ERR_TRANSACTION_STATE` if none is open. */
  rollback(): void {
    this.#assertInTransaction('rollback');
    this.statements.rollback.run();
  }

  /** Closes the connection; SQLite rolls back a transaction left open. Later calls throw `ERR_STORAGE_CLOSED`. */
  close(): void {
    this.assertOpen();
    this.#closed = true;
    this.db.close();
  }

  /**
   * Wraps a multi-statement operation so it is atomic in autocommit mode. Inside the caller's
   * transaction it runs directly: better-sqlite3 would otherwise add a SAVEPOINT per call, a
   * cost on the hot path that buys nothing since the caller rolls back the whole transaction.
   */
  protected atomic<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    const db = this.db;
    const wrapped = db.transaction(fn);
    return (...args) => (db.inTransaction ? fn(...args) : wrapped(...args));
  }

  /** Throws `ERR_STORAGE_CLOSED` once the store is closed. */
  protected assertOpen(): void {
    if (this.#closed) throw new StorageError('ERR_STORAGE_CLOSED', 'the state store is closed');
  }

  #assertInTransaction(operation: string): void {
    this.assertOpen();
    if (!this.db.inTransaction)
      throw new StorageError('ERR_TRANSACTION_STATE', `${operation}() without an open transaction`);
  }
}
