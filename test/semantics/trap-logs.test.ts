import { expect, it } from 'vitest';
import { CallRejectedError, useTestReplicas, type TestReplica } from '@tincan/testing';

const replicas = useTestReplicas();
let t: TestReplica | undefined;

it('logs a trap with a stack trace pointing at the canister TypeScript source', async () => {
  t = await replicas.create();
  const c = await t.replica.deploy('test/fixtures/thrower.ts');
  const err = await t.replica
    .actor(c)
    .add(11n)
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CallRejectedError);
  expect((err as CallRejectedError).rejectMessage).toContain('Uncaught RangeError: too big: 11');
  const log = t.replica
    .logs(c.id)
    .map((l) => l.message)
    .join('\n');
  // Line 4 is the `throw` in validate(); line 13 calls it. Would fail on bundle positions.
  expect(log).toContain('test/fixtures/thrower.ts:4:');
  expect(log).toContain('test/fixtures/thrower.ts:13:');
  expect(log).toContain('[trap] Uncaught RangeError: too big: 11');
});
