import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { CanisterRecord } from '@tincan/runtime';
import {
  SQLITE_PRAGMAS,
  StorageError,
  applyPragmas,
  openSqliteStore,
  type SqliteStateStore,
} from './index.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const A = bytes(0xaa, 0x01);
const B = bytes(0xbb, 0x02);
/** Turns a store back into the layout before version 5: modules inline in their rows. */
const INLINE_MODULES = `
  UPDATE canisters SET module = COALESCE((SELECT m.module FROM modules m WHERE m.hash = canisters.module_hash), x'');
  UPDATE snapshots SET module = COALESCE((SELECT m.module FROM modules m WHERE m.hash = snapshots.module_hash), x'');
  DROP INDEX canisters_module_hash; DROP INDEX snapshots_module_hash; DROP TABLE modules;`;

function record(
  id: Uint8Array,
  index: number,
  overrides: Partial<CanisterRecord> = {},
): CanisterRecord {
  return {
    id,
    index,
    module: new TextEncoder().encode('export default 1;'),
    moduleHash: bytes(...Array.from({ length: 32 }, (_, i) => i)),
    candid: 'service : {}',
    controllers: [bytes(1, 2, 3), bytes(), bytes(...Array.from({ length: 29 }, () => 0xff))],
    status: 'running',
    version: 3n,
    cycles: 2n ** 64n + 12345n,
    settingsJson: '{"freezing_threshold":2592000}',
    ...overrides,
  };
}

/** Asserts that `fn` throws a StorageError with `code`, and returns it for further checks. */
function expectStorageError(fn: () => unknown, code: string): StorageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe(code);
    return err as StorageError;
  }
  throw new Error(`expected StorageError ${code}, nothing was thrown`);
}

let dir: string;
let file: string;
let store: SqliteStateStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tincan-'));
  file = path.join(dir, 'nested', 'state.sqlite');
  store = openSqliteStore({ path: file });
});

afterEach(() => {
  try {
    store.close();
  } catch (err) {
    // Tests that close the store themselves leave nothing to close.
    if (!(err instanceof StorageError && err.code === 'ERR_STORAGE_CLOSED')) throw err;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('openSqliteStore', () => {
  it('creates parent directories and a WAL-mode database file', () => {
    expect(fs.existsSync(file)).toBe(true);
    const db = new Database(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('applyPragmas gives a bare connection the same settings', () => {
    expect(SQLITE_PRAGMAS).toContain('journal_mode = WAL');
    const db = new Database(path.join(dir, 'bare.sqlite'));
    applyPragmas(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // 1 = NORMAL
    db.close();
  });

  it('reports a non-database file as ERR_STORAGE_OPEN naming the path', () => {
    const junk = path.join(dir, 'junk.sqlite');
    fs.writeFileSync(junk, 'definitely not a database '.repeat(100));
    const err = expectStorageError(() => openSqliteStore({ path: junk }), 'ERR_STORAGE_OPEN');
    expect(err.message).toContain(junk);
    expect(err.message).toMatch(/not a database/);
  });

  it('refuses a SQLite database that is not a tincan store', () => {
    const other = path.join(dir, 'other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE users (name TEXT)');
    db.close();
    const err = expectStorageError(() => openSqliteStore({ path: other }), 'ERR_STORAGE_OPEN');
    expect(err.message).toContain('users');
  });

  it('refuses a store with another schema version', () => {
    store.close();
    const db = new Database(file);
    db.prepare("UPDATE store_meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    expectStorageError(() => openSqliteStore({ path: file }), 'ERR_STORAGE_OPEN');
  });
});

describe('registry and meta', () => {
  it('round-trips records exactly, ordered by index, with bigints beyond 2^64', () => {
    const b = record(B, 0, {
      status: 'stopped',
      module: bytes(),
      moduleHash: bytes(),
      controllers: [],
      version: 2n ** 64n - 1n,
    });
    const a = record(A, 1, { cycles: 2n ** 70n + 1n });
    store.putCanister(a);
    store.putCanister(b);
    const listed = store.listCanisters();
    expect(listed.map((r) => r.index)).toEqual([0, 1]);
    expect(listed[0]).toEqual({
      ...b,
      id: Buffer.from(B),
      module: Buffer.alloc(0),
      moduleHash: Buffer.alloc(0),
    });
    expect(listed[1]?.cycles).toBe(2n ** 70n + 1n);
    expect(listed[1]?.controllers.map((c) => Array.from(c))).toEqual(
      a.controllers.map((c) => Array.from(c)),
    );
    expect(listed[0]?.version).toBe(2n ** 64n - 1n);
  });

  it('putCycles sets the balance, with or without a heap row; putCanister, clearHeap and deleteCanister keep it', () => {
    store.putCanister(record(A, 0, { cycles: 5n }));
    store.putCycles(A, 6n); // no heap row yet: the registry holds it
    expect(store.listCanisters()[0]?.cycles).toBe(6n);
    store.writeHeap(A, bytes(1));
    store.putCycles(A, 2n ** 90n);
    expect(store.listCanisters()[0]?.cycles).toBe(2n ** 90n);
    store.writeHeap(A, bytes(2)); // a new snapshot keeps the balance
    expect(store.listCanisters()[0]?.cycles).toBe(2n ** 90n);
    store.clearHeap(A); // the balance moves back into the registry
    expect(store.listCanisters()[0]?.cycles).toBe(2n ** 90n);
    store.writeHeap(A, bytes(3));
    store.putCanister({ ...record(A, 0), cycles: 9n });
    expect(store.listCanisters()[0]?.cycles).toBe(9n);
    store.deleteCanister(A);
    store.putCanister(record(A, 0, { cycles: 3n }));
    expect(store.listCanisters()[0]?.cycles).toBe(3n);
  });

  it('migrates a version 1 store, keeping its balances', () => {
    store.putCanister(record(A, 0, { cycles: 42n }));
    store.writeHeap(A, bytes(1));
    store.close();
    const db = new Database(file);
    db.exec(
      INLINE_MODULES +
        "DROP TABLE heap_rows; DROP TABLE snapshot_heap_rows; DROP TABLE ingress; DROP TABLE open_calls; DROP TRIGGER heaps_keep_cycles; ALTER TABLE heaps DROP COLUMN cycles; UPDATE store_meta SET value = '1' WHERE key = 'schema_version'",
    );
    db.close();
    store = openSqliteStore({ path: file });
    expect(store.listCanisters()[0]?.cycles).toBe(42n);
    store.putCycles(A, 43n);
    expect(store.listCanisters()[0]?.cycles).toBe(43n);
  });

  it('migrates a version 2 store: ingress records and open calls start empty', () => {
    store.putCanister(record(A, 0));
    store.close();
    const db = new Database(file);
    db.exec(
      INLINE_MODULES +
        "DROP TABLE heap_rows; DROP TABLE snapshot_heap_rows; DROP TABLE ingress; DROP TABLE open_calls; UPDATE store_meta SET value = '2' WHERE key = 'schema_version'",
    );
    db.close();
    store = openSqliteStore({ path: file });
    expect(store.listIngress()).toEqual([]);
    expect(store.listOpenCalls()).toEqual([]);
    store.putOpenCalls(A, '{}');
    expect(store.listOpenCalls()).toEqual([{ canisterId: A, state: '{}' }]);
  });

  it('migrates a version 3 store: its single-snapshot heaps stay, heap rows start empty', () => {
    // Catches: a migration that loses the heap stored before object rows, or a version 3 store refused.
    store.putCanister(record(A, 0, { cycles: 7n }));
    store.writeHeap(A, bytes(3, 1, 4));
    store.putOpenCalls(A, '{}');
    store.close();
    const db = new Database(file);
    db.exec(
      INLINE_MODULES +
        "DROP TABLE heap_rows; DROP TABLE snapshot_heap_rows; UPDATE store_meta SET value = '3' WHERE key = 'schema_version'",
    );
    db.close();
    store = openSqliteStore({ path: file });
    expect([...(store.readHeap(A) ?? [])]).toEqual([3, 1, 4]);
    expect(store.readHeapRows(A)).toEqual([]);
    expect(store.listOpenCalls()).toEqual([{ canisterId: A, state: '{}' }]);
    store.writeHeapRows(A, [{ id: 1, part: 0, data: bytes(8) }]);
    expect(store.readHeapRows(A).map((r) => [r.id, r.part, [...r.data]])).toEqual([[1, 0, [8]]]);
    expect(store.listCanisters()[0]?.cycles).toBe(7n);
  });

  it('migrates a version 4 store: inline modules move into one row per hash, every record keeps its module', () => {
    // Catches: a migration that loses modules, keeps a copy per canister, or breaks snapshots.
    const module = new TextEncoder().encode('export default 2;'.repeat(100));
    const hash = bytes(...Array.from({ length: 32 }, (_, i) => 100 + i));
    store.putCanister(record(A, 0, { module, moduleHash: hash }));
    store.putCanister(record(B, 1, { module, moduleHash: hash }));
    store.takeSnapshot(A, 1, 5n);
    store.close();
    let db = new Database(file);
    db.exec(INLINE_MODULES + "UPDATE store_meta SET value = '4' WHERE key = 'schema_version'");
    expect(db.prepare('SELECT sum(length(module)) FROM canisters').pluck().get()).toBe(
      2 * module.length,
    );
    db.close();
    store = openSqliteStore({ path: file });
    expect(store.listCanisters().map((r) => Buffer.from(r.module).toString())).toEqual([
      Buffer.from(module).toString(),
      Buffer.from(module).toString(),
    ]);
    expect(Buffer.from(store.loadSnapshot(A, 1)?.module ?? []).toString()).toBe(
      Buffer.from(module).toString(),
    );
    store.close();
    db = new Database(file);
    expect(db.prepare('SELECT count(*) FROM modules').pluck().get()).toBe(1);
    expect(db.prepare('SELECT sum(length(module)) FROM canisters').pluck().get()).toBe(0);
    db.close();
    store = openSqliteStore({ path: file });
  });

  it('stores a module once per hash, shares its bytes, and drops it when nothing names it', () => {
    // Catches: a copy of the module per canister (database growth per install), or a module
    // row that outlives every canister and snapshot naming it (or goes while one still does).
    const module = new TextEncoder().encode('x'.repeat(50_000));
    const hash = bytes(...Array.from({ length: 32 }, (_, i) => 200 - i));
    const other = record(B, 1, { module: bytes(1), moduleHash: bytes(9) });
    for (let i = 0; i < 20; i++)
      store.putCanister(record(bytes(0xcc, i), 10 + i, { module, moduleHash: hash }));
    store.putCanister(other);
    const listed = store.listCanisters();
    expect(listed[1]?.module).toBe(listed[20]?.module);
    expect(Buffer.from(listed[5]?.module ?? []).equals(Buffer.from(module))).toBe(true);
    const count = (): number => {
      store.close();
      const db = new Database(file);
      const n = db.prepare('SELECT count(*) FROM modules').pluck().get() as number;
      db.close();
      store = openSqliteStore({ path: file });
      return n;
    };
    expect(count()).toBe(2);
    store.takeSnapshot(bytes(0xcc, 0), 1, 1n);
    for (let i = 0; i < 20; i++)
      store.putCanister(record(bytes(0xcc, i), 10 + i, { module: bytes(2), moduleHash: bytes(8) }));
    // The snapshot still names the first module.
    expect(count()).toBe(3);
    expect(
      Buffer.from(store.loadSnapshot(bytes(0xcc, 0), 1)?.module ?? []).equals(Buffer.from(module)),
    ).toBe(true);
    store.putCanister(record(bytes(0xcc, 0), 10, { module: bytes(2), moduleHash: bytes(8) }));
    store.deleteSnapshot(bytes(0xcc, 0), 1);
    expect(count()).toBe(2);
    store.deleteCanister(B);
    expect(count()).toBe(1);
  });

  it('keeps ingress records with their answers across reopening, and prunes them by expiry', () => {
    const expiry = 1_767_225_600_000_000_000n;
    store.putIngress({
      requestId: bytes(1),
      sender: bytes(4),
      expiryNs: expiry,
      outcome: undefined,
    });
    store.putIngress({
      requestId: bytes(2),
      sender: bytes(5),
      expiryNs: expiry + 10n,
      outcome: { reply: bytes(9, 9) },
    });
    store.putIngress({
      requestId: bytes(3),
      sender: bytes(6),
      expiryNs: expiry + 20n,
      outcome: { reject: { code: 5, message: 'no', errorCode: 'IC0506' } },
    });
    store.putIngress({
      requestId: bytes(1),
      sender: bytes(4),
      expiryNs: expiry,
      outcome: { reject: { code: 2, message: 'later' } },
    });
    store.close();
    store = openSqliteStore({ path: file });
    expect(store.getIngress(bytes(2))).toEqual({
      requestId: bytes(2),
      sender: bytes(5),
      expiryNs: expiry + 10n,
      outcome: { reply: bytes(9, 9) },
    });
    expect(store.getIngress(bytes(3))?.outcome).toEqual({
      reject: { code: 5, message: 'no', errorCode: 'IC0506' },
    });
    expect(store.getIngress(bytes(1))?.outcome).toEqual({ reject: { code: 2, message: 'later' } });
    expect(store.getIngress(bytes(7))).toBeUndefined();
    expect(store.listIngress().map((r) => r.requestId)).toEqual([bytes(1), bytes(2), bytes(3)]);
    store.pruneIngress(expiry + 11n);
    expect(store.listIngress().map((r) => r.requestId)).toEqual([bytes(3)]);
  });

  it('keeps open calls per canister until removed or the canister is deleted', () => {
    store.putCanister(record(A, 0));
    store.putOpenCalls(A, '{"a":1}');
    store.putOpenCalls(B, '{"b":1}');
    store.putOpenCalls(B, '{"b":2}');
    expect(store.listOpenCalls()).toHaveLength(2);
    store.putOpenCalls(B, undefined);
    expect(store.listOpenCalls()).toEqual([{ canisterId: A, state: '{"a":1}' }]);
    store.deleteCanister(A);
    expect(store.listOpenCalls()).toEqual([]);
  });

  it('putCanister replaces by id, rejects an index held by another id, deleteCanister removes everything', () => {
    store.putCanister(record(A, 0));
    store.putCanister(record(A, 0, { status: 'stopping', cycles: 7n }));
    expect(store.listCanisters()).toHaveLength(1);
    expect(store.listCanisters()[0]?.status).toBe('stopping');
    expect(() => store.putCanister(record(B, 0))).toThrow(/UNIQUE/);

    store.putCanister(record(B, 1));
    store.writeHeap(A, bytes(1));
    store.stablePut(A, 0, bytes(1), bytes(2));
    store.writeHeap(B, bytes(9));
    store.stablePut(B, 0, bytes(1), bytes(3));
    store.deleteCanister(A);
    expect(store.listCanisters().map((r) => Array.from(r.id))).toEqual([Array.from(B)]);
    expect(store.readHeap(A)).toBeUndefined();
    expect(store.stableGet(A, 0, bytes(1))).toBeUndefined();
    expect(store.stableCount(A, 0)).toBe(0n);
    // The other canister is untouched.
    expect(store.readHeap(B)).toEqual(Buffer.from([9]));
    expect(store.stableCount(B, 0)).toBe(1n);
  });

  it('stores and overwrites meta values', () => {
    expect(store.getMeta('next_id')).toBeUndefined();
    store.putMeta('next_id', bytes(1));
    store.putMeta('next_id', bytes(2, 3));
    expect(store.getMeta('next_id')).toEqual(Buffer.from([2, 3]));
  });

  it('lists meta values by key prefix in key order, and deletes them', () => {
    store.putMeta('xnet/out/1/02', bytes(2));
    store.putMeta('xnet/out/1/01', bytes(1));
    store.putMeta('xnet/outside', bytes(9));
    store.putMeta('xnet/ou', bytes(8));
    expect(store.listMeta('xnet/out/').map(([key]) => key)).toEqual([
      'xnet/out/1/01',
      'xnet/out/1/02',
    ]);
    store.deleteMeta('xnet/out/1/01');
    store.deleteMeta('xnet/none');
    expect(store.listMeta('xnet/out/')).toEqual([['xnet/out/1/02', Buffer.from([2])]]);
    expect(store.getMeta('xnet/outside')).toEqual(Buffer.from([9]));
  });
});

describe('heap', () => {
  it('writes, overwrites, reads and clears snapshots per canister', () => {
    expect(store.readHeap(A)).toBeUndefined();
    store.writeHeap(A, bytes(1, 2, 3));
    store.writeHeap(A, bytes(4, 5));
    store.writeHeap(B, bytes());
    expect(store.readHeap(A)).toEqual(Buffer.from([4, 5]));
    expect(store.readHeap(B)).toEqual(Buffer.alloc(0));
    store.clearHeap(A);
    expect(store.readHeap(A)).toBeUndefined();
    expect(store.readHeap(B)).toBeDefined();
  });

  it('stores only the viewed bytes of a Uint8Array with an offset', () => {
    const backing = bytes(9, 9, 1, 2, 3, 9);
    store.writeHeap(A, backing.subarray(2, 5));
    expect(store.readHeap(A)).toEqual(Buffer.from([1, 2, 3]));
  });
});

describe('stable maps', () => {
  it('put returns the previous value, get/has/delete agree, count moves only on real changes', () => {
    expect(store.stablePut(A, 0, bytes(1), bytes(10))).toBeUndefined();
    expect(store.stablePut(A, 0, bytes(1), bytes(11))).toEqual(Buffer.from([10]));
    expect(store.stablePut(A, 0, bytes(2), bytes(20))).toBeUndefined();
    expect(store.stableCount(A, 0)).toBe(2n);
    expect(store.stableGet(A, 0, bytes(1))).toEqual(Buffer.from([11]));
    expect(store.stableHas(A, 0, bytes(2))).toBe(true);
    expect(store.stableHas(A, 1, bytes(2))).toBe(false); // other memory id
    expect(store.stableHas(B, 0, bytes(2))).toBe(false); // other canister

    expect(store.stableDelete(A, 0, bytes(2))).toEqual(Buffer.from([20]));
    expect(store.stableDelete(A, 0, bytes(2))).toBeUndefined();
    expect(store.stableHas(A, 0, bytes(2))).toBe(false);
    expect(store.stableCount(A, 0)).toBe(1n);
    expect(store.stableCount(A, 1)).toBe(0n);
  });

  it('ranges in bytewise key order with offset and limit', () => {
    for (const key of [bytes(0x02), bytes(0x01, 0xff), bytes(0x01)])
      store.stablePut(A, 3, key, key);
    store.stablePut(A, 4, bytes(0x00), bytes()); // other memory, must not appear
    const keys = (start: number, length: number): number[][] =>
      store.stableRange(A, 3, start, length).map(([k]) => Array.from(k));
    expect(keys(0, 10)).toEqual([[0x01], [0x01, 0xff], [0x02]]);
    expect(keys(1, 1)).toEqual([[0x01, 0xff]]);
    expect(keys(2, 5)).toEqual([[0x02]]);
    expect(keys(3, 5)).toEqual([]);
    expect(keys(0, 0)).toEqual([]);
    const [first] = store.stableRange(A, 3, 0, 1);
    expect(first).toEqual([Buffer.from([0x01]), Buffer.from([0x01])]);
    expectStorageError(() => store.stableRange(A, 3, 0, -1), 'ERR_INVALID_ARGUMENT');
    expectStorageError(() => store.stableRange(A, 3, 0.5, 1), 'ERR_INVALID_ARGUMENT');
  });

  it('clearStable drops all memories and counts of one canister only', () => {
    store.stablePut(A, 0, bytes(1), bytes(1));
    store.stablePut(A, 1, bytes(1), bytes(1));
    store.stablePut(B, 0, bytes(1), bytes(1));
    store.clearStable(A);
    expect(store.stableCount(A, 0)).toBe(0n);
    expect(store.stableCount(A, 1)).toBe(0n);
    expect(store.stableRange(A, 1, 0, 10)).toEqual([]);
    expect(store.stableCount(B, 0)).toBe(1n);
    // Counting restarts from zero after a clear.
    store.stablePut(A, 0, bytes(5), bytes(5));
    expect(store.stableCount(A, 0)).toBe(1n);
  });
});
