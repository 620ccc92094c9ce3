/**
 * Creating canisters on a chosen subnet of a two-subnet replica over the IC HTTP interface:
 * `provisional_create_canister_with_cycles` goes to the subnet of its effective canister id, or,
 * with the effective id `aaaaa-aa` (no subnet's), to the subnet of its `specified_id`; a subnet
 * refuses a `specified_id` of another subnet's range (IC0405), as ICP does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Actor, HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { canisterIdOnSubnet, managementIdlFactory, subnetRange } from '@tincan/replica';
import { decodeCbor } from '@tincan/certification';
import type { HttpServer } from '@tincan/http';
import type { TestSubnets } from '@tincan/testing';
import {
  anonymousContent,
  envelope,
  postCbor,
  startSubnetsOverHttp,
  stopSubnetsOverHttp,
} from './harness.js';

let t: TestSubnets;
let server: HttpServer;

beforeAll(async () => {
  ({ t, server } = await startSubnetsOverHttp());
}, 120_000);

afterAll(() => stopSubnetsOverHttp({ t, server }));

const CREATE_ARG = IDL.Record({
  amount: IDL.Opt(IDL.Nat),
  settings: IDL.Opt(IDL.Record({})),
  specified_id: IDL.Opt(IDL.Principal),
  sender_canister_version: IDL.Opt(IDL.Nat64),
});

function createArg(specified: Principal | undefined): Uint8Array {
  return new Uint8Array(
    IDL.encode(
      [CREATE_ARG],
      [
        {
          amount: [],
          settings: [],
          specified_id: specified === undefined ? [] : [specified],
          sender_canister_version: [],
        },
      ],
    ),
  );
}

interface Creator {
  provisional_create_canister_with_cycles(arg: {
    amount: [];
    settings: [];
    specified_id: [] | [Principal];
    sender_canister_version: [];
  }): Promise<{ canister_id: Principal }>;
}

/** The management canister through the agent, with `effective` as every call's effective id. */
async function management(effective: Principal): Promise<Creator> {
  const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
  return Actor.createActor<Creator>(managementIdlFactory, {
    agent,
    canisterId: Principal.managementCanister(),
    callTransform: () => ({ effectiveCanisterId: effective }),
  });
}

const hosted = (subnet: number, id: Principal): boolean =>
  t.subnets.replica(subnet).runtime.hasCanister(id.toUint8Array());

describe('creating canisters on subnet 1 over HTTP', { timeout: 120_000 }, () => {
  it('an effective id in subnet 1 creates there, verified by the agent against the delegation', async () => {
    const first = Principal.fromUint8Array(subnetRange(1)[0]);
    const { canister_id: id } = await (
      await management(first)
    ).provisional_create_canister_with_cycles({
      amount: [],
      settings: [],
      specified_id: [],
      sender_canister_version: [],
    });
    expect(t.subnets.subnetOf(id)).toBe(1);
    expect(hosted(1, id)).toBe(true);
    expect(hosted(0, id)).toBe(false);
  });

  it('the effective id aaaaa-aa with a specified_id of subnet 1 goes to subnet 1', async () => {
    const wanted = Principal.fromUint8Array(canisterIdOnSubnet(1, 900));
    const content = anonymousContent(
      'call',
      Principal.managementCanister(),
      'provisional_create_canister_with_cycles',
      createArg(wanted),
    );
    const res = await postCbor(server, '/api/v3/canister/aaaaa-aa/call', envelope(content));
    expect(res.status).toBe(200);
    const answer = decodeCbor(new Uint8Array(await res.arrayBuffer())) as { status: string };
    expect(answer.status).toBe('replied');
    expect(hosted(1, wanted)).toBe(true);
    expect(hosted(0, wanted)).toBe(false);
  });

  it('refuses a specified_id of subnet 1 sent to subnet 0 (IC0405) and creates nothing', async () => {
    const wanted = Principal.fromUint8Array(canisterIdOnSubnet(1, 901));
    const onZero = await management(Principal.fromUint8Array(subnetRange(0)[0]));
    const attempt = onZero.provisional_create_canister_with_cycles({
      amount: [],
      settings: [],
      specified_id: [wanted],
      sender_canister_version: [],
    });
    await expect(attempt).rejects.toThrow(
      `Specified CanisterId ${wanted.toText()} is not hosted by subnet ${t.subnets.subnets[0]?.id.toText()}.`,
    );
    await expect(attempt).rejects.toThrow(/IC0405/);
    expect(hosted(0, wanted)).toBe(false);
    expect(hosted(1, wanted)).toBe(false);
  });
});
