/**
 * Committed state is durable: heap fields and stable maps survive a replica restart, `@init` is
 * not re-run, and StableBTreeMap behaves as an ordered map inside the execution's transaction.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { CallRejectedError, useTestReplica } from '@tincan/testing';
import type { CanisterHandle } from '@tincan/replica';
import type SemanticsPersist from '../fixtures/semantics-persist.js';
import type SemanticsStable from '../fixtures/semantics-stable.js';
import { rejectedCall } from './helpers.js';

const t = useTestReplica();

const EXPECTED = {
  initCount: 1,
  initArg: 'hello',
  big: (2n ** 70n + 1n).toString(),
  bigType: 'bigint',
  map: [
    ['one', 'bigint:1'],
    ['huge', `bigint:${-(2n ** 80n)}`],
  ],
  isMap: true,
  set: ['red', 'green'],
  isSet: true,
  bytes: [0, 1, 254, 255],
  isBytes: true,
  nested: { a: { b: { c: [1, 2, 3], d: null, e: 'deep' } } },
  isDate: true,
  date: '2024-02-29T12:00:00.000Z',
  sharedAliased: true,
  stable: [
    ['k1', 'bigint:10'],
    ['k2', 'bigint:20'],
  ],
};

describe('restart persistence', () => {
  let p: CanisterHandle;
  beforeEach(async () => {
    p = await t.replica.deploy('test/fixtures/semantics-persist.ts', { initArgs: ['hello'] });
  });
  const inspect = async (): Promise<unknown> =>
    JSON.parse(await t.replica.actor<SemanticsPersist>(p).inspect()) as unknown;

  it('heap fields of every kind and stable entries survive restart(); @init ran once', async () => {
    // Catches: lossy heap encoding (bigint→number, Map→object, Date→string, …) or init re-run on load.
    expect(await t.replica.actor<SemanticsPersist>(p).fill()).toBe(true);
    expect(await inspect()).toEqual(EXPECTED);
    await t.restart();
    expect(await inspect()).toEqual(EXPECTED);
    await t.restart();
    expect(await inspect()).toEqual(EXPECTED);
  });

  it('shared references are still shared after a restart', async () => {
    // Catches: an encoding that duplicates shared objects, so a write through one alias is lost.
    await t.replica.actor<SemanticsPersist>(p).fill();
    await t.restart();
    expect(await t.replica.actor<SemanticsPersist>(p).touchShared()).toBe(42);
    await t.restart();
    expect(await inspect()).toMatchObject({ sharedAliased: true });
    expect(await t.replica.actor<SemanticsPersist>(p).touchShared()).toBe(83);
  });

  it('a fresh canister comes back with its init state, not constructor defaults', async () => {
    // Catches: restoring by re-running the constructor only (init results lost) or re-running init.
    await t.restart();
    expect(await inspect()).toMatchObject({
      initCount: 1,
      initArg: 'hello',
      stable: [],
    });
  });
});

describe('StableBTreeMap', () => {
  let s: CanisterHandle;
  beforeEach(async () => {
    s = await t.replica.deploy('test/fixtures/semantics-stable.ts');
  });

  it('insert/get/remove/containsKey/len/isEmpty', async () => {
    // Catches: wrong return values (previous value, opt encoding) or counts out of sync.
    const m = t.replica.actor<SemanticsStable>(s);
    expect(await m.isEmpty()).toBe(true);
    expect(await m.insert('b', 2n)).toEqual([]);
    expect(await m.insert('b', 3n)).toEqual([2n]); // returns the previous value
    expect(await m.get('b')).toEqual([3n]);
    expect(await m.get('zz')).toEqual([]);
    expect(await m.containsKey('b')).toBe(true);
    expect(await m.containsKey('zz')).toBe(false);
    expect(await m.len()).toBe(1n);
    expect(await m.isEmpty()).toBe(false);
    expect(await m.remove('b')).toEqual([3n]);
    expect(await m.remove('b')).toEqual([]);
    expect(await m.containsKey('b')).toBe(false);
    expect(await m.len()).toBe(0n);
  });

  it('keys/values/items are in key order; items(start, len) pages', async () => {
    // Catches: insertion-order iteration or off-by-one paging.
    const m = t.replica.actor<SemanticsStable>(s);
    for (const [k, v] of [
      ['delta', 4n],
      ['alpha', 1n],
      ['charlie', 3n],
      ['bravo', 2n],
    ] as const)
      await m.insert(k, v);
    expect(await m.keys()).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
    expect(await m.values()).toEqual([1n, 2n, 3n, 4n]);
    expect(await m.items(0, 10)).toEqual([
      ['alpha', 1n],
      ['bravo', 2n],
      ['charlie', 3n],
      ['delta', 4n],
    ]);
    expect(await m.items(1, 2)).toEqual([
      ['bravo', 2n],
      ['charlie', 3n],
    ]);
    expect(await m.items(3, 5)).toEqual([['delta', 4n]]);
    expect(await m.items(4, 1)).toEqual([]);
  });

  it("a query's stable writes are discarded", async () => {
    // Catches: queries running outside a rolled-back transaction, so stable writes stick.
    const m = t.replica.actor<SemanticsStable>(s);
    await m.insert('a', 1n);
    expect(await m.insertInQuery('q', 2n)).toBe(2n);
    expect(await m.containsKey('q')).toBe(false);
    expect(await m.len()).toBe(1n);
  });

  it('maps with different memory ids are separate', async () => {
    // Catches: memoryId ignored, so two maps share entries.
    const m = t.replica.actor<SemanticsStable>(s);
    await m.insert('k', 1n);
    expect(await m.insertOther('k', 2n)).toBe(1n);
    expect(await m.insertOther('other-only', 3n)).toBe(2n);
    expect(await m.len()).toBe(1n);
    expect(await m.get('k')).toEqual([1n]);
  });

  it('a trap after insert or remove rolls the stable change back with the heap', async () => {
    // Catches: stable writes applied outside the execution's transaction.
    const m = t.replica.actor<SemanticsStable>(s);
    await m.insert('keep', 7n);
    await expect(m.insertThenTrap('ghost', 1n)).rejects.toBeInstanceOf(CallRejectedError);
    await expect(m.insertThenTrap('keep', 99n)).rejects.toMatchObject({ rejectCode: 5 });
    const removed = await rejectedCall(m.removeThenTrap('keep'));
    expect(removed.rejectCode).toBe(5);
    expect(removed.rejectMessage).toContain('removed keep');
    expect(await m.containsKey('ghost')).toBe(false);
    expect(await m.get('keep')).toEqual([7n]);
    expect(await m.len()).toBe(1n);
    expect(await m.keys()).toEqual(['keep']);
    expect(await m.heap()).toBe(0n);
    await t.restart();
    expect(await t.replica.actor<SemanticsStable>(s).keys()).toEqual(['keep']);
  });
});
