import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpAgentRequest, SignIdentity } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { DelegationChain, DelegationIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { Principal } from '@dfinity/principal';
import { sha224 } from '@noble/hashes/sha2.js';
import { decodeCbor, encodeCbor } from '@tincan/certification';
import type { TestReplica } from '@tincan/testing';
import type { HttpServer } from '@tincan/http';
import { startCounterOverHttp, stopCounterOverHttp, postCbor } from './harness.js';

let t: TestReplica;
let server: HttpServer;
let canisterId: Principal;

beforeAll(async () => {
  ({ t, server, canisterId } = await startCounterOverHttp());
});

afterAll(() => stopCounterOverHttp({ t, server }));

const post = (path: string, body: Uint8Array): Promise<Response> => postCbor(server, path, body);

const queryPath = (): string => `/api/v3/canister/${canisterId.toText()}/query`;

function queryContent(
  sender: Principal,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    request_type: 'query',
    canister_id: canisterId.toUint8Array(),
    method_name: 'totalOf',
    arg: new Uint8Array(IDL.encode([IDL.Principal], [sender])),
    sender: sender.toUint8Array(),
    ingress_expiry: BigInt(Date.now() + 3 * 60_000) * 1_000_000n,
    ...overrides,
  };
}

/** The envelope `identity` would send for `content`, as a mutable map. */
async function signed(
  identity: SignIdentity | DelegationIdentity,
  content: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const request = {
    request: { method: 'POST', headers: {} },
    endpoint: 'query',
    body: content,
  } as unknown as HttpAgentRequest;
  const transformed = (await identity.transformRequest(request)) as {
    body: Record<string, unknown>;
  };
  const { sender_delegation: delegations, ...rest } = transformed.body;
  if (delegations === undefined) return rest;
  // Plain maps for encodeCbor: `Delegation` objects hold targets as `Principal`s, which the agent's CBOR encodes as bytes.
  const plain = (
    delegations as {
      delegation: { pubkey: Uint8Array; expiration: bigint; targets?: Principal[] };
      signature: Uint8Array;
    }[]
  ).map(({ delegation, signature }) => ({
    delegation: {
      pubkey: delegation.pubkey,
      expiration: delegation.expiration,
      ...(delegation.targets !== undefined && {
        targets: delegation.targets.map((target) => target.toUint8Array()),
      }),
    },
    signature,
  }));
  return { ...rest, sender_delegation: plain };
}

async function refusal(
  envelope: Record<string, unknown>,
  path = queryPath(),
): Promise<{ status: number; text: string }> {
  const res = await post(path, encodeCbor(envelope));
  return { status: res.status, text: await res.text() };
}

function flipLastBit(bytes: unknown): Uint8Array {
  const copy = Uint8Array.from(bytes as Uint8Array);
  copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 1;
  return copy;
}

describe('signed envelopes built by hand', () => {
  it('answers a correctly signed query (the control for the refusals below)', async () => {
    const identity = Ed25519KeyIdentity.generate();
    const res = await post(
      queryPath(),
      encodeCbor(await signed(identity, queryContent(identity.getPrincipal()))),
    );
    expect(res.status).toBe(200);
    expect(decodeCbor(new Uint8Array(await res.arrayBuffer()))).toMatchObject({
      status: 'replied',
    });
  });

  it('refuses a tampered Ed25519 signature with 400 "Invalid signature"', async () => {
    const identity = Ed25519KeyIdentity.generate();
    const envelope = await signed(identity, queryContent(identity.getPrincipal()));
    envelope.sender_sig = flipLastBit(envelope.sender_sig);
    const { status, text } = await refusal(envelope);
    expect(status).toBe(400);
    expect(text).toMatch(/^Invalid signature: the ed25519 signature in sender_sig does not verify/);
  });

  it('refuses a tampered secp256k1 signature and content changed after signing', async () => {
    const identity = Secp256k1KeyIdentity.generate();
    const envelope = await signed(identity, queryContent(identity.getPrincipal()));
    expect(
      await refusal({ ...envelope, sender_sig: flipLastBit(envelope.sender_sig) }),
    ).toMatchObject({
      status: 400,
      text: expect.stringMatching(/^Invalid signature: the ecdsa-secp256k1/) as unknown,
    });
    const content = {
      ...(envelope.content as Record<string, unknown>),
      method_name: 'get',
      arg: new Uint8Array(IDL.encode([], [])),
    };
    expect(await refusal({ ...envelope, content })).toMatchObject({
      status: 400,
      text: expect.stringMatching(/^Invalid signature/) as unknown,
    });
  });

  it('refuses a sender that is not the principal of sender_pubkey', async () => {
    const signer = Ed25519KeyIdentity.generate();
    const claimed = Ed25519KeyIdentity.generate().getPrincipal();
    const { status, text } = await refusal(await signed(signer, queryContent(claimed)));
    expect(status).toBe(400);
    expect(text).toMatch(/^Invalid sender: the sender .* does not match the public key/);
    expect(text).toContain(claimed.toText());
    expect(text).toContain(signer.getPrincipal().toText());
  });

  it('refuses a key of an unsupported type (Ed448) with 400', async () => {
    const der = Uint8Array.from([
      0x30,
      0x43,
      0x30,
      0x05,
      0x06,
      0x03,
      0x2b,
      0x65,
      0x71,
      0x03,
      0x3a,
      0x00,
      ...new Uint8Array(57).fill(7),
    ]);
    const sender = Principal.fromUint8Array(Uint8Array.from([...sha224(der), 0x02]));
    const envelope = {
      content: queryContent(sender),
      sender_pubkey: der,
      sender_sig: new Uint8Array(114),
    };
    const { status, text } = await refusal(envelope);
    expect(status).toBe(400);
    expect(text).toMatch(
      /^Unsupported or malformed public key in sender_pubkey: unsupported public key algorithm \(OID 1\.3\.101\.113\)/,
    );
  });

  it('refuses unsigned content carrying a public key, and a signature without a key', async () => {
    const identity = Ed25519KeyIdentity.generate();
    const envelope = await signed(identity, queryContent(identity.getPrincipal()));
    expect(
      await refusal({ content: envelope.content, sender_sig: envelope.sender_sig }),
    ).toMatchObject({ status: 400, text: expect.stringMatching(/^Missing signature/) as unknown });
    const anonymous = {
      content: queryContent(Principal.anonymous()),
      sender_pubkey: envelope.sender_pubkey,
    };
    expect(await refusal(anonymous)).toMatchObject({
      status: 400,
      text: expect.stringMatching(/^Anonymous requests must not carry/) as unknown,
    });
  });
});

describe('delegations built by hand', () => {
  const inMinutes = (minutes: number): Date => new Date(Date.now() + minutes * 60_000);

  async function delegatedEnvelope(
    expiration: Date,
    targets?: Principal[],
  ): Promise<Record<string, unknown>> {
    const root = Ed25519KeyIdentity.generate();
    const session = Secp256k1KeyIdentity.generate();
    const chain = await DelegationChain.create(
      root,
      session.getPublicKey(),
      expiration,
      targets === undefined ? {} : { targets },
    );
    return signed(
      DelegationIdentity.fromDelegation(session, chain),
      queryContent(root.getPrincipal()),
    );
  }

  it('answers a query signed through a delegation', async () => {
    const res = await post(
      queryPath(),
      encodeCbor(await delegatedEnvelope(inMinutes(5), [canisterId])),
    );
    expect(res.status).toBe(200);
  });

  it('refuses an expired delegation with 400 mentioning the expiry', async () => {
    const { status, text } = await refusal(await delegatedEnvelope(inMinutes(-1)));
    expect(status).toBe(400);
    expect(text).toMatch(
      /^Invalid delegation: delegation 0 of sender_delegation has expired: its expiration \d+ ns/,
    );
  });

  it('refuses a delegation whose targets exclude the canister, naming it', async () => {
    const other = Principal.fromText('aovwi-4maaa-aaaaa-qaagq-cai');
    const { status, text } = await refusal(await delegatedEnvelope(inMinutes(5), [other]));
    expect(status).toBe(400);
    expect(text).toBe(
      `Invalid delegation: the canister ${canisterId.toText()} is not among the delegation's targets (${other.toText()})`,
    );
  });

  it('refuses a delegation whose signed fields were altered', async () => {
    const envelope = await delegatedEnvelope(inMinutes(5));
    const [first] = envelope.sender_delegation as {
      delegation: Record<string, unknown>;
      signature: Uint8Array;
    }[];
    if (first === undefined) throw new Error('expected one delegation');
    const altered = {
      ...first,
      delegation: { ...first.delegation, expiration: BigInt(Date.now() + 3_600_000) * 1_000_000n },
    };
    const { status, text } = await refusal({ ...envelope, sender_delegation: [altered] });
    expect(status).toBe(400);
    expect(text).toMatch(
      /^Invalid delegation: the signature on delegation 0 of sender_delegation does not verify/,
    );
  });

  it('refuses read_state through a delegation targeting another canister', async () => {
    const other = Principal.fromText('aovwi-4maaa-aaaaa-qaagq-cai');
    const root = Ed25519KeyIdentity.generate();
    const session = Ed25519KeyIdentity.generate();
    const chain = await DelegationChain.create(root, session.getPublicKey(), inMinutes(5), {
      targets: [other],
    });
    const content = {
      request_type: 'read_state',
      paths: [[new TextEncoder().encode('time')]],
      sender: root.getPrincipal().toUint8Array(),
      ingress_expiry: BigInt(Date.now() + 3 * 60_000) * 1_000_000n,
    };
    const envelope = await signed(DelegationIdentity.fromDelegation(session, chain), content);
    const { status, text } = await refusal(
      envelope,
      `/api/v2/canister/${canisterId.toText()}/read_state`,
    );
    expect(status).toBe(400);
    expect(text).toContain(canisterId.toText());
    expect(
      (await post(`/api/v2/canister/${other.toText()}/read_state`, encodeCbor(envelope))).status,
    ).toBe(200);
  });

  it('refuses a chain longer than 20 delegations', async () => {
    const keys = Array.from({ length: 22 }, () => Ed25519KeyIdentity.generate());
    let chain: DelegationChain | undefined;
    for (let i = 0; i < 21; i++) {
      const [from, to] = [keys[i], keys[i + 1]] as [Ed25519KeyIdentity, Ed25519KeyIdentity];
      chain = await DelegationChain.create(
        from,
        to.getPublicKey(),
        inMinutes(5),
        chain === undefined ? {} : { previous: chain },
      );
    }
    const session = keys[21] as Ed25519KeyIdentity;
    const root = (keys[0] as Ed25519KeyIdentity).getPrincipal();
    const envelope = await signed(
      DelegationIdentity.fromDelegation(session, chain as DelegationChain),
      queryContent(root),
    );
    const { status, text } = await refusal(envelope);
    expect(status).toBe(400);
    expect(text).toMatch(
      /^Invalid delegation: the chain has 21 delegations, more than the allowed 20/,
    );
  });
});
