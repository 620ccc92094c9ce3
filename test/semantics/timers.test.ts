import { beforeEach, describe, expect, it } from 'vitest';
import { useTestReplica } from '@tincan/testing';
import type { CanisterHandle } from '@tincan/replica';
import type Timers from '../fixtures/timers.js';

// Timers: one execution per due timer, with the usual commit and trap rules; under a manual
// clock they fire only when time moves.
const t = useTestReplica();
let c: CanisterHandle;
beforeEach(async () => {
  c = await t.replica.deploy('test/fixtures/timers.ts');
});

const log = (): Promise<string[]> => t.replica.actor<Timers>(c).log();

describe('timers', () => {
  it('fire in order, and only when time advances', async () => {
    const actor = t.replica.actor<Timers>(c);
    await actor.after('ten', 10);
    await actor.after('five', 5);
    await actor.every('tick', 3);
    expect(await log()).toEqual([]); // would fail if timers ran on the wall clock or at once
    await t.replica.advanceTime(4_000);
    expect(await log()).toEqual(['tick']);
    await t.replica.advanceTime(2_000);
    expect(await log()).toEqual(['tick', 'five']);
    await t.replica.advanceTime(4_000);
    expect(await log()).toEqual(['tick', 'five', 'tick', 'ten']);
    await t.replica.advanceTime(100_000);
    expect(await log()).toContain('from-init');
  });

  it('clearTimer stops an interval', async () => {
    const actor = t.replica.actor<Timers>(c);
    await actor.every('tick', 1);
    await t.replica.advanceTime(1_000);
    await actor.cancel('tick');
    await t.replica.advanceTime(5_000);
    expect((await log()).filter((l) => l === 'tick')).toHaveLength(1);
  });

  it('a timer set by an execution that trapped never fires', async () => {
    await expect(t.replica.actor<Timers>(c).afterThenTrap('ghost', 1)).rejects.toThrow(
      /must never exist/,
    );
    await t.replica.advanceTime(5_000);
    expect(await log()).not.toContain('ghost');
  });

  it('a timer that traps rolls back alone; the others still fire', async () => {
    const actor = t.replica.actor<Timers>(c);
    await actor.trappingTimer(1);
    await actor.after('survivor', 1);
    await t.replica.advanceTime(2_000);
    const fired = await log();
    expect(fired).toContain('survivor');
    expect(fired).not.toContain('lost');
    expect(t.replica.logs(c.id).some((l) => l.message.includes('a timer that traps'))).toBe(true);
  });

  it('a timer callback can await a call', async () => {
    const counter = await t.replica.deploy('canisters/counter/src/index.ts');
    await t.replica.actor<Timers>(c).callingTimer(counter.id, 1);
    await t.replica.advanceTime(1_000);
    expect(await log()).toContain('called 1');
  });

  it('timers do not fire on a stopped canister, and an upgrade clears them', async () => {
    const actor = t.replica.actor<Timers>(c);
    await actor.after('late', 1);
    await t.replica.stop(c);
    await t.replica.advanceTime(2_000);
    t.replica.start(c);
    expect(await log()).toEqual([]);
    await t.replica.upgrade(c, 'test/fixtures/timers.ts');
    await t.replica.advanceTime(2_000);
    expect(await log()).toEqual([]);
  });
});

describe('timers on the wall clock', () => {
  it('fire by themselves in a live replica', async () => {
    const { Replica } = await import('@tincan/replica');
    const live = await Replica.create();
    try {
      const canister = await live.deploy('test/fixtures/timers.ts');
      await live.actor<Timers>(canister).after('soon', 1); // due in a second: only the driver's alarm can run it
      // Would time out if nothing woke the driver when the timer fell due.
      await expect
        .poll(() => live.actor<Timers>(canister).log(), { timeout: 5_000, interval: 20 })
        .toContain('soon');
    } finally {
      await live.close();
    }
  });
});
