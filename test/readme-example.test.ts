// The README's "Test a canister" example, verbatim in substance: if this breaks, the README lies.
import { expect, it } from 'vitest';
import { identity, useTestReplica } from '@tincan/testing';
import type Counter from '../canisters/counter/src/index.js';

const t = useTestReplica();

it('counts per caller and survives a restart', async () => {
  const canister = await t.replica.deploy('canisters/counter/src/index.ts');
  const counter = t.replica.actor<Counter>(canister, { identity: identity('alice') });

  expect(await counter.add(5n)).toBe(5n);
  expect(await counter.totalOf(identity('alice'))).toBe(5n);

  const replica = await t.restart(); // same state directory
  expect(await replica.actor<Counter>(canister).get()).toBe(5n);
});
