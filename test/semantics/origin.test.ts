import { expect, it } from 'vitest';
import { useTestReplicas, identity, type TestReplica } from '@tincan/testing';
import type OriginRelay from '../fixtures/origin-relay.js';

const replicas = useTestReplicas();
let t: TestReplica | undefined;

it('msgOrigin is the ingress sender at every depth; msgCaller is the immediate caller', async () => {
  t = await replicas.create();
  const [a, b, c] = [
    await t.replica.deploy('test/fixtures/origin-relay.ts'),
    await t.replica.deploy('test/fixtures/origin-relay.ts'),
    await t.replica.deploy('test/fixtures/origin-relay.ts'),
  ];
  const seen = await t.replica
    .actor<OriginRelay>(a, { identity: identity('alice') })
    .relay([b.id, c.id]);
  // Would fail if origin were reset per hop (it would be b) or caller were the origin (alice).
  expect(seen.origin.toText()).toBe(identity('alice').toText());
  expect(seen.caller.toText()).toBe(b.id.toText());
  expect(seen.deadline).toBe(0n); // unbounded calls carry no deadline
  expect((await t.replica.actor<OriginRelay>(c).self()).toText()).toBe(c.id.toText());
});
