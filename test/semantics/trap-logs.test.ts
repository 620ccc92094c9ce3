import { expect, it } from 'vitest';
import { useTestReplica } from '@tincan/testing';
import type Thrower from '../fixtures/thrower.js';
import { rejectedCall } from './helpers.js';

const t = useTestReplica();

it('logs a trap with a stack trace pointing at the canister TypeScript source', async () => {
  const c = await t.replica.deploy('test/fixtures/thrower.ts');
  const err = await rejectedCall(t.replica.actor<Thrower>(c).add(11n));
  expect(err.rejectMessage).toContain('Uncaught RangeError: too big: 11');
  const log = t.replica
    .logs(c.id)
    .map((l) => l.message)
    .join('\n');
  // Line 4 is the `throw` in validate(); line 13 calls it. Would fail on bundle positions.
  expect(log).toContain('test/fixtures/thrower.ts:4:');
  expect(log).toContain('test/fixtures/thrower.ts:13:');
  expect(log).toContain('[trap] Uncaught RangeError: too big: 11');
});
