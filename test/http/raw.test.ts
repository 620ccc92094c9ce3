import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Actor,
  CanisterStatus,
  Cbor,
  Certificate,
  HttpAgent,
  type HttpAgentReadStateRequest,
} from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { decodeCbor, encodeCbor, utf8 } from '@tincan/certification';
import type { TestReplica } from '@tincan/testing';
import type { HttpServer } from '@tincan/http';
import { startCounterOverHttp, stopCounterOverHttp, postCbor } from './harness.js';

const idlFactory: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({ get: I.Func([], [I.Nat], ['query']), add: I.Func([I.Nat], [I.Nat], []) });

interface Counter {
  get(): Promise<bigint>;
  add(n: bigint): Promise<bigint>;
}

let t: TestReplica;
let server: HttpServer;
let canisterId: Principal;

beforeAll(async () => {
  ({ t, server, canisterId } = await startCounterOverHttp());
});

afterAll(() => stopCounterOverHttp({ t, server }));

const post = (path: string, body: Uint8Array): Promise<Response> => postCbor(server, path, body);

function queryEnvelope(overrides: Record<string, unknown> = {}): Uint8Array {
  const expiry = BigInt(Date.now() + 4 * 60_000) * 1_000_000n;
  const content = {
    request_type: 'query',
    canister_id: canisterId.toUint8Array(),
    method_name: 'get',
    arg: new Uint8Array(IDL.encode([], [])),
    sender: Uint8Array.of(4),
    ingress_expiry: expiry,
    ...overrides,
  };
  return encodeCbor({ content });
}

describe('HTTP interface, raw requests', () => {
  it('serves status as self-described CBOR with the DER root key', async () => {
    const res = await fetch(`${server.url}/api/v2/status`);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xd9, 0xd9, 0xf7]);
    const status = decodeCbor(bytes) as Record<string, unknown>;
    expect(status).toMatchObject({
      ic_api_version: expect.any(String) as unknown,
      impl_version: expect.any(String) as unknown,
      replica_health_status: 'healthy',
    });
    expect(status.root_key).toEqual(server.rootKey);
    expect((status.root_key as Uint8Array).length).toBe(133);
  });

  it('answers malformed CBOR with 400 and a message', async () => {
    const res = await post(
      `/api/v3/canister/${canisterId.toText()}/call`,
      Uint8Array.of(0xff, 0x00, 0x13),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/CBOR/);
    const shape = await post(
      `/api/v2/canister/${canisterId.toText()}/query`,
      encodeCbor({ nope: 1 }),
    );
    expect(shape.status).toBe(400);
    expect(await shape.text()).toMatch(/content/);
  });

  it('answers a body over 4 MiB with 413', async () => {
    const res = await post(
      `/api/v3/canister/${canisterId.toText()}/call`,
      new Uint8Array(4 * 1024 * 1024 + 1),
    );
    expect(res.status).toBe(413);
  });

  it('rejects an ingress expiry too far ahead with the text agents recognise', async () => {
    const res = await post(
      `/api/v2/canister/${canisterId.toText()}/query`,
      queryEnvelope({ ingress_expiry: BigInt(Date.now() + 3_600_000) * 1_000_000n }),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^Invalid request expiry: /);
  });

  it('rejects unsigned requests from a non-anonymous sender with 400', async () => {
    const sender = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai').toUint8Array();
    const res = await post(
      `/api/v2/canister/${canisterId.toText()}/query`,
      queryEnvelope({ sender }),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^Missing signature: .*sender_pubkey and sender_sig/);
  });

  it('answers unknown endpoints with 404 and a bad canister id with 400', async () => {
    expect((await post('/api/v9/canister/x/call', new Uint8Array())).status).toBe(404);
    expect((await post('/api/v2/canister/not-a-principal/query', queryEnvelope())).status).toBe(
      400,
    );
  });

  it('answers a raw query with the reply and one node signature', async () => {
    const res = await post(`/api/v3/canister/${canisterId.toText()}/query`, queryEnvelope());
    expect(res.status).toBe(200);
    const body = decodeCbor(new Uint8Array(await res.arrayBuffer())) as {
      status: string;
      signatures: unknown[];
    };
    expect(body.status).toBe('replied');
    expect(body.signatures).toHaveLength(1);
  });

  it('serves canister module hash, controllers and candid through read_state', async () => {
    const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
    const status = await CanisterStatus.request({
      agent,
      canisterId,
      paths: ['module_hash', 'controllers', 'candid', 'time', 'subnet'],
    });
    expect(status.get('module_hash')).toMatch(/^[0-9a-f]{64}$/);
    expect((status.get('controllers') as Principal[]).map((p) => p.toText())).toEqual([
      '2vxsx-fae',
    ]);
    expect(status.get('candid')).toMatch(/get : \(\) -> \(nat\) query/);
    expect(status.get('subnet')).toMatchObject({
      subnetId: Principal.selfAuthenticating(server.rootKey).toText(),
    });
  });

  it('serves subnet read_state with a certificate the agent verifies', async () => {
    const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
    const subnetId = Principal.selfAuthenticating(server.rootKey);
    const request = (await agent.createReadStateRequest({
      paths: [[utf8('subnet'), subnetId.toUint8Array(), utf8('public_key')]],
    })) as HttpAgentReadStateRequest;
    const res = await post(
      `/api/v3/subnet/${subnetId.toText()}/read_state`,
      Cbor.encode(request.body),
    );
    expect(res.status).toBe(200);
    const { certificate } = decodeCbor(new Uint8Array(await res.arrayBuffer())) as {
      certificate: Uint8Array;
    };
    const cert = await Certificate.create({
      certificate,
      rootKey: server.rootKey,
      canisterId: subnetId,
    });
    expect(cert.lookup_path(['subnet', subnetId.toUint8Array(), 'public_key'])).toMatchObject({
      value: server.rootKey,
    });
  });

  it('is caught by the agent when a query signature or certificate is tampered with', async () => {
    const tamper =
      (path: RegExp, edit: (body: Record<string, unknown>) => void): typeof fetch =>
      async (input, init) => {
        const res = await fetch(input, init);
        const url =
          typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        if (!path.test(url) || res.status !== 200) return res;
        const body = decodeCbor(new Uint8Array(await res.arrayBuffer())) as Record<string, unknown>;
        edit(body);
        return new Response(encodeCbor(body), { status: 200, headers: res.headers });
      };
    const flipSignature = tamper(/\/query$/, (body) => {
      const [sig] = body.signatures as Array<{ signature: Uint8Array }>;
      if (sig !== undefined) sig.signature[0] = (sig.signature[0] ?? 0) ^ 1;
    });
    const queryAgent = await HttpAgent.create({
      host: server.url,
      shouldFetchRootKey: true,
      fetch: flipSignature,
      retryTimes: 0,
    });
    await expect(
      Actor.createActor<Counter>(idlFactory, { agent: queryAgent, canisterId }).get(),
    ).rejects.toThrow(/signature/i);

    const forgeCertificate = tamper(/\/call$/, (body) => {
      const cert = decodeCbor(body.certificate as Uint8Array) as { signature: Uint8Array };
      cert.signature = new Uint8Array(48);
      body.certificate = encodeCbor(cert);
    });
    const callAgent = await HttpAgent.create({
      host: server.url,
      shouldFetchRootKey: true,
      fetch: forgeCertificate,
      retryTimes: 0,
    });
    await expect(
      Actor.createActor<Counter>(idlFactory, { agent: callAgent, canisterId }).add(1n),
    ).rejects.toThrow(/signature|verif/i);
  });
});
