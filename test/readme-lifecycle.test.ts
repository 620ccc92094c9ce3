// The README's lifecycle example, verbatim in substance: if this breaks, the README lies.
import { expect, it } from 'vitest';
import { useTestReplica } from '@tincan/testing';
import type V1 from './fixtures/upgrade-v1.js';
import type V2 from './fixtures/upgrade-v2.js';

const t = useTestReplica();

it('deploys, upgrades, moves time, snapshots, reads logs and tops up cycles', async () => {
  const { replica } = t;
  const c = await replica.deploy('test/fixtures/upgrade-v1.ts', {
    initArgs: ['v1'],
    cycles: 10_000_000_000_000n,
  });
  const app = replica.actor<V1>(c);

  // Several calls in flight at once, awaited later.
  const puts = ['a', 'b', 'c'].map((k) => app.put(k, k.toUpperCase()));
  await Promise.all(puts);

  // Snapshots are taken and loaded on a stopped canister.
  await replica.stop(c);
  const snapshot = replica.takeSnapshot(c);
  replica.start(c);
  await app.put('a', 'changed');
  await replica.stop(c);
  replica.loadSnapshot(c, snapshot);
  replica.start(c);
  expect(await replica.actor<V1>(c).get('a')).toEqual(['A']);

  // Upgrade: stable maps survive, @postUpgrade gets its arguments.
  await replica.upgrade(c, 'test/fixtures/upgrade-v2.ts', { args: ['v2'] });
  expect(await replica.actor<V2>(c).get('postUpgrade')).toEqual(['v2']);

  // Time moves only when the test says so; tick() runs one round (and every @heartbeat).
  const before = replica.timeNs();
  await replica.advanceTime(60_000);
  replica.tick();
  await replica.runUntilIdle();
  expect(replica.timeNs() - before).toBe(60_000_000_000n);

  // Cycles, and the canister log as fetch_canister_logs returns it.
  const balance = replica.cycleBalance(c); // 10T minus what its executions were charged
  replica.depositCycles(c, 500n);
  expect(replica.cycleBalance(c)).toBe(balance + 500n);
  await replica.actor<V2>(c).note('hello from v2');
  const logs = await replica.fetchLogs(c);
  expect(logs.at(-1)).toMatchObject({ content: 'hello from v2', timestampNanos: replica.timeNs() });
});
