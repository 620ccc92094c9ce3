import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Actor, HttpAgent, type ActorSubclass } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import type { TestReplica } from '@tincan/testing';
import type { HttpServer } from '@tincan/http';
import { startCounterOverHttp, stopCounterOverHttp } from './harness.js';

interface Counter {
  add(n: bigint): Promise<bigint>;
  get(): Promise<bigint>;
  missing(): Promise<bigint>;
  missingQuery(): Promise<bigint>;
}

const idlFactory: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({
    add: I.Func([I.Nat], [I.Nat], []),
    get: I.Func([], [I.Nat], ['query']),
    missing: I.Func([], [I.Nat], []),
    missingQuery: I.Func([], [I.Nat], ['query']),
  });

let t: TestReplica;
let server: HttpServer;
let canisterId: Principal;

async function counterActor(): Promise<ActorSubclass<Counter>> {
  const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
  return Actor.createActor<Counter>(idlFactory, { agent, canisterId });
}

beforeAll(async () => {
  ({ t, server, canisterId } = await startCounterOverHttp());
});

afterAll(() => stopCounterOverHttp({ t, server }));

describe('unmodified @dfinity/agent against the HTTP interface', () => {
  it('fetches the root key from status', async () => {
    const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
    expect(agent.rootKey).toEqual(server.rootKey);
  });

  it('makes a certified update call (v3 sync) and a signed query', async () => {
    const counter = await counterActor();
    expect(await counter.add(5n)).toBe(5n);
    expect(await counter.get()).toBe(5n);
  });

  it('shows the same state to a second agent', async () => {
    const other = await counterActor();
    expect(await other.get()).toBe(5n);
    expect(await other.add(2n)).toBe(7n);
    expect(await (await counterActor()).get()).toBe(7n);
  });

  it('surfaces a certified reject for an unknown update method with code 5', async () => {
    const counter = await counterActor();
    const err = await counter.missing().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(rejectOf(err)).toMatchObject({ rejectCode: 5, name: 'CertifiedRejectErrorCode' });
  });

  it('surfaces a signed reject for an unknown query method with code 5', async () => {
    const counter = await counterActor();
    const err = await counter.missingQuery().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(rejectOf(err)).toMatchObject({ rejectCode: 5, name: 'UncertifiedRejectErrorCode' });
  });

  it('falls back to v2 call + read_state polling', async () => {
    const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
    const arg = IDL.encode([IDL.Nat], [1n]);
    const { requestId, response } = await agent.call(canisterId, {
      methodName: 'add',
      arg,
      callSync: false,
    });
    expect(response.status).toBe(202);
    const { pollForResponse } = await import('@dfinity/agent');
    const { reply } = await pollForResponse(agent, canisterId, requestId);
    expect(IDL.decode([IDL.Nat], reply)).toEqual([8n]);
  });

  it('rejects calls to an unknown canister with code 3', async () => {
    const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
    const ghost = Actor.createActor<Counter>(idlFactory, {
      agent,
      canisterId: 'aovwi-4maaa-aaaaa-qaagq-cai',
    });
    const err = await ghost.add(1n).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(rejectOf(err)).toMatchObject({ rejectCode: 3 });
  });
});

function rejectOf(err: unknown): unknown {
  return (err as { cause?: { code?: unknown } }).cause?.code;
}
