/**
 * The heap is stored object by object and only what an execution wrote is committed or rolled
 * back. Writes that reach heap objects through built-ins, typed-array views and destructuring
 * must be seen like plain assignments: committed, rolled back on a trap, discarded by a query,
 * and intact after a restart.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { Encoder } from 'cbor-x';
import { beforeEach, describe, expect, it } from 'vitest';
import { CallRejectedError, useTestReplica } from '@tincan/testing';
import type { ActorOf, CanisterHandle } from '@tincan/replica';

interface HeapRows {
  scribble(fail: boolean): number;
  reshape(fail: boolean): string;
  storeFunction(): number;
  redraft(n: number): number;
  scribbleInQuery(): string;
  random(): number;
  randomUpdate(): number;
  checksum(): number;
  describe(): string;
}

const t = useTestReplica();
let h: CanisterHandle;
beforeEach(async () => {
  h = await t.replica.deploy('test/fixtures/heap-rows.ts');
});

const actor = (): ActorOf<HeapRows> => t.replica.actor<HeapRows>(h);

/** The same byte writes as the fixture's `scribble`, on plain arrays, for the expected checksum. */
function expectedChecksum(scribbled: boolean): number {
  const big = new Uint8Array(100_000);
  const words = new Uint32Array(5_000);
  if (scribbled) {
    big[0] = 1;
    big[99_999] = 2;
    big.set([7, 7, 7], 50_000);
    big.fill(9, 70_000, 70_004);
    new DataView(big.buffer).setUint16(30_000, 0xabcd);
    words[4_999] = 123_456;
    words[10] = (words[10] as number) + 5;
  }
  let sum = 0;
  for (let i = 0; i < big.length; i++) sum = (sum * 31 + (big[i] as number)) >>> 0;
  for (let i = 0; i < words.length; i++) sum = (sum * 31 + (words[i] as number)) >>> 0;
  return sum;
}

describe('object-granular heap', () => {
  it('rolls back writes through indexes, views, set/fill, DataView and destructuring', async () => {
    const before = expectedChecksum(false);
    expect(await actor().checksum()).toBe(before);
    await expect(actor().scribble(true)).rejects.toBeInstanceOf(CallRejectedError);
    expect(await actor().checksum()).toBe(before);
  });

  it('commits those writes and keeps them across a restart', async () => {
    const after = expectedChecksum(true);
    expect(await actor().scribble(false)).toBe(after);
    await t.restart();
    expect(await actor().checksum()).toBe(after);
  });

  it('rolls back Map, array and Object.assign changes with their order, and commits them across a restart', async () => {
    const initial = await actor().describe();
    await expect(actor().reshape(true)).rejects.toBeInstanceOf(CallRejectedError);
    expect(await actor().describe()).toBe(initial);
    const reshaped = await actor().reshape(false);
    expect(JSON.parse(reshaped)).toEqual({
      accounts: [
        ['b', 102],
        ['c', 3],
        ['a', 10],
      ],
      list: [4, 3, 2, 1],
      box: { extra: 1 },
      drafts: 0,
    });
    await t.restart();
    expect(await actor().describe()).toBe(reshaped);
  });

  it('discards a query’s writes', async () => {
    const initial = await actor().describe();
    const checksum = await actor().checksum();
    expect(JSON.parse(await actor().scribbleInQuery())).toMatchObject({ accounts: [], list: [] });
    expect(await actor().describe()).toBe(initial);
    expect(await actor().checksum()).toBe(checksum);
  });

  it('refuses a function in a new nested object, naming its path, and leaves no trace', async () => {
    const initial = await actor().describe();
    await expect(actor().storeFunction()).rejects.toThrow(
      /this\.box\.nested\.inner\.f is a function/,
    );
    expect(await actor().describe()).toBe(initial);
    // The refused objects are not half-tracked: a later commit of the same shape is refused again.
    await expect(actor().storeFunction()).rejects.toThrow(
      /this\.box\.nested\.inner\.f is a function/,
    );
  });

  it('deletes the rows of objects that are no longer reachable', async () => {
    const file = path.join(t.stateDir, 'replica.sqlite');
    const rows = (): number => {
      const db = new Database(file, { readonly: true });
      try {
        return (
          db
            .prepare<[Uint8Array], number>('SELECT count(*) FROM heap_rows WHERE canister_id = ?')
            .pluck()
            .get(h.id.toUint8Array()) ?? 0
        );
      } finally {
        db.close();
      }
    };
    for (let i = 0; i < 20; i++) await actor().redraft(500);
    // 20 × 501 objects were written; what stays is the live heap plus garbage not yet collected
    // (collected once the writes and new objects since the last walk outnumber the live heap).
    expect(rows()).toBeLessThan(3_000);
    await t.restart();
    expect(JSON.parse(await actor().describe())).toMatchObject({ drafts: 500 });
  });

  it('continues the Math.random stream across a restart exactly', async () => {
    await actor().randomUpdate();
    // A query draws the next number of the stream, and its draw is discarded with its writes…
    const next = await actor().random();
    expect(await actor().random()).toBe(next);
    await t.restart();
    // …so after a restart the next update draws that same number, and the stream moves on.
    expect(await actor().randomUpdate()).toBe(next);
    expect(await actor().randomUpdate()).not.toBe(next);
  });
});

describe('stores from before object rows', () => {
  it('loads a heap kept as one snapshot, and moves it to object rows on the next commit', async () => {
    const c = await t.replica.deploy('test/fixtures/batch-counter.ts');
    const cid = c.id.toUint8Array();
    const counter = (): ActorOf<{ increment(): bigint; get(): bigint }> =>
      t.replica.actor<{ increment(): bigint; get(): bigint }>(c);
    await t.replica.close();
    // The earlier format: cbor of [1, Math.random state, the instance's fields].
    const legacy = new Encoder({
      structuredClone: true,
      useRecords: false,
      tagUint8Array: true,
      int64AsType: 'bigint',
    } as ConstructorParameters<typeof Encoder>[0]);
    const db = new Database(path.join(t.stateDir, 'replica.sqlite'));
    db.prepare('UPDATE heaps SET snapshot = ? WHERE canister_id = ?').run(
      legacy.encode([1, [5, 6, 7, 8], { count: 41n }]),
      cid,
    );
    db.prepare('DELETE FROM heap_rows WHERE canister_id = ?').run(cid);
    db.close();
    await t.restart();
    expect(await counter().get()).toBe(41n);
    expect(await counter().increment()).toBe(42n);
    await t.restart();
    expect(await counter().get()).toBe(42n);
  });
});
