import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';
import { useTestReplicas, type TestReplica } from '@tincan/testing';
import type { CanisterHandle } from '@tincan/replica';
import type UpgradeV1 from '../fixtures/upgrade-v1.js';
import type UpgradeV2 from '../fixtures/upgrade-v2.js';

// ICP semantics: upgrade = preUpgrade (old code) + postUpgrade (new code), atomic; stable
// state survives, heap fields reset, init does not run. Reinstall clears everything.
const replicas = useTestReplicas();

async function v1WithNotes(): Promise<{ t: TestReplica; c: CanisterHandle }> {
  const t = await replicas.create();
  const c = await t.replica.deploy('test/fixtures/upgrade-v1.ts', { initArgs: ['first'] });
  const actor = t.replica.actor<UpgradeV1>(c);
  await actor.put('a', '1');
  await actor.put('b', '2');
  return { t, c };
}

const record = (t: TestReplica, c: CanisterHandle) =>
  t.replica.runtime
    .canisters()
    .find((r) => Buffer.from(r.id).equals(Buffer.from(c.id.toUint8Array())));

describe('upgrade', () => {
  it('keeps stable maps, resets heap fields, runs preUpgrade then postUpgrade but not init', async () => {
    const { t, c } = await v1WithNotes();
    const before = record(t, c);
    await t.replica.upgrade(c, 'test/fixtures/upgrade-v2.ts', { args: ['hello'] });
    const actor = t.replica.actor<UpgradeV2>(c);
    expect(await actor.version()).toBe('v2');
    expect(await actor.get('a')).toEqual(['1']);
    expect(await actor.get('notes')).toEqual(['a,b']); // written by v1's preUpgrade
    expect(await actor.get('postUpgrade')).toEqual(['hello']);
    expect(await actor.get('inits')).toEqual(['1']); // init ran once, at install
    expect(await actor.heapNotes()).toEqual(['a', 'b']); // rebuilt by postUpgrade, not carried over
    const after = record(t, c);
    expect(after?.version).toBe((before?.version ?? 0n) + 1n);
    expect(Buffer.from(after?.moduleHash ?? []).equals(Buffer.from(before?.moduleHash ?? []))).toBe(
      false,
    );
    const replica = await t.restart();
    expect(await replica.actor<UpgradeV2>(c).version()).toBe('v2');
    expect(await replica.actor<UpgradeV2>(c).heapNotes()).toEqual(['a', 'b']);
  });

  it('leaves the old code and state untouched when postUpgrade traps', async () => {
    const { t, c } = await v1WithNotes();
    await expect(
      t.replica.upgrade(c, 'test/fixtures/upgrade-v2-trap.ts', { args: ['x'] }),
    ).rejects.toThrow(/postUpgrade refuses/);
    const actor = t.replica.actor<UpgradeV1>(c);
    expect(await actor.version()).toBe('v1');
    expect(await actor.heapNotes()).toEqual(['a', 'b']);
    // Neither the preUpgrade write nor the postUpgrade write survived.
    expect(await actor.get('notes')).toEqual([]);
    expect(await actor.get('postUpgrade')).toEqual([]);
    await actor.put('c', '3');
    expect(await actor.heapNotes()).toEqual(['a', 'b', 'c']);
  });

  it('leaves the old code and state untouched when preUpgrade traps', async () => {
    const { t, c } = await v1WithNotes();
    await t.replica.actor<UpgradeV1>(c).breakPreUpgrade();
    await expect(
      t.replica.upgrade(c, 'test/fixtures/upgrade-v2.ts', { args: ['x'] }),
    ).rejects.toThrow(/preUpgrade refuses/);
    expect(await t.replica.actor<UpgradeV1>(c).version()).toBe('v1');
    expect(await t.replica.actor<UpgradeV1>(c).get('a')).toEqual(['1']);
  });

  it('is refused while the canister has an open call context', async () => {
    const { t, c } = await v1WithNotes();
    const counter = await t.replica.deploy('canisters/counter/src/index.ts');
    t.replica.runtime.submit(
      {
        canisterId: c.id.toUint8Array(),
        method: 'ping',
        arg: new Uint8Array(IDL.encode([IDL.Principal], [counter.id])),
        caller: new Uint8Array([4]),
      },
      () => undefined,
    );
    t.replica.runtime.step(); // ping runs up to its await: the call is out, the context open
    await expect(
      t.replica.upgrade(c, 'test/fixtures/upgrade-v2.ts', { args: ['x'] }),
    ).rejects.toThrow(/open call context/);
    t.replica.runtime.runUntilIdle();
    await t.replica.upgrade(c, 'test/fixtures/upgrade-v2.ts', { args: ['x'] });
    expect(await t.replica.actor<UpgradeV2>(c).version()).toBe('v2');
  });
});

describe('reinstall', () => {
  it('clears heap and stable state and runs init again', async () => {
    const { t, c } = await v1WithNotes();
    await t.replica.reinstall(c, 'test/fixtures/upgrade-v2.ts', { args: ['second'] });
    const actor = t.replica.actor<UpgradeV2>(c);
    expect(await actor.version()).toBe('v2');
    expect(await actor.get('a')).toEqual([]);
    expect(await actor.get('tag')).toEqual(['second']);
    expect(await actor.get('inits')).toEqual(['1']);
    expect(await actor.heapNotes()).toEqual([]);
  });
});
