import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Actor,
  HttpAgent,
  type ActorSubclass,
  type Identity,
  type SignIdentity,
} from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import {
  DelegationChain,
  DelegationIdentity,
  ECDSAKeyIdentity,
  Ed25519KeyIdentity,
} from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { Principal } from '@dfinity/principal';
import type { TestReplica } from '@tincan/testing';
import type { HttpServer } from '@tincan/http';
import { startCounterOverHttp, stopCounterOverHttp } from './harness.js';

interface Counter {
  add(n: bigint): Promise<bigint>;
  totalOf(who: Principal): Promise<bigint>;
}

const idlFactory: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({
    add: I.Func([I.Nat], [I.Nat], []),
    totalOf: I.Func([I.Principal], [I.Nat], ['query']),
  });

let t: TestReplica;
let server: HttpServer;
let canisterId: Principal;

/** An actor for the counter as `identity`; `retryTimes: 0` keeps refusals fast. */
async function counterAs(identity: Identity, retryTimes?: number): Promise<ActorSubclass<Counter>> {
  const agent = await HttpAgent.create({
    host: server.url,
    shouldFetchRootKey: true,
    identity,
    ...(retryTimes !== undefined && { retryTimes }),
  });
  return Actor.createActor<Counter>(idlFactory, { agent, canisterId });
}

/** Adds `n` as `identity` (v3 call) and reads back the total the canister recorded for `who` (query), both signed. */
async function addAndReadTotal(identity: Identity, n: bigint, who: Principal): Promise<bigint> {
  const counter = await counterAs(identity);
  await counter.add(n);
  return counter.totalOf(who);
}

function failure(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => {
      throw new Error('expected the request to be refused');
    },
    (err: unknown) => describeError(err),
  );
}

/** The error's message with its causes, where agents put the replica's answer. */
function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(
      current instanceof Error
        ? current.message
        : JSON.stringify(current, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    );
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(' | ');
}

beforeAll(async () => {
  ({ t, server, canisterId } = await startCounterOverHttp());
});

afterAll(() => stopCounterOverHttp({ t, server }));

describe('signed requests from unmodified agents', () => {
  it('lets an Ed25519 identity update and query as its own principal', async () => {
    const identity = Ed25519KeyIdentity.generate();
    const principal = identity.getPrincipal();
    expect(principal.isAnonymous()).toBe(false);
    expect(await addAndReadTotal(identity, 3n, principal)).toBe(3n);
    expect(await addAndReadTotal(identity, 4n, principal)).toBe(7n);
  });

  it('lets a secp256k1 identity update and query as its own principal', async () => {
    const identity = Secp256k1KeyIdentity.generate();
    expect(await addAndReadTotal(identity, 11n, identity.getPrincipal())).toBe(11n);
  });

  it('lets a P-256 (WebCrypto ECDSA) identity update and query as its own principal', async () => {
    const identity = await ECDSAKeyIdentity.generate();
    expect(await addAndReadTotal(identity, 13n, identity.getPrincipal())).toBe(13n);
  });

  it('keeps callers apart: totals are per principal', async () => {
    const a = Ed25519KeyIdentity.generate();
    const b = Secp256k1KeyIdentity.generate();
    await addAndReadTotal(a, 2n, a.getPrincipal());
    expect(await addAndReadTotal(b, 5n, a.getPrincipal())).toBe(2n);
    expect(await (await counterAs(a)).totalOf(b.getPrincipal())).toBe(5n);
  });
});

describe('delegation chains', () => {
  const inMinutes = (minutes: number): Date => new Date(Date.now() + minutes * 60_000);

  async function delegated(
    root: SignIdentity,
    session: SignIdentity,
    expiration: Date,
    targets?: Principal[],
  ): Promise<DelegationIdentity> {
    const chain = await DelegationChain.create(
      root,
      session.getPublicKey(),
      expiration,
      targets === undefined ? {} : { targets },
    );
    return DelegationIdentity.fromDelegation(session, chain);
  }

  it('acts as the delegator: the canister sees the root key principal', async () => {
    const root = Ed25519KeyIdentity.generate();
    const session = Ed25519KeyIdentity.generate();
    const identity = await delegated(root, session, inMinutes(15), [canisterId]);
    expect(identity.getPrincipal().toText()).toBe(root.getPrincipal().toText());
    expect(await addAndReadTotal(identity, 21n, root.getPrincipal())).toBe(21n);
    expect(await (await counterAs(session)).totalOf(session.getPrincipal())).toBe(0n);
  });

  it('accepts a two-link chain across key types (secp256k1 → Ed25519 → P-256)', async () => {
    const root = Secp256k1KeyIdentity.generate();
    const middle = Ed25519KeyIdentity.generate();
    const session = await ECDSAKeyIdentity.generate();
    const first = await DelegationChain.create(root, middle.getPublicKey(), inMinutes(15));
    const chain = await DelegationChain.create(middle, session.getPublicKey(), inMinutes(10), {
      previous: first,
      targets: [canisterId],
    });
    const identity = DelegationIdentity.fromDelegation(session, chain);
    expect(await addAndReadTotal(identity, 8n, root.getPrincipal())).toBe(8n);
  });

  it('refuses an expired delegation, for updates and queries', async () => {
    const root = Ed25519KeyIdentity.generate();
    const identity = await delegated(root, Ed25519KeyIdentity.generate(), inMinutes(-1));
    const counter = await counterAs(identity, 0);
    expect(await failure(counter.add(1n))).toMatch(/Invalid delegation: .*has expired/);
    // The agent fetches the subnet's node keys with the same identity, so either error may surface.
    expect(await failure(counter.totalOf(root.getPrincipal()))).toMatch(
      /has expired|node signatures/,
    );
  });

  it('refuses a delegation whose targets do not include the canister', async () => {
    const other = Principal.fromText('aovwi-4maaa-aaaaa-qaagq-cai');
    const identity = await delegated(
      Ed25519KeyIdentity.generate(),
      Ed25519KeyIdentity.generate(),
      inMinutes(15),
      [other],
    );
    const counter = await counterAs(identity, 0);
    const message = await failure(counter.add(1n));
    expect(message).toMatch(
      /Invalid delegation: the canister .* is not among the delegation's targets/,
    );
    expect(message).toContain(canisterId.toText());
    expect(await failure(counter.totalOf(other))).toMatch(
      /not among the delegation's targets|node signatures/,
    );
  });

  it('refuses a delegation signed by a key other than the sender key', async () => {
    const root = Ed25519KeyIdentity.generate();
    const session = Ed25519KeyIdentity.generate();
    const forged = await DelegationChain.create(
      Ed25519KeyIdentity.generate(),
      session.getPublicKey(),
      inMinutes(15),
    );
    const chain = DelegationChain.fromDelegations(forged.delegations, root.getPublicKey().toDer());
    const counter = await counterAs(DelegationIdentity.fromDelegation(session, chain), 0);
    expect(await failure(counter.add(1n))).toMatch(
      /Invalid delegation: the signature on delegation 0/,
    );
  });
});
