import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '@dfinity/principal';
import {
  buildTree,
  decodeCertificate,
  encodeCbor,
  generateRootKey,
  lookupPath,
  signCertificate,
  timeEntry,
  utf8,
} from '@tincan/certification';
import { Relayer, type BridgeProof } from '@tincan/cli';
import { startHttpServer, type HttpServer } from '@tincan/http';
import { signDelegation, subnetRange } from '@tincan/replica';
import { createTestSubnets, identity, type TestSubnets } from '@tincan/testing';
import type Connector from '../../canisters/connector/src/index.js';
import type BridgeApp from '../fixtures/bridge-app.js';
import type XnetPeer from '../fixtures/xnet-peer.js';
import { WALL_CLOCK } from '../http/harness.js';

const CONNECTOR = 'canisters/connector/src/index.ts';

let t: TestSubnets;
let server: HttpServer;
let relayer: Relayer;
let connectorA: Principal;
let connectorB: Principal;
let app: Principal;
let target: Principal;

beforeAll(async () => {
  t = await createTestSubnets({ clock: WALL_CLOCK });
  const { subnets } = t;
  connectorA = (await subnets.deploy(0, CONNECTOR)).id;
  connectorB = (await subnets.deploy(1, CONNECTOR)).id;
  app = (await subnets.deploy(0, 'test/fixtures/bridge-app.ts')).id;
  target = (await subnets.deploy(1, 'test/fixtures/xnet-peer.ts')).id;
  server = await startHttpServer({ replica: subnets.root, subnets, port: 0, host: '127.0.0.1' });
  expect(await subnets.actor<Connector>(connectorA).setPeer(connectorB, server.rootKey)).toBe(true);
  expect(await subnets.actor<Connector>(connectorB).setPeer(connectorA, server.rootKey)).toBe(true);
  relayer = await Relayer.create({ host: server.url, connectors: () => [connectorA, connectorB] });
}, 180_000);

afterAll(async () => {
  await relayer?.stop();
  await server?.close();
  await t?.dispose();
});

/** Relays until a pass delivers nothing. */
async function relayAll(): Promise<number> {
  let total = 0;
  for (;;) {
    const { delivered } = await relayer.relayOnce();
    if (delivered === 0) return total;
    total += delivered;
  }
}

describe('a bridge between two subnets (Calimero connectors)', { timeout: 180_000 }, () => {
  it('lets only the owner set the peer', async () => {
    await expect(
      t.subnets
        .actor<Connector>(connectorA, { identity: identity('mallory') })
        .setPeer(connectorB, server.rootKey),
    ).rejects.toThrow(/only the owner/);
  });

  it('carries a call across with a proof and its result back to the named callback', async () => {
    expect(await t.subnets.actor<BridgeApp>(app).addAcross(connectorA, target, 5n)).toBe(0n);
    // Nothing moves until a relayer carries the event.
    expect(await t.subnets.actor<XnetPeer>(target).getCount()).toBe(0n);
    expect(await relayAll()).toBe(2); // the call event, then the result event
    expect(await t.subnets.actor<XnetPeer>(target).getCount()).toBe(5n);
    expect(await t.subnets.actor<BridgeApp>(app).getResults()).toEqual(['0: ok 5']);
    expect((await t.subnets.actor<Connector>(connectorA).stats()).delivered).toBe(1n);
  });

  it('reports a failed call on the other side to the callback', async () => {
    const n = await t.subnets.actor<BridgeApp>(app).addAcross(connectorA, connectorB, 1n); // the connector has no `add`
    await relayAll();
    expect((await t.subnets.actor<BridgeApp>(app).getResults()).at(-1)).toMatch(
      new RegExp(`^${n}: failed .*add`),
    );
  });

  it('refuses a replayed, a changed and a forged proof, and runs nothing for them', async () => {
    const genuine = (await relayer.proofOf(connectorA, 0n))?.proof as BridgeProof;
    expect(genuine.events.length).toBeGreaterThan(0);
    const b = relayer.connector(connectorB);
    const inbound = await b.bridge_inbound();
    const count = await t.subnets.actor<XnetPeer>(target).getCount();

    // Replayed: every event in it already ran.
    expect(await b.bridge_deliver(genuine)).toEqual({
      Err: expect.stringMatching(/^replayed proof/) as unknown,
    });

    // A new event with its args changed in transit (the certificate is genuine).
    await t.subnets.actor<BridgeApp>(app).addAcross(connectorA, target, 7n);
    const fresh = (await relayer.proofOf(connectorA, inbound))?.proof as BridgeProof;
    const changed = { ...fresh, events: fresh.events.map((e) => e.slice()) };
    const last = changed.events.at(-1) as Uint8Array;
    last[last.length - 1] = (last[last.length - 1] as number) ^ 1;
    expect(await b.bridge_deliver(changed)).toEqual({
      Err: expect.stringMatching(/^forged proof: the events do not hash/) as unknown,
    });

    // The certificate's signature flipped.
    const cert = decodeCertificate(fresh.certificate);
    const signature = cert.signature.slice();
    signature[3] = (signature[3] as number) ^ 1;
    expect(
      await b.bridge_deliver({ ...fresh, certificate: encodeCbor({ ...cert, signature }) }),
    ).toEqual({
      Err: expect.stringMatching(/^forged proof: .*signature does not verify/) as unknown,
    });

    // A certificate over the right head, signed by a subnet key that a fake root delegated.
    const fakeRoot = generateRootKey(new Uint8Array(32).fill(5));
    const fakeSubnet = generateRootKey(new Uint8Array(32).fill(6));
    const subnetId = t.subnets.subnets[0]?.id.toUint8Array() as Uint8Array;
    const delegation = signDelegation(
      fakeRoot,
      subnetId,
      fakeSubnet,
      [subnetRange(0)],
      WALL_CLOCK.nowNs(),
    );
    const head = lookupPath(cert.tree, ['canister', connectorA.toUint8Array(), 'certified_data']);
    expect(head.status).toBe('found');
    const tree = buildTree([
      [
        [utf8('canister'), connectorA.toUint8Array(), utf8('certified_data')],
        (head as { value: Uint8Array }).value,
      ],
      timeEntry(WALL_CLOCK.nowNs()),
    ]);
    const forged = signCertificate(tree, fakeSubnet.secretKey, { delegation });
    expect(await b.bridge_deliver({ ...fresh, certificate: forged })).toEqual({
      Err: expect.stringMatching(
        /^forged proof: the delegation's signature does not verify against the root key/,
      ) as unknown,
    });

    // None of them ran anything; the genuine proof then does, once.
    expect(await b.bridge_inbound()).toBe(inbound);
    expect(await t.subnets.actor<XnetPeer>(target).getCount()).toBe(count);
    expect(await b.bridge_deliver(fresh)).toEqual({ Ok: 1n });
    expect(await t.subnets.actor<XnetPeer>(target).getCount()).toBe(count + 7n);
    await relayAll();
    expect((await t.subnets.actor<BridgeApp>(app).getResults()).at(-1)).toBe(`2: ok ${count + 7n}`);
  });
});
