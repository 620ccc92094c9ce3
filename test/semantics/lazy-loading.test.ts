/**
 * A restart loads no canister until it is needed: a heartbeat round loads only canisters whose
 * module has a heartbeat (recorded at install), and a canister without one loads on its first
 * message.
 */
import { describe, expect, it } from 'vitest';
import { useTestReplicas, type TestReplica } from '@tincan/testing';
import type Heartbeat from '../fixtures/heartbeat.js';
import type LoudCounter from '../fixtures/loud-counter.js';

const replicas = useTestReplicas();
let t: TestReplica | undefined;

describe('loading on demand', () => {
  it('a heartbeat round after a restart loads only the canisters that have a heartbeat', async () => {
    t = await replicas.create();
    const beating = await t.replica.deploy('test/fixtures/heartbeat.ts');
    const quiet = await t.replica.deploy('test/fixtures/loud-counter.ts');
    const loads = (): number =>
      t?.replica.runtime.logs(quiet.id.toUint8Array()).filter((l) => l.message === 'module loaded')
        .length ?? -1;
    expect(loads()).toBe(1);
    await t.restart();
    t.replica.tick();
    await t.replica.runUntilIdle();
    expect(await t.replica.actor<Heartbeat>(beating).counts()).toEqual([1n, 0n]);
    // Not loaded by the round: its log (kept in memory) has no load since the restart.
    expect(loads()).toBe(0);
    expect(await t.replica.actor<LoudCounter>(quiet).get()).toBe(7n);
    expect(loads()).toBe(1);
  });
});
