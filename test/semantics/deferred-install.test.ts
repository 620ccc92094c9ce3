/**
 * Installing a module a replica has already installed once, with no `@init` and a construction
 * that reads nothing of the canister's context, records the code and leaves the realm to the
 * first message. These tests check that nothing observable changes: the canister starts from
 * the same fresh heap (same `Math.random` draw as an eager install), a trap in its first
 * message rolls back, and state survives a restart; and that a module whose construction reads
 * the time is still installed eagerly.
 */
import { describe, expect, it } from 'vitest';
import { useTestReplicas, type TestReplica } from '@tincan/testing';
import { CallRejectedError } from '@tincan/replica';

const FRESH = 'test/fixtures/fresh-heap.ts';
const STAMPED = 'test/fixtures/stamped-heap.ts';

const replicas = useTestReplicas();

function replica(): Promise<TestReplica> {
  return replicas.create({ seed: new Uint8Array(32).fill(7) });
}

interface FreshState {
  count: string;
  names: string[];
  bytes: number[];
  drawn: number;
}

const stateOf = async (
  t: TestReplica,
  c: Parameters<TestReplica['replica']['actor']>[0],
): Promise<FreshState> =>
  JSON.parse(await t.replica.actor<{ state(): Promise<string> }>(c).state()) as FreshState;

describe('install of a known module', () => {
  it('leaves the realm to the first message and starts from the same fresh heap as an eager install', async () => {
    // Catches: a deferred install that loses field initializers, or a Math.random stream that
    // differs from the one an eager install of the same canister id would draw.
    const a = await replica();
    const first = await a.replica.deploy(FRESH);
    const loadedBefore = a.replica.runtime.loadedCanisters();
    const second = await a.replica.deploy(FRESH);
    expect(a.replica.runtime.loadedCanisters()).toBe(loadedBefore);
    const deferred = await stateOf(a, second);
    expect(a.replica.runtime.loadedCanisters()).toBe(loadedBefore + 1);
    expect(deferred).toMatchObject({ count: '0', names: ['seed'], bytes: [1, 2, 3] });
    // Another replica with the same seed installs the second canister id eagerly (its first
    // install of this module goes to that id, after another module took the first id).
    const b = await replica();
    const other = await b.replica.deploy(STAMPED);
    const eager = await b.replica.deploy(FRESH);
    expect(eager.id.toText()).toBe(second.id.toText());
    expect(other.id.toText()).toBe(first.id.toText());
    expect(await stateOf(b, eager)).toEqual(deferred);
    expect(deferred.drawn).not.toBe((await stateOf(a, first)).drawn);
  });

  it('rolls back a trap in the first message after a deferred install', async () => {
    // Catches: a fresh instance that is not tracked as the heap, so its writes survive a trap.
    const t = await replica();
    await t.replica.deploy(FRESH);
    const c = await t.replica.deploy(FRESH);
    const actor = t.replica.actor<{ bump(fail: boolean): Promise<bigint> }>(c);
    await expect(actor.bump(true)).rejects.toBeInstanceOf(CallRejectedError);
    expect(await stateOf(t, c)).toMatchObject({ count: '0', names: ['seed'], bytes: [1, 2, 3] });
    expect(await actor.bump(false)).toBe(1n);
    expect(await stateOf(t, c)).toMatchObject({
      count: '1',
      names: ['seed', 'n1'],
      bytes: [1, 2, 3].map((b, i) => (i === 0 ? 1 : b)),
    });
  });

  it('keeps what the first messages committed across a restart, and a never-called copy starts fresh', async () => {
    // Catches: a first commit that writes only the changed fields of a heap that was never stored.
    const t = await replica();
    await t.replica.deploy(FRESH);
    const used = await t.replica.deploy(FRESH);
    const idle = await t.replica.deploy(FRESH);
    const actor = t.replica.actor<{ bump(fail: boolean): Promise<bigint> }>(used);
    await actor.bump(false);
    await actor.bump(false);
    const before = await stateOf(t, used);
    const idleBefore = await stateOf(t, idle);
    await t.restart();
    expect(await stateOf(t, used)).toEqual(before);
    expect(before).toMatchObject({ count: '2', names: ['seed', 'n1', 'n2'], bytes: [2, 2, 3] });
    expect(await stateOf(t, idle)).toEqual(idleBefore);
  });

  it('still constructs at install a module whose construction reads the time', async () => {
    // Catches: deferring a construction whose heap depends on when it runs.
    const t = await replica();
    const clock = t.clock;
    if (clock === undefined) throw new Error('the test replica has a manual clock');
    await t.replica.deploy(STAMPED);
    const installedAt = clock.nowNs();
    const c = await t.replica.deploy(STAMPED);
    clock.advanceMs(60_000);
    const created = await t.replica.actor<{ created(): Promise<bigint> }>(c).created();
    expect(created).toBe(installedAt);
  });
});
