import { describe, expect, it } from 'vitest';
import { useTestReplicas, type TestReplica } from '@tincan/testing';
import type Counter from '../../canisters/counter/src/index.js';
import type Runaway from '../fixtures/runaway.js';
import { rejectedCall as rejectOf } from './helpers.js';

// Runaway code: every block of canister code spends its static weight; an exhausted budget traps.
const replicas = useTestReplicas();
let t: TestReplica | undefined;

describe('instruction limits', () => {
  it.each(['loopForever', 'catchAndLoop', 'microtaskStorm'] as const)(
    '%s traps at the instruction limit (IC0522) and rolls back',
    async (method) => {
      t = await replicas.create({ instructionLimits: { update: 2_000_000 } });
      const canister = await t.replica.deploy('test/fixtures/runaway.ts');
      const actor = t.replica.actor<Runaway>(canister);
      expect(await actor.increment()).toBe(1n);
      // Would hang (and time the test out) without metering, or keep +1000 without rollback.
      const err = await rejectOf(actor[method]());
      expect([err.rejectCode, err.errorCode]).toEqual([5, 'IC0522']);
      expect(err.rejectMessage).toContain(
        'Canister exceeded the limit of 2000000 instructions for single message execution.',
      );
      expect(await actor.get()).toBe(1n);
      expect(await actor.increment()).toBe(2n);
    },
  );

  it('keeps other canisters serving while one runs away', async () => {
    t = await replicas.create({ instructionLimits: { update: 2_000_000 } });
    const bad = t.replica.actor<Runaway>(await t.replica.deploy('test/fixtures/runaway.ts'));
    const good = t.replica.actor<Counter>(await t.replica.deploy('canisters/counter/src/index.ts'));
    const [runaway, ok] = await Promise.allSettled([bad.loopForever(), good.add(3n)]);
    expect(runaway.status).toBe('rejected');
    expect(ok).toEqual({ status: 'fulfilled', value: 3n });
  });

  it('counts work deterministically with performanceCounter', async () => {
    t = await replicas.create();
    const actor = t.replica.actor<Runaway>(await t.replica.deploy('test/fixtures/runaway.ts'));
    const small = await actor.work(10);
    const large = await actor.work(10_000);
    // Each loop iteration costs the same, so the count grows linearly with the iterations.
    expect(await actor.work(19_990)).toBe(2n * large - small);
    expect(await actor.work(10_000)).toBe(large);
    expect(await actor.work(10)).toBe(small);
  });

  it('gives queries their own, smaller budget', async () => {
    t = await replicas.create({ instructionLimits: { query: 1_000 } });
    const actor = t.replica.actor<Runaway>(await t.replica.deploy('test/fixtures/runaway.ts'));
    const err = await rejectOf(actor.work(5_000));
    expect(err.rejectMessage).toContain(
      'Canister exceeded the limit of 1000 instructions for single message execution.',
    );
  });
});
