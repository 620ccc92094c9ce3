import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageError, openSqliteStore, type SqliteStateStore } from './index.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const A = bytes(0xaa);

let dir: string | undefined;
const opened: SqliteStateStore[] = [];

function tempFile(): string {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'tincan-'));
  return path.join(dir, 'state.sqlite');
}

function open(file: string): SqliteStateStore {
  const store = openSqliteStore({ path: file });
  opened.push(store);
  return store;
}

afterEach(() => {
  for (const store of opened.splice(0)) {
    try {
      store.close();
    } catch {
      // already closed by the test
    }
  }
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof StorageError ? err.code : `not a StorageError: ${String(err)}`;
  }
  return undefined;
}

describe('transactions', () => {
  it('rollback discards heap, stable and count changes', () => {
    const store = open(tempFile());
    store.writeHeap(A, bytes(1));
    store.stablePut(A, 0, bytes(1), bytes(1));

    store.begin();
    expect(store.inTransaction).toBe(true);
    store.writeHeap(A, bytes(2));
    store.stablePut(A, 0, bytes(2), bytes(2));
    store.stableDelete(A, 0, bytes(1));
    store.putMeta('k', bytes(7));
    // Reads inside the transaction see its own writes.
    expect(store.readHeap(A)).toEqual(Buffer.from([2]));
    expect(store.stableCount(A, 0)).toBe(1n);
    expect(store.stableHas(A, 0, bytes(1))).toBe(false);
    store.rollback();

    expect(store.inTransaction).toBe(false);
    expect(store.readHeap(A)).toEqual(Buffer.from([1]));
    expect(store.stableHas(A, 0, bytes(1))).toBe(true);
    expect(store.stableHas(A, 0, bytes(2))).toBe(false);
    expect(store.stableCount(A, 0)).toBe(1n);
    expect(store.getMeta('k')).toBeUndefined();
  });

  it('commit keeps changes, and a reopened store finds everything committed', () => {
    const file = tempFile();
    const store = open(file);
    store.putCanister({
      id: A,
      index: 0,
      module: bytes(1),
      moduleHash: bytes(2),
      candid: 'service : {}',
      controllers: [bytes(3)],
      status: 'running',
      version: 1n,
      cycles: 2n ** 80n,
      settingsJson: '{}',
    });
    store.begin();
    store.writeHeap(A, bytes(5, 6));
    store.stablePut(A, 2, bytes(1), bytes(10));
    store.stablePut(A, 2, bytes(2), bytes(20));
    store.commit();
    store.begin();
    store.writeHeap(A, bytes(0)); // never committed: the close rolls it back
    store.close();

    const reopened = open(file);
    expect(reopened.listCanisters()[0]?.cycles).toBe(2n ** 80n);
    expect(reopened.readHeap(A)).toEqual(Buffer.from([5, 6]));
    expect(reopened.stableCount(A, 2)).toBe(2n);
    expect(reopened.stableRange(A, 2, 0, 10).map(([, v]) => Array.from(v))).toEqual([[10], [20]]);
  });

  it('rejects begin while open and commit/rollback while closed', () => {
    const store = open(tempFile());
    expect(codeOf(() => store.commit())).toBe('ERR_TRANSACTION_STATE');
    expect(codeOf(() => store.rollback())).toBe('ERR_TRANSACTION_STATE');
    store.begin();
    expect(codeOf(() => store.begin())).toBe('ERR_TRANSACTION_STATE');
    expect(store.inTransaction).toBe(true); // the failed begin left the transaction alone
    store.commit();
    expect(codeOf(() => store.commit())).toBe('ERR_TRANSACTION_STATE');
  });

  it('every call after close throws ERR_STORAGE_CLOSED', () => {
    const store = open(tempFile());
    store.close();
    expect(store.inTransaction).toBe(false);
    const calls: Array<() => unknown> = [
      () => store.begin(),
      () => store.commit(),
      () => store.listCanisters(),
      () => store.getMeta('k'),
      () => store.readHeap(A),
      () => store.writeHeap(A, bytes()),
      () => store.stablePut(A, 0, bytes(), bytes()),
      () => store.stableCount(A, 0),
      () => store.stableRange(A, 0, 0, 1),
      () => store.close(),
    ];
    for (const call of calls) expect(codeOf(call)).toBe('ERR_STORAGE_CLOSED');
  });

  it('works in memory too', () => {
    const store = openSqliteStore({ memory: true });
    opened.push(store);
    store.begin();
    store.stablePut(A, 0, bytes(1), bytes(1));
    store.commit();
    expect(store.stableCount(A, 0)).toBe(1n);
  });
});

describe('savepoints', () => {
  it('roll back one execution inside a transaction and keep the others', () => {
    const store = openSqliteStore({ memory: true });
    const id = new Uint8Array([1]);
    store.begin();
    store.savepoint();
    store.writeHeap(id, new Uint8Array([1]));
    store.stablePut(id, 0, new Uint8Array([1]), new Uint8Array([1]));
    store.releaseSavepoint();
    store.savepoint();
    store.writeHeap(id, new Uint8Array([2]));
    store.stablePut(id, 0, new Uint8Array([2]), new Uint8Array([2]));
    store.rollbackToSavepoint();
    expect(store.inTransaction).toBe(true);
    store.commit();
    expect([...(store.readHeap(id) ?? [])]).toEqual([1]);
    expect(store.stableCount(id, 0)).toBe(1n);
    expect(store.stableHas(id, 0, new Uint8Array([2]))).toBe(false);
    store.close();
  });
  it('are refused outside a transaction', () => {
    const store = openSqliteStore({ memory: true });
    expect(() => store.savepoint()).toThrow(/without an open transaction/);
    store.close();
  });
});
