import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';
import { useTestReplicas, type TestReplica } from '@tincan/testing';
import type { Outcome } from '@tincan/replica';
import { rejectedCall as rejectOf } from './helpers.js';
import type Counter from '../../canisters/counter/src/index.js';
import type Thrower from '../fixtures/thrower.js';
import type UpgradeV1 from '../fixtures/upgrade-v1.js';

// ICP semantics: stopping refuses new calls but runs responses; stopped once no context is open.
const replicas = useTestReplicas();
let t: TestReplica | undefined;

const ANON = new Uint8Array([4]);
describe('stop, start, delete', () => {
  it('keeps a canister with an open call context stopping until the response arrives', async () => {
    t = await replicas.create();
    const counter = await t.replica.deploy('canisters/counter/src/index.ts');
    const caller = await t.replica.deploy('test/fixtures/upgrade-v1.ts', { initArgs: ['x'] });
    const { runtime } = t.replica;
    let answer: Outcome | undefined;
    runtime.submit(
      {
        canisterId: caller.id.toUint8Array(),
        method: 'ping',
        arg: new Uint8Array(IDL.encode([IDL.Principal], [counter.id])),
        caller: ANON,
      },
      (o) => {
        answer = o;
      },
    );
    runtime.step(); // ping runs to its await: the call to the counter is out
    // Would be 'stopped' if open contexts were ignored.
    expect(runtime.stopCanister(caller.id.toUint8Array())).toBe('stopping');
    const refused = await rejectOf(t.replica.actor<UpgradeV1>(caller).version());
    expect(refused.rejectCode).toBe(5);
    expect(refused.errorCode).toBe('IC0509');
    runtime.step(); // the counter's increment
    expect(t.replica.status(caller)).toBe('stopping');
    runtime.step(); // the response runs on the stopping canister and closes the context
    expect(answer !== undefined && 'reply' in answer).toBe(true);
    expect(t.replica.status(caller)).toBe('stopped');
    expect((await rejectOf(t.replica.actor<UpgradeV1>(caller).version())).errorCode).toBe('IC0508');
    t.replica.start(caller);
    expect(await t.replica.actor<UpgradeV1>(caller).version()).toBe('v1');
  });

  it('stop() resolves once the canister is stopped, and the status survives a restart', async () => {
    t = await replicas.create();
    const counter = await t.replica.deploy('canisters/counter/src/index.ts');
    const caller = await t.replica.deploy('test/fixtures/upgrade-v1.ts', { initArgs: ['x'] });
    const ping = t.replica.actor<UpgradeV1>(caller).ping(counter.id);
    t.replica.runtime.step(); // ping starts and awaits the counter (a call not yet started would be refused)
    await t.replica.stop(caller);
    expect(await ping).toBe(1n); // the call in flight still completed
    expect(t.replica.status(caller)).toBe('stopped');
    const replica = await t.restart();
    expect(replica.status(caller)).toBe('stopped');
  });

  it('deletes only stopped canisters; a deleted id answers DESTINATION_INVALID', async () => {
    t = await replicas.create();
    const counter = await t.replica.deploy('canisters/counter/src/index.ts');
    expect(() => t?.replica.delete(counter)).toThrow(/must be stopped/);
    await t.replica.stop(counter);
    t.replica.delete(counter);
    const gone = await t.replica.update(
      counter.id,
      'increment',
      new Uint8Array(IDL.encode([], [])),
    );
    expect('reject' in gone && gone.reject.code).toBe(3);
    const next = await t.replica.deploy('canisters/counter/src/index.ts');
    expect(next.id.toText()).not.toBe(counter.id.toText()); // ids are never reused
  });
});

describe('uninstall', () => {
  it('rejects open call contexts and removes code and state', async () => {
    t = await replicas.create();
    const counter = await t.replica.deploy('canisters/counter/src/index.ts');
    const caller = await t.replica.deploy('test/fixtures/upgrade-v1.ts', { initArgs: ['x'] });
    let answer: Outcome | undefined;
    t.replica.runtime.submit(
      {
        canisterId: caller.id.toUint8Array(),
        method: 'ping',
        arg: new Uint8Array(IDL.encode([IDL.Principal], [counter.id])),
        caller: ANON,
      },
      (o) => {
        answer = o;
      },
    );
    t.replica.runtime.step(); // ping awaits the counter
    t.replica.uninstall(caller);
    // Would be undefined if the open context were left hanging.
    expect(answer !== undefined && 'reject' in answer && answer.reject.message).toMatch(
      /has been uninstalled/,
    );
    t.replica.runtime.runUntilIdle(); // the counter's late response finds no callback and is dropped
    const after = await t.replica.update(caller.id, 'version', new Uint8Array(IDL.encode([], [])));
    expect('reject' in after && after.reject.errorCode).toBe('IC0537');
    expect(await t.replica.actor<Counter>(counter).get()).toBe(1n); // the counter itself is unaffected
  });
});

describe('execution log', () => {
  it('reports every execution with its kind, units and outcome', async () => {
    const { Replica } = await import('@tincan/replica');
    const seen: Array<{ method: string; kind: string; outcome: string; instructions: number }> = [];
    const replica = await Replica.create({ onExecution: (info) => void seen.push(info) });
    try {
      const c = await replica.deploy('test/fixtures/thrower.ts');
      await replica.actor<Thrower>(c).add(1n);
      await replica
        .actor<Thrower>(c)
        .add(50n)
        .catch(() => undefined);
      expect(seen.map(({ method, kind, outcome }) => `${method} ${kind} ${outcome}`)).toEqual([
        'add update committed',
        'add update trapped',
      ]);
      expect(seen[0]?.instructions).toBeGreaterThan(0);
    } finally {
      await replica.close();
    }
  });
});
