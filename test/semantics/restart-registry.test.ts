/**
 * A restart reads the canister registry on demand: opening the store reads each canister's
 * id, index, module hash and status only, and a canister's record is read when a message or a
 * caller first needs it. Still correct: every canister is there, in creation order, with its
 * committed state; new canisters get fresh ids; a heartbeat round reads only the records of
 * canisters whose module has a heartbeat.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqliteStateStore } from '@tincan/storage-sqlite';
import { useTestReplica } from '@tincan/testing';
import type LoudCounter from '../fixtures/loud-counter.js';

const t = useTestReplica();
afterEach(() => {
  vi.restoreAllMocks();
});

const COUNT = 12;

describe('restart with many canisters', () => {
  it('reads no canister record at open, then only the records it needs; every canister is still there', async () => {
    // Catches: an open that reads every record (or loads every canister), a registry that
    // forgets canisters not read yet, ids reused after a restart, or a heartbeat round that
    // reads every record to find the canisters with a heartbeat.
    const ids = [];
    for (let i = 0; i < COUNT; i++)
      ids.push((await t.replica.deploy('test/fixtures/loud-counter.ts')).id);
    const beating = await t.replica.deploy('test/fixtures/heartbeat.ts');
    const before = t.replica.runtime.canisterIds().map((id) => Buffer.from(id).toString('hex'));
    expect(before).toHaveLength(COUNT + 1);

    const getCanister = vi.spyOn(SqliteStateStore.prototype, 'getCanister');
    const listCanisters = vi.spyOn(SqliteStateStore.prototype, 'listCanisters');
    const replica = await t.restart();
    expect(listCanisters).not.toHaveBeenCalled();
    expect(getCanister).not.toHaveBeenCalled();
    expect(replica.runtime.canisterCount).toBe(COUNT + 1);
    expect(replica.runtime.loadedCanisters()).toBe(0);

    // One call reads one record and loads one canister, with its committed state.
    const fifth = ids[4];
    if (fifth === undefined) throw new Error('no fifth canister');
    expect(await replica.actor<LoudCounter>(fifth).get()).toBe(7n);
    expect(getCanister).toHaveBeenCalledTimes(1);
    expect(replica.runtime.loadedCanisters()).toBe(1);

    // A heartbeat round reads the heartbeat canister's record, not the quiet counters'.
    replica.tick();
    await replica.runUntilIdle();
    const read = getCanister.mock.calls.map(([id]) => Buffer.from(id).toString('hex'));
    expect(read).toEqual([
      Buffer.from(fifth.toUint8Array()).toString('hex'),
      Buffer.from(beating.id.toUint8Array()).toString('hex'),
    ]);

    // Existence checks read nothing; listing reads the rest, in creation order.
    const last = ids[COUNT - 1];
    if (last === undefined) throw new Error('no last canister');
    expect(replica.runtime.hasCanister(last.toUint8Array())).toBe(true);
    expect(getCanister).toHaveBeenCalledTimes(2);
    expect(replica.runtime.canisterIds().map((id) => Buffer.from(id).toString('hex'))).toEqual(
      before,
    );
    expect(await replica.actor<LoudCounter>(last).get()).toBe(7n);

    // A canister created after the restart takes a fresh id.
    const fresh = await replica.deploy('test/fixtures/loud-counter.ts');
    expect(before).not.toContain(Buffer.from(fresh.id.toUint8Array()).toString('hex'));
    expect(replica.runtime.canisterCount).toBe(COUNT + 2);
  });
});
