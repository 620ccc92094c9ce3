/**
 * Hibernation: with `maxLoadedCanisters`, idle canisters are unloaded once a batch commits and
 * reload on their next message with the same state and the same `Math.random` stream, so a
 * replica that keeps one canister loaded answers exactly like one that keeps them all. A
 * canister with a heartbeat stays loaded.
 */
import { describe, expect, it } from 'vitest';
import { useTestReplicas, type TestReplica } from '@tincan/testing';
import type Heartbeat from '../fixtures/heartbeat.js';
import type HeapRows from '../fixtures/heap-rows.js';
import type LoudCounter from '../fixtures/loud-counter.js';
import type Timers from '../fixtures/timers.js';

const replicas = useTestReplicas();

const SEED = new Uint8Array(32).fill(7);

/** Runs the same interleaved calls on three canisters and returns every answer. */
async function session(t: TestReplica): Promise<unknown[]> {
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await t.replica.deploy('test/fixtures/heap-rows.ts')).id);
  const answers: unknown[] = [];
  for (let round = 0; round < 3; round++) {
    for (const id of ids) {
      const a = t.replica.actor<HeapRows>(id);
      answers.push(await a.randomUpdate(), await a.scribble(false), await a.random());
      await expect(a.scribble(true)).rejects.toThrow(/scribbled then failed/);
      answers.push(await a.checksum(), await a.describe());
    }
  }
  return answers;
}

describe('hibernation', () => {
  it('unloads idle canisters and reloads them with the same state and Math.random stream', async () => {
    // Catches: a reload that loses committed heap changes, restarts the Math.random stream,
    // or keeps a trapped execution's writes; or a limit that never unloads anything.
    const unlimited = await replicas.create({ seed: SEED });
    const expected = await session(unlimited);
    expect(unlimited.replica.runtime.loadedCanisters()).toBe(3);
    const limited = await replicas.create({ seed: SEED, maxLoadedCanisters: 1 });
    expect(await session(limited)).toEqual(expected);
    expect(limited.replica.runtime.loadedCanisters()).toBe(1);
  });

  it('keeps a canister with a heartbeat loaded', async () => {
    // Catches: unloading a canister whose heartbeat lives in its realm.
    const t = await replicas.create({ maxLoadedCanisters: 1 });
    const beating = await t.replica.deploy('test/fixtures/heartbeat.ts');
    const quiet = await t.replica.deploy('test/fixtures/loud-counter.ts');
    expect(await t.replica.actor<LoudCounter>(quiet).get()).toBe(7n);
    t.replica.tick();
    await t.replica.runUntilIdle();
    expect(t.replica.runtime.loadedCanisters()).toBe(1);
    const loads = (): number =>
      t.replica.runtime.logs(quiet.id.toUint8Array()).filter((l) => l.message === 'module loaded')
        .length;
    const before = loads();
    // The quiet canister was the one unloaded: its next message loads it again.
    expect(await t.replica.actor<LoudCounter>(quiet).get()).toBe(7n);
    expect(loads()).toBe(before + 1);
    expect(await t.replica.actor<Heartbeat>(beating).counts()).toEqual([1n, 0n]);
  });

  it('keeps a canister with a pending timer loaded until the timer has fired', async () => {
    // Catches: unloading a canister whose timer callback lives only in its realm (the timer
    // would then fire into a fresh realm that has no callback for it).
    const t = await replicas.create({ maxLoadedCanisters: 1 });
    const timed = await t.replica.deploy('test/fixtures/timers.ts');
    await t.replica.actor<Timers>(timed).after('later', 10);
    const quiet = await t.replica.deploy('test/fixtures/loud-counter.ts');
    const loads = (): number =>
      t.replica.runtime.logs(quiet.id.toUint8Array()).filter((l) => l.message === 'module loaded')
        .length;
    // The timer canister may not go, so the quiet one is unloaded after each message.
    for (let i = 0; i < 3; i++) expect(await t.replica.actor<LoudCounter>(quiet).get()).toBe(7n);
    expect(loads()).toBe(4);
    expect(t.replica.runtime.loadedCanisters()).toBe(1);
    await t.replica.advanceTime(200_000);
    expect(await t.replica.actor<Timers>(timed).log()).toEqual(['later', 'from-init']);
    // No timer left: now the timer canister is the one unloaded, and the quiet one stays.
    expect(await t.replica.actor<LoudCounter>(quiet).get()).toBe(7n);
    const settled = loads();
    expect(await t.replica.actor<LoudCounter>(quiet).get()).toBe(7n);
    expect(loads()).toBe(settled);
    expect(t.replica.runtime.loadedCanisters()).toBe(1);
    expect(await t.replica.actor<Timers>(timed).log()).toEqual(['later', 'from-init']);
  });
});
