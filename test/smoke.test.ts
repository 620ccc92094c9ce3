import { it, expect } from 'vitest';
import { useTestReplica } from '@tincan/testing';
import type Counter from '../canisters/counter/src/index.js';
import type Pinger from './fixtures/pinger.js';

const t = useTestReplica();

it('smoke', async () => {
  const c = await t.replica.deploy('canisters/counter/src/index.ts');
  const p = await t.replica.deploy('test/fixtures/pinger.ts');
  const pinger = t.replica.actor<Pinger>(p);
  expect(await pinger.ping(c.id)).toBe(1n);
  expect(await Promise.all([pinger.ping(c.id), pinger.ping(c.id)])).toEqual([2n, 3n]);
  expect(await pinger.getLog()).toEqual([
    'before',
    'after 1',
    'before',
    'before',
    'after 2',
    'after 3',
  ]);
  const r2 = await t.restart();
  expect(await r2.actor<Pinger>(p).getLog()).toHaveLength(6);
  expect(await r2.actor<Counter>(c).get()).toBe(3n);
});
