import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ExecutionInfo } from '@tincan/runtime';
import { useTestReplicas, type TestReplica, type TestReplicaOptions } from '@tincan/testing';
import type BenchCpu from '../../canisters/bench-cpu/src/index.js';
import type Metering from '../fixtures/metering.js';
import type Runaway from '../fixtures/runaway.js';
import { rejectedCall as rejectOf } from './helpers.js';

// Deterministic instruction metering: static block weights, size-charged built-ins, limits
// per execution kind, and performanceCounter.
const FIXTURE = 'test/fixtures/metering.ts';
const replicas = useTestReplicas();

function open(options: TestReplicaOptions = {}): Promise<TestReplica> {
  return replicas.create(options);
}

describe('deterministic counts', () => {
  /** Runs the same calls on a fresh replica; returns every count the calls and the replica saw. */
  const session = async (): Promise<{
    answers: unknown[];
    executions: Array<[string, number]>;
  }> => {
    const executions: Array<[string, number]> = [];
    const t = await open({
      onExecution: (info: ExecutionInfo) => executions.push([info.method, info.instructions]),
    });
    const a = t.replica.actor<Metering>(await t.replica.deploy(FIXTURE, { initArgs: [10] }));
    const b = await t.replica.deploy(FIXTURE, { initArgs: [10] });
    const answers = [
      await a.work(10),
      await a.work(10),
      await a.work(1000),
      await a.blocks(),
      await a.builtin('sort', 500),
      await a.acrossAwait(b.id),
    ];
    return { answers, executions };
  };

  it('counts the same on every run, from the first call on', async () => {
    const first = await session();
    const second = await session();
    expect(second).toEqual(first);
    // The first call of a method costs what the next one with the same input costs.
    expect(first.answers[0]).toBe(first.answers[1]);
    expect(first.executions.every(([, units]) => units > 0)).toBe(true);
  });

  it('grows linearly with loop iterations', async () => {
    const t = await open();
    const actor = t.replica.actor<Metering>(await t.replica.deploy(FIXTURE, { initArgs: [0] }));
    const [a, b, c] = [
      await actor.workQuery(0),
      await actor.workQuery(1000),
      await actor.workQuery(2000),
    ];
    expect(c - b).toBe(b - a);
    expect(b - a).toBeGreaterThan(1000n * 20n);
  });

  it('charges a longer straight-line block more than a shorter one', async () => {
    const t = await open();
    const actor = t.replica.actor<Metering>(await t.replica.deploy(FIXTURE, { initArgs: [0] }));
    const [short, long] = (await actor.blocks()) as [bigint, bigint];
    expect(short).toBeGreaterThan(0n);
    expect(long).toBeGreaterThan(2n * short);
  });

  it('reports units per execution, and a spent budget as exactly the limit', async () => {
    const seen: ExecutionInfo[] = [];
    const t = await open({
      instructionLimits: { update: 3_000_000 },
      onExecution: (info) => seen.push(info),
    });
    const actor = t.replica.actor<Metering>(await t.replica.deploy(FIXTURE, { initArgs: [0] }));
    const counted = await actor.work(100);
    await rejectOf(actor.work(1_000_000));
    const [ok, trapped] = seen.filter((i) => i.method === 'work');
    // The execution also spends after the method's last performanceCounter read (the reply).
    expect(ok?.instructions).toBeGreaterThan(Number(counted));
    expect(trapped).toMatchObject({ outcome: 'trapped', instructions: 3_000_000 });
  });

  it('counts a call context across awaits with performanceCounter(1)', async () => {
    const t = await open();
    const a = t.replica.actor<Metering>(await t.replica.deploy(FIXTURE, { initArgs: [0] }));
    const b = await t.replica.deploy(FIXTURE, { initArgs: [0] });
    const [before, after, context] = (await a.acrossAwait(b.id)) as [bigint, bigint, bigint];
    // The callback's own count starts over; the context's adds the whole first execution.
    expect(after).toBeLessThan(before + 1_000n);
    expect(context - after).toBeGreaterThan(before + 100n * 20n);
  });
});

describe('built-ins that do large work in one call', () => {
  it.each(['sort', 'join', 'repeat', 'stringify', 'spread', 'typedSet'])(
    '%s is charged by size',
    async (kind) => {
      const t = await open();
      const actor = t.replica.actor<Metering>(await t.replica.deploy(FIXTURE, { initArgs: [0] }));
      const small = await actor.builtin(kind, 10);
      const large = await actor.builtin(kind, 100_000);
      // The call site's static weight is the same; only a size charge can tell them apart.
      expect(large - small).toBeGreaterThanOrEqual(100_000n);
    },
  );

  it('system API calls are charged by the bytes they move', async () => {
    const t = await open();
    const actor = t.replica.actor<Metering>(await t.replica.deploy(FIXTURE, { initArgs: [0] }));
    const small = await actor.store(10);
    const large = await actor.store(100_000);
    expect(large - small).toBeGreaterThanOrEqual(100_000n);
  });
});

describe('limits per execution kind', () => {
  it('a query traps at the query limit while the same work passes as an update', async () => {
    const t = await open({ instructionLimits: { query: 2_000_000 } });
    const actor = t.replica.actor<Metering>(await t.replica.deploy(FIXTURE, { initArgs: [0] }));
    const err = await rejectOf(actor.workQuery(100_000));
    expect([err.rejectCode, err.errorCode]).toEqual([5, 'IC0522']);
    expect(err.rejectMessage).toContain(
      'Canister exceeded the limit of 2000000 instructions for single message execution..\nTry optimizing this method',
    );
    expect(await actor.work(100_000)).toBeGreaterThan(2_000_000n);
  });

  it('an update traps at the update limit while the same work passes as a query', async () => {
    const t = await open({ instructionLimits: { update: 2_000_000 } });
    const actor = t.replica.actor<Metering>(await t.replica.deploy(FIXTURE, { initArgs: [0] }));
    expect((await rejectOf(actor.work(100_000))).rejectMessage).toContain(
      'Canister exceeded the limit of 2000000 instructions for single message execution.',
    );
    expect(await actor.workQuery(100_000)).toBeGreaterThan(2_000_000n);
  });

  it('install traps at the install limit, which updates do not share', async () => {
    const t = await open({ instructionLimits: { install: 20_000_000 } });
    await expect(t.replica.deploy(FIXTURE, { initArgs: [1_000_000] })).rejects.toThrow(
      'Canister exceeded the limit of 20000000 instructions for single message execution.',
    );
    const actor = t.replica.actor<Metering>(await t.replica.deploy(FIXTURE, { initArgs: [0] }));
    expect(await actor.work(1_000_000)).toBeGreaterThan(20_000_000n);
  });

  it('stops endless recursion under the default limits, and the replica serves on', async () => {
    const t = await open();
    const actor = t.replica.actor<Metering>(await t.replica.deploy(FIXTURE, { initArgs: [0] }));
    const err = await rejectOf(actor.recurseForever());
    expect(err.rejectCode).toBe(5);
    expect(await actor.workQuery(10)).toBeGreaterThan(0n);
  });

  it('stops an endless loop in a query under the default query limit', async () => {
    const t = await open();
    const actor = t.replica.actor<Runaway>(await t.replica.deploy('test/fixtures/runaway.ts'));
    const err = await rejectOf(actor.work(4_000_000_000));
    expect(err.rejectMessage).toContain(
      'Canister exceeded the limit of 5000000000 instructions for single message execution.',
    );
    expect(await actor.get()).toBe(0n);
  });
});

describe('the CPU benchmark canister', () => {
  it('computes real SHA-256 digests and prime counts under the meter', async () => {
    const t = await open();
    const actor = t.replica.actor<BenchCpu>(
      await t.replica.deploy('canisters/bench-cpu/src/index.ts'),
    );
    const buffer = new Uint8Array(4096).map((_, i) => i & 0xff);
    let digest = new Uint8Array(32);
    for (let r = 0; r < 3; r++) {
      buffer.set(digest);
      digest = new Uint8Array(createHash('sha256').update(buffer).digest());
    }
    const [head, units] = (await actor.sha256(3)) as [bigint, bigint];
    expect(head).toBe(BigInt(new DataView(digest.buffer).getUint32(0)));
    expect(units).toBeGreaterThan(0n);
    expect((await actor.sieve(100))[0]).toBe(25n);
  });
});
