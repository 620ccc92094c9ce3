import { describe, expect, it } from 'vitest';
import { useTestReplicas, type TestReplica } from '@tincan/testing';
import type Counter from '../../canisters/counter/src/index.js';
import type Heartbeat from '../fixtures/heartbeat.js';

// ICP semantics: `@heartbeat` runs once per round, as an execution of its own.
const replicas = useTestReplicas();
let t: TestReplica | undefined;

describe('@heartbeat', () => {
  it('runs exactly once per round on every running canister that has one, never between rounds', async () => {
    t = await replicas.create();
    const a = await t.replica.deploy('test/fixtures/heartbeat.ts');
    const b = await t.replica.deploy('test/fixtures/heartbeat.ts');
    await t.replica.deploy('canisters/counter/src/index.ts'); // no heartbeat: must not break the round
    expect(await t.replica.actor<Heartbeat>(a).counts()).toEqual([0n, 0n]);
    await t.replica.advanceTime(10_000); // time alone runs no round
    await t.replica.runUntilIdle();
    expect(await t.replica.actor<Heartbeat>(a).counts()).toEqual([0n, 0n]);
    t.replica.tick();
    t.replica.tick();
    t.replica.tick();
    expect(await t.replica.actor<Heartbeat>(a).counts()).toEqual([3n, 0n]);
    expect(await t.replica.actor<Heartbeat>(b).counts()).toEqual([3n, 0n]);
  });

  it('a trapping heartbeat rolls back alone and logs the trap; later rounds run again', async () => {
    t = await replicas.create();
    const c = await t.replica.deploy('test/fixtures/heartbeat.ts');
    const actor = t.replica.actor<Heartbeat>(c);
    t.replica.tick();
    await actor.setFailing(true);
    t.replica.tick();
    t.replica.tick();
    expect(await actor.counts()).toEqual([1n, 0n]); // the failing beats' increments were rolled back
    expect(
      (await t.replica.fetchLogs(c)).filter((l) =>
        l.content.includes('heartbeat fails on purpose'),
      ),
    ).toHaveLength(2);
    await actor.setFailing(false);
    t.replica.tick();
    expect(await actor.counts()).toEqual([2n, 0n]);
  });

  it('a heartbeat can await a call; its continuation runs in the same round', async () => {
    t = await replicas.create();
    const c = await t.replica.deploy('test/fixtures/heartbeat.ts');
    const counter = await t.replica.deploy('canisters/counter/src/index.ts');
    await t.replica.actor<Heartbeat>(c).callEachBeat(counter.id.toText());
    t.replica.tick();
    t.replica.tick();
    expect(await t.replica.actor<Heartbeat>(c).counts()).toEqual([2n, 2n]);
    expect(await t.replica.actor<Counter>(counter).get()).toBe(2n);
  });

  it('does not run on a stopped canister, and runs again once started', async () => {
    t = await replicas.create();
    const c = await t.replica.deploy('test/fixtures/heartbeat.ts');
    await t.replica.stop(c);
    t.replica.tick();
    t.replica.start(c);
    expect(await t.replica.actor<Heartbeat>(c).counts()).toEqual([0n, 0n]);
    t.replica.tick();
    expect(await t.replica.actor<Heartbeat>(c).counts()).toEqual([1n, 0n]);
  });

  it('runs after a restart, on a canister not loaded yet', async () => {
    t = await replicas.create();
    const c = await t.replica.deploy('test/fixtures/heartbeat.ts');
    t.replica.tick();
    const replica = await t.restart();
    replica.tick();
    expect(await replica.actor<Heartbeat>(c).counts()).toEqual([2n, 0n]);
  });

  it('beats by itself about once a second on the wall clock', async () => {
    const { Replica } = await import('@tincan/replica');
    const live = await Replica.create();
    try {
      const c = await live.deploy('test/fixtures/heartbeat.ts');
      await expect
        .poll(async () => (await live.actor<Heartbeat>(c).counts())[0], {
          timeout: 5_000,
          interval: 50,
        })
        .toBeGreaterThanOrEqual(2n);
    } finally {
      await live.close();
    }
  });
});
