import { beforeEach, expect, it } from 'vitest';
import { useTestReplica } from '@tincan/testing';
import type { CanisterHandle } from '@tincan/replica';
import type UpgradeV1 from '../fixtures/upgrade-v1.js';

// Canister snapshots: stopped canisters only, at most 10, and a load restores exactly.
const t = useTestReplica();
let c: CanisterHandle;
beforeEach(async () => {
  c = await t.replica.deploy('test/fixtures/upgrade-v1.ts', { initArgs: ['x'] });
  await t.replica.actor<UpgradeV1>(c).put('a', '1');
});

it('round-trips heap, stable maps and code exactly', async () => {
  await t.replica.stop(c);
  const snapshot = t.replica.takeSnapshot(c);
  t.replica.start(c);
  const actor = t.replica.actor<UpgradeV1>(c);
  await actor.put('b', '2'); // heap and stable change after the snapshot
  await t.replica.upgrade(c, 'test/fixtures/upgrade-v2.ts', { args: ['y'] }); // and the code
  expect(await actor.version()).toBe('v2');
  await t.replica.stop(c);
  t.replica.loadSnapshot(c, snapshot);
  t.replica.start(c);
  // Would fail if a load kept later heap, stable or code changes.
  expect(await actor.version()).toBe('v1');
  expect(await actor.heapNotes()).toEqual(['a']);
  expect(await actor.get('a')).toEqual(['1']);
  expect(await actor.get('b')).toEqual([]);
  const replica = await t.restart();
  expect(await replica.actor<UpgradeV1>(c).heapNotes()).toEqual(['a']);
  expect(replica.listSnapshots(c).map((s) => s.id)).toEqual([snapshot]);
});

it('works on stopped canisters only, keeps at most 10, and deletes', async () => {
  expect(() => t.replica.takeSnapshot(c)).toThrow(/must be stopped/);
  await t.replica.stop(c);
  const ids = Array.from({ length: 10 }, () => t.replica.takeSnapshot(c));
  expect(() => t.replica.takeSnapshot(c)).toThrow(/already has 10 snapshots/);
  t.replica.deleteSnapshot(c, ids[0] as number);
  expect(t.replica.listSnapshots(c)).toHaveLength(9);
  expect(t.replica.takeSnapshot(c)).toBe(11);
  expect(() => t.replica.loadSnapshot(c, 99)).toThrow(/no snapshot 99/);
});
