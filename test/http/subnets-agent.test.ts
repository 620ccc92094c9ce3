import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Actor, Certificate, HttpAgent, type ActorSubclass } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { managementIdlFactory, subnetRange } from '@tincan/replica';
import {
  decodeCbor,
  decodeCertificate,
  derEncodeBlsPublicKey,
  generateRootKey,
  lookupPath,
} from '@tincan/certification';
import type { HttpServer } from '@tincan/http';
import type { TestSubnets } from '@tincan/testing';
import { envelope, postCbor, startSubnetsOverHttp, stopSubnetsOverHttp } from './harness.js';

interface Peer {
  relayAdd(peer: Principal, n: bigint): Promise<bigint>;
  add(n: bigint): Promise<bigint>;
  getCount(): Promise<bigint>;
}

const idlFactory: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({
    relayAdd: I.Func([I.Principal, I.Nat], [I.Nat], []),
    add: I.Func([I.Nat], [I.Nat], []),
    getCount: I.Func([], [I.Nat], ['query']),
  });

let t: TestSubnets;
let server: HttpServer;
let a: Principal;
let b: Principal;

async function peer(
  canisterId: Principal,
  agentOptions: { rootKey?: Uint8Array } = {},
): Promise<ActorSubclass<Peer>> {
  const agent =
    agentOptions.rootKey === undefined
      ? await HttpAgent.create({ host: server.url, shouldFetchRootKey: true })
      : HttpAgent.createSync({ host: server.url, rootKey: agentOptions.rootKey });
  return Actor.createActor<Peer>(idlFactory, { agent, canisterId });
}

beforeAll(async () => {
  const h = await startSubnetsOverHttp([
    [0, 'test/fixtures/xnet-peer.ts'],
    [1, 'test/fixtures/xnet-peer.ts'],
  ]);
  ({ t, server } = h);
  [a, b] = h.canisters as [Principal, Principal];
}, 120_000);

afterAll(() => stopSubnetsOverHttp({ t, server }));

describe('the unmodified agent against a replica of two subnets', { timeout: 120_000 }, () => {
  it("serves the root key, which is subnet 0's key", async () => {
    const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
    expect(agent.rootKey).toEqual(t.subnets.subnets[0]?.key.derPublicKey);
  });

  it('calls and queries canisters on both subnets with full verification, across subnets too', async () => {
    const onB = await peer(b);
    const onA = await peer(a);
    expect(await onB.relayAdd(a, 5n)).toBe(5n); // ingress to subnet 1, which calls subnet 0
    expect(await onA.relayAdd(b, 7n)).toBe(7n); // and the other way
    expect(await onA.getCount()).toBe(5n); // signed queries, node keys read from each subnet's tree
    expect(await onB.getCount()).toBe(7n);
  });

  it('answers read_state on subnet 1 with a certificate delegated by the root key, and on subnet 0 without one', async () => {
    const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
    const path = [new TextEncoder().encode('time')];
    const onB = await agent.readState(b, { paths: [path] });
    const onA = await agent.readState(a, { paths: [path] });
    const delegated = decodeCertificate(onB.certificate);
    expect(delegated.delegation?.subnet_id).toEqual(t.subnets.subnets[1]?.id.toUint8Array());
    expect(decodeCertificate(onA.certificate).delegation).toBeUndefined();
    // The agent's own verification: the delegation against the root key, the canister in the subnet's ranges.
    await expect(
      Certificate.create({
        certificate: onB.certificate,
        rootKey: agent.rootKey as Uint8Array,
        canisterId: b,
      }),
    ).resolves.toBeDefined();
    // Subnet 1's certificate does not vouch for a canister of subnet 0.
    await expect(
      Certificate.create({
        certificate: onB.certificate,
        rootKey: agent.rootKey as Uint8Array,
        canisterId: a,
      }),
    ).rejects.toThrow();
  });

  it('serves /api/v3/subnet/<id>/read_state from that subnet, with its key and delegation', async () => {
    const subnet = t.subnets.subnets[1];
    if (subnet === undefined) throw new Error('no subnet 1');
    const id = subnet.id.toUint8Array();
    const content = {
      request_type: 'read_state',
      sender: Uint8Array.of(4),
      ingress_expiry: BigInt(Date.now() + 120_000) * 1_000_000n,
      paths: [[new TextEncoder().encode('subnet'), id, new TextEncoder().encode('public_key')]],
    };
    const response = await postCbor(
      server,
      `/api/v3/subnet/${subnet.id.toText()}/read_state`,
      envelope(content),
    );
    expect(response.status).toBe(200);
    const { certificate } = decodeCbor(new Uint8Array(await response.arrayBuffer())) as {
      certificate: Uint8Array;
    };
    const decoded = decodeCertificate(certificate);
    expect(decoded.delegation?.subnet_id).toEqual(id);
    const key = lookupPath(decoded.tree, ['subnet', id, 'public_key']);
    expect(key).toEqual({ status: 'found', value: subnet.key.derPublicKey });
  });

  it('creates a canister on the subnet whose range holds the effective canister id', async () => {
    const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
    for (const subnet of [1, 0]) {
      const management = Actor.createActor<{
        provisional_create_canister_with_cycles(arg: unknown): Promise<{ canister_id: Principal }>;
      }>(managementIdlFactory, {
        agent,
        canisterId: Principal.managementCanister(),
        effectiveCanisterId: Principal.fromUint8Array(subnetRange(subnet)[0]),
      });
      const { canister_id: created } = await management.provisional_create_canister_with_cycles({
        amount: [],
        settings: [],
        specified_id: [],
        sender_canister_version: [],
      });
      expect(t.subnets.subnetOf(created)).toBe(subnet);
      expect(t.subnets.replica(subnet).runtime.hasCanister(created.toUint8Array())).toBe(true);
    }
  });

  it('fails verification against any other root key', async () => {
    const stranger = derEncodeBlsPublicKey(generateRootKey(new Uint8Array(32).fill(3)).publicKey);
    await expect((await peer(b, { rootKey: stranger })).add(1n)).rejects.toThrow();
  });
});
