import { describe, expect, it } from 'vitest';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import {
  useTestReplicas,
  identity,
  type TestReplica,
  type TestReplicaOptions,
} from '@tincan/testing';
import type { InspectResult } from '@tincan/replica';
import type InspectMessage from '../fixtures/inspect-message.js';
import { rejectedCall } from './helpers.js';

// ICP's canister_inspect_message: an ingress update is accepted only if @inspectMessage calls
// acceptMessage() without trapping; the inspection runs like a query and never commits.
const replicas = useTestReplicas();
let t: TestReplica | undefined;

const alice = identity('alice');
const nat = (n: bigint): Uint8Array => new Uint8Array(IDL.encode([IDL.Nat], [n]));
const none = new Uint8Array(IDL.encode([], []));

async function deployInspector(
  options: TestReplicaOptions = {},
): Promise<{ replica: TestReplica['replica']; id: Principal }> {
  t = await replicas.create(options);
  const { id } = await t.replica.deploy('test/fixtures/inspect-message.ts');
  return { replica: t.replica, id };
}

function refusal(result: InspectResult): {
  code: number;
  errorCode: string | undefined;
  message: string;
} {
  if (result.accepted) throw new Error('expected the message to be refused');
  return {
    code: result.reason.code,
    errorCode: result.reason.errorCode,
    message: result.reason.message,
  };
}

async function stateOf(
  replica: TestReplica['replica'],
  id: Principal,
): Promise<ReturnType<InspectMessage['state']>> {
  return replica.actor<InspectMessage>(id).state();
}

describe('canister_inspect_message', () => {
  it('accepts what @inspectMessage accepts and refuses the rest with IC0406', async () => {
    const { replica, id } = await deployInspector();
    expect(replica.inspectMessage(id, 'add', nat(5n), alice)).toEqual({ accepted: true });
    expect(refusal(replica.inspectMessage(id, 'add', nat(5n)))).toEqual({
      code: 4,
      errorCode: 'IC0406',
      message: `Canister ${id.toText()} rejected the message`,
    });
    // The argument is readable with msgArgData(): alice may not add more than 1000.
    expect(refusal(replica.inspectMessage(id, 'add', nat(1001n), alice)).errorCode).toBe('IC0406');
    expect(refusal(replica.inspectMessage(id, 'secret', none, alice)).errorCode).toBe('IC0406');
    // An update call to a query method is inspected too.
    expect(refusal(replica.inspectMessage(id, 'peek', none, alice)).code).toBe(4);
  });

  it('discards everything the inspection wrote, heap and stable map alike', async () => {
    const { replica, id } = await deployInspector();
    for (let i = 0; i < 3; i++) replica.inspectMessage(id, 'add', nat(1n), alice);
    replica.inspectMessage(id, 'secret', none, alice);
    expect(await stateOf(replica, id)).toEqual({ count: 0n, inspections: 0n, seen: 0 });
    await replica.actor<InspectMessage>(id, { identity: alice }).add(2n);
    expect(await stateOf(replica, id)).toEqual({ count: 2n, inspections: 0n, seen: 0 });
  });

  it('refuses the message when the inspection traps, with the trap message', async () => {
    const { replica, id } = await deployInspector();
    const boom = refusal(replica.inspectMessage(id, 'boom', none, alice));
    expect(boom.code).toBe(5);
    expect(boom.errorCode).toBe('IC0503');
    expect(boom.message).toContain('boom is not allowed');
    const twice = refusal(replica.inspectMessage(id, 'twice', none, alice));
    expect(twice.code).toBe(5);
    expect(twice.message).toContain('already accepted');
  });

  it('stops a runaway inspection at the query budget, and the replica keeps serving', async () => {
    const { replica, id } = await deployInspector({ instructionLimits: { query: 1_000_000 } });
    const spin = refusal(replica.inspectMessage(id, 'spin', none, alice));
    expect(spin.code).toBe(5);
    expect([spin.errorCode, spin.message]).toEqual([
      'IC0522',
      expect.stringContaining(
        'Canister exceeded the limit of 1000000 instructions for single message execution.',
      ),
    ]);
    expect(await replica.actor<InspectMessage>(id, { identity: alice }).add(3n)).toBe(3n);
    expect(await stateOf(replica, id)).toEqual({ count: 3n, inspections: 0n, seen: 0 });
  });

  it('accepts every message to a canister without @inspectMessage, and to the management canister', async () => {
    t = await replicas.create();
    const counter = await t.replica.deploy('canisters/counter/src/index.ts');
    expect(t.replica.inspectMessage(counter.id, 'add', nat(1n))).toEqual({ accepted: true });
    expect(t.replica.inspectMessage(counter.id, 'anything', none)).toEqual({ accepted: true });
    expect(t.replica.inspectMessage(Principal.managementCanister(), 'raw_rand', none)).toEqual({
      accepted: true,
    });
  });

  it('does not inspect queries or in-process update calls', async () => {
    const { replica, id } = await deployInspector();
    expect(await replica.actor<InspectMessage>(id).peek()).toBe(0n);
    // Replica.update is not ingress over HTTP: it runs what inspection would refuse.
    expect(await replica.actor<InspectMessage>(id).secret()).toBe('the secret');
    expect(await replica.actor<InspectMessage>(id).add(1n)).toBe(1n);
  });

  it('traps when msgMethodName or acceptMessage is used outside @inspectMessage', async () => {
    const { replica, id } = await deployInspector();
    const actor = replica.actor<InspectMessage>(id, { identity: alice });
    for (const method of ['methodNameOutside', 'acceptOutside'] as const) {
      const err = await rejectedCall(actor[method]());
      expect(err.rejectCode).toBe(5);
      expect(err.rejectMessage).toContain('only available in @inspectMessage');
    }
  });
});
