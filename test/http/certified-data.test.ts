import { afterEach, describe, expect, it } from 'vitest';
import { Actor, Certificate, HttpAgent, lookupResultToBuffer } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { startHttpServer, type HttpServer } from '@tincan/http';
import { createTestReplica, type TestReplica } from '@tincan/testing';
import { WALL_CLOCK } from './harness.js';

const Blob = IDL.Vec(IDL.Nat8);
const idlFactory: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({
    certify: I.Func([Blob], [I.Null], []),
    certifyThenTrap: I.Func([Blob], [I.Null], []),
    certifyInQuery: I.Func([Blob], [I.Null], ['query']),
    certificate: I.Func([], [I.Opt(Blob)], ['query']),
    certificateInUpdate: I.Func([], [I.Opt(Blob)], []),
  });

interface CertifiedActor {
  certify(data: Uint8Array): Promise<null>;
  certifyThenTrap(data: Uint8Array): Promise<null>;
  certifyInQuery(data: Uint8Array): Promise<null>;
  certificate(): Promise<[Uint8Array] | []>;
  certificateInUpdate(): Promise<[Uint8Array] | []>;
}

let t: TestReplica | undefined;
let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  await t?.dispose();
  server = undefined;
  t = undefined;
});

async function serve(stateDir?: string): Promise<{ agent: HttpAgent; server: HttpServer }> {
  t ??= await createTestReplica({ clock: WALL_CLOCK, ...(stateDir !== undefined && { stateDir }) });
  server = await startHttpServer({ replica: t.replica, stateDir: t.stateDir });
  const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
  return { agent, server };
}

/** Verifies `certificate` with the agent against the server's root key; returns the certified data. */
async function certifiedData(
  certificate: Uint8Array,
  s: HttpServer,
  canisterId: Principal,
): Promise<Uint8Array | undefined> {
  const cert = await Certificate.create({ certificate, rootKey: s.rootKey, canisterId });
  return lookupResultToBuffer(
    cert.lookup_path(['canister', canisterId.toUint8Array(), 'certified_data']),
  );
}

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

describe('certified data', () => {
  it('is certified in read_state and in the data certificate of a query, as the agent verifies', async () => {
    const { agent, server: s } = await serve();
    const canisterId = (await t!.replica.deploy('test/fixtures/certified-data.ts')).id;
    const actor = Actor.createActor<CertifiedActor>(idlFactory, { agent, canisterId });

    // Never set: empty, and still certified.
    const [first] = await actor.certificate();
    expect(first).toBeDefined();
    expect(await certifiedData(first!, s, canisterId)).toEqual(new Uint8Array(0));

    const data = bytes(32, 7);
    await actor.certify(data);
    const [certificate] = await actor.certificate();
    expect(await certifiedData(certificate!, s, canisterId)).toEqual(data);

    const path = [
      new TextEncoder().encode('canister'),
      canisterId.toUint8Array(),
      new TextEncoder().encode('certified_data'),
    ];
    const state = await agent.readState(canisterId, { paths: [path] });
    expect(await certifiedData(state.certificate, s, canisterId)).toEqual(data);

    // A replicated execution has no data certificate.
    expect(await actor.certificateInUpdate()).toEqual([]);
  });

  it('applies only when the execution commits, traps in queries and over 32 bytes', async () => {
    const { agent, server: s } = await serve();
    const canisterId = (await t!.replica.deploy('test/fixtures/certified-data.ts')).id;
    const actor = Actor.createActor<CertifiedActor>(idlFactory, { agent, canisterId });
    await actor.certify(bytes(4, 1));

    await expect(actor.certifyThenTrap(bytes(4, 2))).rejects.toThrow(/changed my mind/);
    await expect(actor.certifyInQuery(bytes(4, 3))).rejects.toThrow(
      /ic0_certified_data_set" cannot be executed in non replicated query mode/,
    );
    await expect(actor.certify(bytes(33, 4))).rejects.toThrow(
      /no larger than 32 bytes\. Found 33 bytes/,
    );

    const [certificate] = await actor.certificate();
    expect(await certifiedData(certificate!, s, canisterId)).toEqual(bytes(4, 1));
  });

  it('survives a restart and an upgrade; a reinstall clears it', async () => {
    const { agent } = await serve();
    const canister = await t!.replica.deploy('test/fixtures/certified-data.ts');
    await Actor.createActor<CertifiedActor>(idlFactory, { agent, canisterId: canister.id }).certify(
      bytes(32, 9),
    );
    await server!.close();
    server = undefined;
    const replica = await t!.restart();
    expect(replica.runtime.certifiedData(canister.id.toUint8Array())).toEqual(bytes(32, 9));

    const again = await serve(t!.stateDir);
    const actor = Actor.createActor<CertifiedActor>(idlFactory, {
      agent: again.agent,
      canisterId: canister.id,
    });
    const [certificate] = await actor.certificate();
    expect(await certifiedData(certificate!, again.server, canister.id)).toEqual(bytes(32, 9));

    await replica.upgrade(canister, 'test/fixtures/certified-data.ts');
    expect(replica.runtime.certifiedData(canister.id.toUint8Array())).toEqual(bytes(32, 9));
    await replica.reinstall(canister, 'test/fixtures/certified-data.ts');
    const [cleared] = await actor.certificate();
    expect(await certifiedData(cleared!, again.server, canister.id)).toEqual(new Uint8Array(0));
  });
});
